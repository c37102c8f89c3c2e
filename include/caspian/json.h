// The versioned analysis JSON (docs/schema.md).
#pragma once

#include <string>
#include <string_view>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian {

// Serialises the whole document and its analysis. `indent` < 0 gives one line.
std::string to_json(const Document& doc, int indent = 2);

// Parses what to_json wrote. Refuses a different schema_version with
// kUnsupportedVersion, malformed input with kParseError.
Result<Document> from_json(std::string_view json);

// Parses "YYYY-MM-DD" (optionally followed by "T..."): kInvalidArgument otherwise.
Result<std::chrono::year_month_day> parse_iso_date(std::string_view s);
std::string format_date(std::chrono::year_month_day d);

// `s` as a quoted JSON string literal (invalid UTF-8 is replaced by U+FFFD).
std::string json_string(std::string_view s);

}  // namespace caspian
