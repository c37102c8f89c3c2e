// Internal: article metadata from JSON-LD, <meta> (OpenGraph, Dublin Core, citation_*, parsely,
// ...), <time>, bylines, <html lang>, <link rel=canonical> and the URL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/page.h"

namespace caspian::extract {

struct Metadata {
  std::string title;
  std::vector<std::string> authors;
  std::string published;  // as found (ISO 8601 date or date-time), "" if none
  std::string modified;
  std::string language;   // primary subtag, lower case
  std::string canonical_url;
  std::string site_name;
  std::string description;
  std::string article_body;  // JSON-LD articleBody (a hint for the main text)
};

// Resolves the metadata of a parsed page. `url` (may be empty) is where it came from.
// Never fails; missing fields stay empty. Malformed JSON-LD is ignored.
Metadata extract_metadata(const Page& page, std::string_view url);

// `ref` resolved against `base` (absolute, scheme-relative, root-relative and relative refs).
std::string resolve_url(std::string_view base, std::string_view ref);

// The first date written in `text` as "YYYY-MM-DD" ("Feb 08, 2022", "16 December 2025",
// "13/11/2025", "2025.11.13"; numeric day/month order: day first when it must be or with dots,
// else month first), or "" when there is none. English month names only.
std::string parse_date_text(std::string_view text);

// The first date in a URL path (/2019/11/19/, /2019-11-19, /20191119/) as "YYYY-MM-DD", or "".
std::string date_from_url(std::string_view url);

}  // namespace caspian::extract
