// One polling round of `caspian watch` (contract in caspian/watch.h).
#include "caspian/watch.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>

namespace caspian {

namespace {

std::string hash_hex(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

// What identifies a feed item across polls: its link, canonicalised (feeds
// re-issue items with tracking parameters), else its text.
std::string item_key(const Document& item) {
  const std::string canon = canonical_url(item.url);
  return canon.empty() ? "text:" + hash_hex(item.text) : canon;
}

// What a feed item says, to notice that it changed under the same link: its title and text.
std::string item_hash(const Document& item) {
  return hash_hex(item.title + '\0' + item.text);
}

// A new item, or one whose text changed, waiting to be analysed and stored.
struct FreshItem {
  std::string key;
  std::string hash;
  bool changed = false;  // seen before with other text
};

bool cancelled(const WatchOptions& o) {
  return o.cancel != nullptr && o.cancel->load();
}

void log(const WatchOptions& o, std::string_view line) {
  if (o.log) o.log(line);
}

// Stores one new or changed item and marks it seen, in one transaction.
Status store_item(Store& store, const Document& doc, const FreshItem& fresh, const std::string& feed_url,
                  WatchStats& stats, const WatchOptions& options) {
  const std::string& key = fresh.key;
  CASPIAN_RETURN_IF_ERROR(store.begin_batch());
  auto put = store.put(doc);
  if (!put.ok()) {
    CASPIAN_RETURN_IF_ERROR(store.commit_batch());  // nothing of the article was written
    if (put.status().code() == ErrorCode::kStoreError) return put.status();
    ++stats.failed;
    log(options, fmt::format("watch: {}: {}", doc.url.empty() ? key : doc.url, put.status().to_string()));
    return Status::Ok();
  }
  (put->outcome == PutResult::Outcome::kStored ? stats.stored : stats.duplicates) += 1;
  CASPIAN_RETURN_IF_ERROR(store.mark_item_seen(key, feed_url, put->article_id, fresh.hash));
  return store.commit_batch();
}

// Whether the back-off skips `feed_url` this round (counting it down).
bool backing_off(const std::string& feed_url, const WatchOptions& o) {
  if (o.health == nullptr) return false;
  auto it = o.health->feeds.find(feed_url);
  if (it == o.health->feeds.end() || it->second.skip_rounds == 0) return false;
  --it->second.skip_rounds;
  return true;
}

void record_health(const std::string& feed_url, bool failed, const WatchOptions& o) {
  if (o.health == nullptr) return;
  if (!failed) {
    o.health->feeds.erase(feed_url);
    return;
  }
  FeedHealth::Feed& f = o.health->feeds[feed_url];
  ++f.failures;
  const int shift = std::min(f.failures - 1, 30);
  f.skip_rounds = std::min((1 << shift) - 1, kMaxBackoffRounds);
}

// Analyses the new items of one feed (in parallel, consumed in feed order) and stores each with
// its seen mark. Returns the store's failure, if any; sets `stopped` when cancelled.
Status store_new_items(std::vector<Document> fresh, std::vector<FreshItem> keys,
                       const std::string& feed_url, Fetcher& fetcher, Store& store, const Pipeline& pipeline,
                       const WatchOptions& options, WatchStats& stats, bool& stopped) {
  // The follow fetches happen on the runner's reader thread, which alone uses the fetcher then.
  RecordSource source = [&](const PendingRecordSink& push) -> Status {
    for (Document& item : fresh) {
      if (cancelled(options)) break;
      RecordOrigin origin{item.id, 0, 0};
      Document doc =
          options.follow
              ? follow_item_link(fetcher, std::move(item), options.read,
                                 [&](std::string_view w) { log(options, fmt::format("watch: {}", w)); })
              : std::move(item);
      if (cancelled(options)) break;  // the follow fetch may have been cut short: keep the item for next time
      if (!push(ready_record(std::move(origin), std::move(doc)))) break;
    }
    return Status::Ok();
  };
  Status store_status;
  RunHooks hooks;
  hooks.consume = [&](AnalysedRecord& rec) {
    if (!rec.doc.ok()) return true;  // in-memory items are always made
    store_status = store_item(store, rec.doc.value(), keys[rec.seq], feed_url, stats, options);
    return store_status.ok();
  };
  const RunSummary run = run_records(source, pipeline, options.run, hooks);
  stopped = run.cancelled || cancelled(options);
  return store_status;
}

}  // namespace

Result<WatchStats> watch_round(const std::vector<std::string>& feed_urls, Fetcher& fetcher, Store& store,
                               const Pipeline& pipeline, const WatchOptions& options) {
  WatchStats stats;
  for (const std::string& feed_url : feed_urls) {
    if (cancelled(options)) {
      stats.interrupted = true;
      break;
    }
    if (backing_off(feed_url, options)) {
      ++stats.backing_off;
      log(options, fmt::format("watch: {}: skipped this round (failed {} rounds in a row)", feed_url,
                               options.health->feeds[feed_url].failures));
      continue;
    }
    ++stats.feeds;
    auto state = store.fetch_state(feed_url);
    if (!state.ok()) return state.status();
    FetchRequest request{feed_url, "", ""};
    if (*state) {
      request.etag = (*state)->etag;
      request.last_modified = (*state)->last_modified;
    }
    auto response = fetcher.fetch(request);
    if (!response.ok()) {
      if (response.status().code() == ErrorCode::kInterrupted) {
        stats.interrupted = true;
        break;
      }
      ++stats.feed_errors;
      record_health(feed_url, true, options);
      log(options, fmt::format("watch: {}: {}", feed_url, response.status().to_string()));
      continue;
    }
    FetchState next{feed_url, response->etag, response->last_modified, "", response->status, ""};
    const bool same_bytes =
        *state && !response->not_modified && (*state)->content_hash == hash_hex(response->body);
    if (response->not_modified || same_bytes) {
      ++stats.not_modified;
      record_health(feed_url, false, options);
      next.content_hash = *state ? (*state)->content_hash : "";
      CASPIAN_RETURN_IF_ERROR(store.put_fetch_state(next));
      log(options,
          fmt::format("watch: {}: not modified{}", feed_url, same_bytes ? " (same bytes)" : " (304)"));
      continue;
    }
    next.content_hash = hash_hex(response->body);
    auto items = documents_from_feed(response->body, options.read.stats);
    if (!items.ok()) {
      ++stats.feed_errors;
      record_health(feed_url, true, options);
      log(options, fmt::format("watch: {}: {}", feed_url, items.status().to_string()));
      continue;
    }
    record_health(feed_url, false, options);
    const int64_t stored_before = stats.stored, dup_before = stats.duplicates;
    const int64_t changed_before = stats.changed_items;
    std::vector<Document> fresh;
    std::vector<FreshItem> keys;
    for (size_t i = 0; i < items->size(); ++i) {
      Document& item = (*items)[i];
      ++stats.items;
      FreshItem f{item_key(item), item_hash(item), false};
      auto seen = store.item_seen(f.key);
      if (!seen.ok()) return seen.status();
      // An item changed when the feed that marked it says something else now. The same link in
      // another feed (another summary of the same story) is not a change; marks from before
      // schema 3 carry no hash and are taken to be unchanged.
      if (*seen && ((*seen)->feed_url != feed_url || (*seen)->item_hash.empty() ||
                    (*seen)->item_hash == f.hash))
        continue;
      f.changed = seen->has_value();
      (f.changed ? stats.changed_items : stats.new_items) += 1;
      item.id = fmt::format("{}#{}", feed_url, i + 1);
      fresh.push_back(std::move(item));
      keys.push_back(std::move(f));
    }
    const auto fresh_count = static_cast<int64_t>(fresh.size());
    bool stopped = false;
    CASPIAN_RETURN_IF_ERROR(store_new_items(std::move(fresh), std::move(keys), feed_url, fetcher, store,
                                            pipeline, options, stats, stopped));
    if (stopped) {
      stats.interrupted = true;
      log(options, fmt::format("watch: {}: interrupted after {} new items", feed_url,
                               stats.stored + stats.duplicates - stored_before - dup_before));
      break;
    }
    // Saved last: a round cut short fetches the feed in full next time.
    CASPIAN_RETURN_IF_ERROR(store.put_fetch_state(next));
    log(options, fmt::format("watch: {}: {} items, {} new, {} changed, {} stored, {} duplicates", feed_url,
                             items->size(), fresh_count - (stats.changed_items - changed_before),
                             stats.changed_items - changed_before, stats.stored - stored_before,
                             stats.duplicates - dup_before));
  }
  return stats;
}

}  // namespace caspian
