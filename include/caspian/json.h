// The versioned analysis JSON (docs/schema.md).
#pragma once

#include <optional>
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

// One event with the words it was read from, as the store keeps it (events.record): the event's
// object of the analysis JSON plus "sentence_text" and, when the article was scored, its tone as
// "article_tone" (the GDELT export's AvgTone).
struct EventRecord {
  Event event;
  std::string source_text;
  std::string target_text;
  std::string sentence_text;
  std::optional<Tone> article_tone;
};
std::string event_to_json(const Document& doc, const Event& e);
// Parses what event_to_json wrote (spans are not checked against a text): kParseError otherwise.
Result<EventRecord> event_from_json(std::string_view json);

// Parses "YYYY-MM-DD" (optionally followed by "T..."): kInvalidArgument otherwise.
Result<std::chrono::year_month_day> parse_iso_date(std::string_view s);
std::string format_date(std::chrono::year_month_day d);

// `s` as a quoted JSON string literal (invalid UTF-8 is replaced by U+FFFD).
std::string json_string(std::string_view s);

}  // namespace caspian
