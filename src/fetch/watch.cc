// One polling round of `caspian watch` (contract in caspian/watch.h).
#include "caspian/watch.h"

#include <fmt/format.h>
#include <xxhash.h>

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

bool cancelled(const WatchOptions& o) {
  return o.cancel != nullptr && o.cancel->load();
}

void log(const WatchOptions& o, std::string_view line) {
  if (o.log) o.log(line);
}

// Stores one new item and marks it seen, in one transaction.
Status store_item(Store& store, const Document& doc, const std::string& key, const std::string& feed_url,
                  WatchStats& stats, const WatchOptions& options) {
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
  CASPIAN_RETURN_IF_ERROR(store.mark_item_seen(key, feed_url, put->article_id));
  return store.commit_batch();
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
      log(options, fmt::format("watch: {}: {}", feed_url, response.status().to_string()));
      continue;
    }
    FetchState next{feed_url, response->etag, response->last_modified, "", response->status, ""};
    const bool same_bytes =
        *state && !response->not_modified && (*state)->content_hash == hash_hex(response->body);
    if (response->not_modified || same_bytes) {
      ++stats.not_modified;
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
      log(options, fmt::format("watch: {}: {}", feed_url, items.status().to_string()));
      continue;
    }
    int64_t fresh = 0, stored_before = stats.stored, dup_before = stats.duplicates;
    bool stopped = false;
    for (size_t i = 0; i < items->size(); ++i) {
      if (cancelled(options)) {
        stopped = true;
        break;
      }
      Document& item = (*items)[i];
      ++stats.items;
      const std::string key = item_key(item);
      auto seen = store.item_seen(key);
      if (!seen.ok()) return seen.status();
      if (*seen) continue;
      ++fresh;
      ++stats.new_items;
      item.id = fmt::format("{}#{}", feed_url, i + 1);
      Document doc =
          options.follow
              ? follow_item_link(fetcher, std::move(item), options.read,
                                 [&](std::string_view w) { log(options, fmt::format("watch: {}", w)); })
              : std::move(item);
      if (cancelled(options)) {  // the follow fetch may have been cut short: keep the item for next time
        stopped = true;
        break;
      }
      pipeline.run(doc);
      CASPIAN_RETURN_IF_ERROR(store_item(store, doc, key, feed_url, stats, options));
    }
    if (stopped) {
      stats.interrupted = true;
      log(options, fmt::format("watch: {}: interrupted after {} new items", feed_url, fresh));
      break;
    }
    // Saved last: a round cut short fetches the feed in full next time.
    CASPIAN_RETURN_IF_ERROR(store.put_fetch_state(next));
    log(options, fmt::format("watch: {}: {} items, {} new, {} stored, {} duplicates", feed_url, items->size(),
                             fresh, stats.stored - stored_before, stats.duplicates - dup_before));
  }
  return stats;
}

}  // namespace caspian
