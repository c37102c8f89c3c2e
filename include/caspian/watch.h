// `caspian watch`: polling feeds, storing only their new items.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/fetch.h"
#include "caspian/ingest.h"
#include "caspian/pipeline.h"
#include "caspian/result.h"
#include "caspian/runner.h"
#include "caspian/store.h"

namespace caspian {

// How each feed fared in earlier rounds, for the back-off of feeds that keep failing: after n
// failed rounds in a row a feed is skipped for min(2^(n-1) - 1, kMaxBackoffRounds) rounds, so a
// dead feed costs ever fewer fetches while a live one that recovers is polled again.
struct FeedHealth {
  struct Feed {
    int failures = 0;     // failed rounds in a row
    int skip_rounds = 0;  // rounds still to skip
  };
  std::map<std::string, Feed> feeds;  // by feed URL
};
inline constexpr int kMaxBackoffRounds = 32;

struct WatchOptions {
  bool follow = false;           // fetch each new item's link and extract the page (see follow_item_link)
  ReadOptions read;              // size limits
  RunOptions run;                // analysis threads (the new items of a feed are analysed in parallel)
  FeedHealth* health = nullptr;  // kept across rounds by the caller; null: no back-off
  // When set and true, the round stops before the next feed or item.
  const std::atomic<bool>* cancel = nullptr;
  // One line per feed polled, and warnings. May be empty.
  std::function<void(std::string_view)> log;
};

struct WatchStats {
  int64_t feeds = 0;                               // feeds polled
  int64_t not_modified = 0;                        // answered 304, or the same bytes as last time
  int64_t feed_errors = 0;                         // fetch or parse failures (the other feeds go on)
  int64_t backing_off = 0;                         // feeds skipped this round after failing (FeedHealth)
  int64_t items = 0;                               // items in the feeds read
  int64_t new_items = 0;                           // items not seen before
  int64_t changed_items = 0;                       // items seen before whose title or text changed
  int64_t stored = 0, duplicates = 0, failed = 0;  // what became of the new and changed items
  bool interrupted = false;                        // options.cancel stopped the round
};

// One polling round over `feed_urls`. Each feed is fetched with a
// conditional GET (ETag / Last-Modified kept in the store's fetch_state);
// a 304 or a body identical to the last one is not parsed again. Each item
// whose key (its link, canonicalised, else a hash of its text) the store has
// not seen, or whose title or text changed since this feed last gave it (stored again: a
// revision of the same URL), is analysed with `pipeline` (options.run.threads at a time, through run_records),
// stored and marked seen in one transaction, so a stop between items leaves no item half-done and a
// restart neither fetches nor stores an item twice. A feed's validators are
// saved only after all its items were handled.
// Errors: kStoreError when the store fails (the round stops); per-feed and
// per-item failures are logged and counted instead.
Result<WatchStats> watch_round(const std::vector<std::string>& feed_urls, Fetcher& fetcher, Store& store,
                               const Pipeline& pipeline, const WatchOptions& options);

}  // namespace caspian
