// Exporting stored events (`caspian events`): identical events reported by several articles are
// counted, not repeated, and written as TSV, CSV, JSON lines or GDELT 2.0 event table rows.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "caspian/store.h"

namespace caspian {

enum class EventFormat { kTsv, kCsv, kJsonl, kGdelt };

// "tsv", "csv", "jsonl" or "gdelt"; kInvalidArgument otherwise.
[[nodiscard]] Result<EventFormat> parse_event_format(std::string_view name);

// One event as reported by one or more articles: the same date, actors, code and place.
struct EventGroup {
  const StoredEvent* first = nullptr;  // the earliest report (lowest event id)
  int64_t mentions = 0;                // reports of it (GDELT NumMentions)
  int64_t sources = 0;                 // distinct outlets among them (NumSources)
  int64_t articles = 0;                // distinct articles among them
  // Over the stories of its reports (the same news told by other articles, src/stories), as GDELT
  // counts NumArticles and NumSources: the stories' articles and distinct outlets, never fewer
  // than `articles` and `sources`. story_id is the first report's story (0: none).
  int64_t story_id = 0;
  int64_t story_articles = 0;
  int64_t story_sources = 0;
  // The mean tone (Tone::avg_tone) of the distinct articles that report it and were scored (GDELT
  // AvgTone: the average tone of the documents that mention the event); nullopt when none was.
  std::optional<double> avg_tone;
};

// The name of a CAMEO root event code ("04" -> "Consult"), as the CAMEO manual 1.1b3 (Schrodt 2012,
// section 2) gives the twenty roots; "" for anything else. tests/events_test.cc checks the names
// against data/events/cameo_codes.tsv.
[[nodiscard]] std::string_view cameo_root_name(std::string_view root);

// Groups `events` (which must outlive the result) in the order of their first report.
[[nodiscard]] std::vector<EventGroup> group_events(const std::vector<StoredEvent>& events);

// Writes the groups: "tsv" and "csv" with a header line, "jsonl" one object per line, "gdelt" the
// 61 tab-separated columns of the GDELT 2.0 event table without a header (docs/events.md says how
// each is filled). Reads data_dir/events/fips_countries.tsv for "gdelt" (GDELT's geography uses
// FIPS 10-4 country codes).
[[nodiscard]] Result<std::string> format_events(const std::vector<EventGroup>& groups, EventFormat format,
                                                const std::filesystem::path& data_dir);

}  // namespace caspian
