// Internal: RSS/Atom/RDF feed parsing helpers (the public entry point is
// documents_from_feed() in caspian/ingest.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "caspian/ingest.h"

namespace caspian::ingest {

// Parses the calendar date of a feed timestamp in the formats feeds use:
// RFC 822/2822 ("Thu, 01 Jan 2004 19:48:21 GMT", two-digit years, missing
// weekday or seconds), ISO 8601 / W3C-DTF ("2004-01-01T19:48:21Z",
// "2004-01-01", "2004-01", "20040101T...", "2004-001" ordinal), asctime
// ("Sun Jan  4 16:29:06 PST 2004") and loose forms such as "January 4, 2004"
// or "2004/01/04". The date is the one written (the time zone does not move
// it to UTC), since relative expressions in the text are written in that
// local calendar. Day or month left out fall back to the 1st.
// Returns nullopt for anything else, including impossible dates.
// Thread-safe.
std::optional<std::chrono::year_month_day> parse_feed_date(std::string_view text);

// Reduces an HTML fragment (an item's description or content) to plain
// text: tags dropped (script and style with their content), entities
// decoded, block elements separated by "\n\n", other whitespace collapsed.
// The result is valid UTF-8. Thread-safe.
std::string html_fragment_to_text(std::string_view html);

// Parses `bytes` as a feed and passes each item to `sink` (origin
// {path, record = item number}), or one error for the whole file. Returns
// false if the sink asked to stop.
bool read_feed(const std::string& path, std::string_view bytes, uint64_t file_offset, const ReadOptions& options,
               const RecordSink& sink);

}  // namespace caspian::ingest
