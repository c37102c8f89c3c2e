// Story clustering scored against gold story labels (`caspian eval stories`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "caspian/pipeline.h"
#include "caspian/result.h"

namespace caspian::stories {

struct StoriesReport {
  std::string file;
  int64_t items = 0;   // records read
  int64_t scored = 0;  // with a gold story
  int64_t gold_stories = 0;
  int64_t failed = 0;                        // records that could not be read or stored
  int64_t predicted_stories = 0;             // over all items, scored or not
  double precision = 0, recall = 0, f1 = 0;  // B-cubed over the scored items
  double singleton_f1 = 0;                   // B-cubed F1 of every item alone
  double seconds = 0;                        // ingest, analysis and clustering included
};

// Reads a JSONL file of Wikipedia Current Events records (`story`: the ongoing stories an item sits
// under, the last one the deepest; `id`, `date`, `text`, `sources`), removes the gold fields
// (`story`, `category`, `wiki_links`), ingests the rest through the ingest runner into a temporary
// store, and scores the stories it made: the deepest gold story is an item's class, items without
// one are clustered but not scored. Errors: the file cannot be read, or the store fails.
[[nodiscard]] Result<StoriesReport> evaluate_stories(const Pipeline& pipeline,
                                                     const std::filesystem::path& file, int threads);
[[nodiscard]] std::string format_report(const StoriesReport& r);

}  // namespace caspian::stories
