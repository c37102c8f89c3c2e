// Internal: choosing the main text of a page (a Readability-style scorer over the light model).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "extract/page.h"

namespace caspian::extract {

// Returns the indices (ascending) of page.units that form the main article text; empty when the
// page has no text. `headline` (may be empty) is dropped from the start of the text when it
// repeats there. Deterministic; linear in the page size (plus a few re-scorings of small pages).
std::vector<uint32_t> select_main_text(const Page& page, std::string_view headline);

}  // namespace caspian::extract
