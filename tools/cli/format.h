// Human-readable rendering of analyses and search hits for the CLI.
#pragma once

#include <string>
#include <vector>

#include "caspian/caspian.h"

namespace caspian::cli {

// A readable multi-section report of one analysed document.
std::string format_text(const Document& doc);

// One block per hit: rank, date, title, source/url, snippet.
std::string format_hits(const std::vector<SearchHit>& hits);

}  // namespace caspian::cli
