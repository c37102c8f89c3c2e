// The ingest runner's store writer: analysed records in input order, written in batches, each
// batch one transaction (contract in caspian/runner.h).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "caspian/runner.h"

namespace caspian {

namespace {

using Clock = std::chrono::steady_clock;

// The analysed records of the open batch. The store's write lock is taken only in flush(), so
// analysis never holds it.
class BatchWriter {
 public:
  BatchWriter(Store& store, const IngestOptions& options, IngestStats& stats)
      : store_(store), options_(options), stats_(stats) {}

  // Counts one consumed record and queues it for the next batch, writing the batch when it is
  // full or old. Returns false once the store has failed.
  bool add(AnalysedRecord& rec) {
    ++stats_.read;
    const std::string where = rec.origin.to_string();
    if (!rec.doc.ok()) {
      fail(where, rec.doc.status());
    } else {
      const Document& d = rec.doc.value();
      if (rec.analysed) {
        stats_.tokens += d.tokens.size();
        stats_.text_bytes += d.text.size();
      } else {
        ++stats_.skipped_analysis;
      }
      if (pending_.empty()) first_ = Clock::now();
      pending_bytes_ += d.text.size();
      pending_.push_back(std::move(rec));
    }
    bool ok = true;
    if (pending_.size() >= static_cast<size_t>(options_.batch_articles) ||
        pending_bytes_ >= options_.batch_bytes) {
      ok = flush();
    } else {
      ok = flush_if_old();
    }
    if (options_.on_record)
      options_.on_record(stats_, pending_.empty() ? last_origin_ : pending_.back().origin);
    return ok;
  }

  bool flush_if_old() {
    if (pending_.empty() || options_.batch_age.count() <= 0) return true;
    return Clock::now() - first_ < options_.batch_age || flush();
  }

  // Writes the open batch in one transaction. Returns false when the store failed: the batch is
  // then rolled back whole and the store is as at its last commit.
  bool flush() {
    if (pending_.empty()) return stats_.store_status.ok();
    if (!stats_.store_status.ok()) return false;
    last_origin_ = pending_.back().origin;
    if (Status st = store_.begin_batch(); !st.ok()) return store_failed(st, "");
    std::vector<std::pair<size_t, PutResult>> written;
    written.reserve(pending_.size());
    for (size_t i = 0; i < pending_.size(); ++i) {
      auto put = store_.put(pending_[i].doc.value());
      if (put.ok()) {
        written.emplace_back(i, *put);
      } else if (put.status().code() == ErrorCode::kStoreError) {
        (void)store_.rollback_batch();
        return store_failed(put.status(), pending_[i].origin.to_string());
      } else {
        fail(pending_[i].origin.to_string(), put.status());
      }
    }
    if (Status st = store_.commit_batch(); !st.ok()) return store_failed(st, "");
    for (const auto& [i, r] : written) {
      if (r.outcome == PutResult::Outcome::kStored) {
        ++stats_.stored;
        if (r.revision_of != 0) ++stats_.revisions;
      } else {
        ++stats_.duplicates;
        if (r.duplicate_by == "near") ++stats_.near_duplicates;
      }
    }
    pending_.clear();
    pending_bytes_ = 0;
    return true;
  }

 private:
  void fail(const std::string& where, const Status& st) {
    ++stats_.failed;
    if (stats_.failures.size() < options_.max_listed_failures) {
      stats_.failures.push_back(where + ": " + st.to_string());
    } else {
      ++stats_.failures_not_listed;
    }
    if (options_.on_failure) options_.on_failure(where, st);
  }

  bool store_failed(const Status& st, const std::string& where) {
    stats_.store_status =
        Status(st.code(), fmt::format("{}{}; the batch of {} articles since the last commit was not stored",
                                      where.empty() ? "" : where + ": ", st.message(), pending_.size()));
    pending_.clear();
    pending_bytes_ = 0;
    return false;
  }

  Store& store_;
  const IngestOptions& options_;
  IngestStats& stats_;
  std::vector<AnalysedRecord> pending_;
  uint64_t pending_bytes_ = 0;
  Clock::time_point first_;
  RecordOrigin last_origin_;
};

}  // namespace

Result<IngestStats> ingest_records(const RecordSource& source, const Pipeline& pipeline,
                                   const std::string& store_location, const IngestOptions& options) {
  const auto start = Clock::now();
  CASPIAN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_store(store_location));
  IngestStats stats;
  BatchWriter writer(*store, options, stats);
  // Analysis goes on while a batch is written: up to a batch of records may be analysed ahead of
  // the writer (8 a thread left the cores idle during each write: 1.59x at 2 threads on the example
  // corpus, against 1.99x with a batch ahead, bench/ingest_threads).
  RunOptions run_options = options.run;
  if (run_options.max_queued_records == 0)
    run_options.max_queued_records = static_cast<size_t>(std::max(options.batch_articles, 1));
  RunHooks hooks;
  hooks.consume = [&](AnalysedRecord& rec) { return writer.add(rec); };
  hooks.idle = [&] { (void)writer.flush_if_old(); };
  // Each analysis thread asks its own connection whether a text is stored already. A connection
  // that cannot be opened only means that duplicates are analysed before put() finds them.
  hooks.precheck = [&store_location]() -> Precheck {
    auto reader = open_store(store_location);
    if (!reader.ok()) return {};
    std::shared_ptr<Store> conn = std::move(reader).value();
    return [conn](const Document& d) {
      auto known = conn->has_text(d.text);
      return known.ok() && *known;
    };
  };
  const RunSummary run = run_records(source, pipeline, run_options, hooks);
  (void)writer.flush();
  stats.interrupted = run.cancelled;
  stats.source_status = run.source_status;
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace caspian
