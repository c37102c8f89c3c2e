// The runner's core: records read on one thread, made and analysed on N, consumed in input order
// on the calling thread (contract in caspian/runner.h).
#include "caspian/runner.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace caspian {

namespace {

// Records waiting to be analysed per analysis thread, when RunOptions does not say: enough to keep
// every thread busy while the reader parses the next lines, few enough to bound memory.
constexpr size_t kRecordsPerThread = 8;
// How often a waiting thread looks at the cancel flag (a signal handler cannot notify).
constexpr auto kPollInterval = std::chrono::milliseconds(50);

bool is_set(const std::atomic<bool>* flag) {
  return flag != nullptr && flag->load();
}

// Makes the Document of `rec` and analyses it. nullopt: the run was cancelled during analysis,
// and the half-analysed document must not be consumed.
std::optional<AnalysedRecord> make_and_analyse(uint64_t seq, PendingRecord& rec, const Pipeline& pipeline,
                                               const RunOptions& options, const Precheck& precheck) {
  AnalysedRecord out;
  out.seq = seq;
  out.origin = std::move(rec.origin);
  // A maker bug (such as std::bad_alloc on a pathological page) fails this record only.
  try {
    out.doc =
        rec.make ? rec.make() : Result<Document>(Status(ErrorCode::kInternal, "record without a maker"));
  } catch (const std::exception& e) {
    out.doc = Status(ErrorCode::kInternal, e.what());
  }
  rec.make = nullptr;  // releases the raw bytes
  if (!out.doc.ok()) return out;
  Document& d = out.doc.value();
  if (d.id.empty()) d.id = out.origin.to_string();
  if (options.default_date && !d.published) d.published = *options.default_date;
  if (precheck && precheck(d)) return out;
  if (!pipeline.run(d, options.cancel)) return std::nullopt;
  out.analysed = true;
  return out;
}

// threads == 1: everything on the calling thread, in order.
RunSummary run_inline(const RecordSource& source, const Pipeline& pipeline, const RunOptions& options,
                      const RunHooks& hooks) {
  RunSummary sum;
  const Precheck precheck = hooks.precheck ? hooks.precheck() : Precheck{};
  uint64_t seq = 0;
  bool ours = false;  // the source stopped because we asked it to
  Status st = source([&](PendingRecord rec) {
    if (is_set(options.cancel)) return !(ours = sum.cancelled = true);
    auto analysed = make_and_analyse(seq++, rec, pipeline, options, precheck);
    if (!analysed) return !(ours = sum.cancelled = true);
    ++sum.records;
    if (!hooks.consume(*analysed)) return !(ours = sum.stopped = true);
    return true;
  });
  if (!ours) sum.source_status = std::move(st);
  if (is_set(options.cancel)) sum.cancelled = true;
  return sum;
}

// threads > 1. One mutex guards the queues; the reader and the analysers block on bounded
// queues, the consumer on the next sequence number.
class ParallelRun {
 public:
  ParallelRun(const RecordSource& source, const Pipeline& pipeline, const RunOptions& options,
              const RunHooks& hooks, int threads)
      : source_(source),
        pipeline_(pipeline),
        options_(options),
        hooks_(hooks),
        threads_(threads),
        max_records_(options.max_queued_records > 0 ? options.max_queued_records
                                                    : kRecordsPerThread * static_cast<size_t>(threads)) {}

  RunSummary run() {
    std::vector<std::thread> workers;
    workers.emplace_back([this] { read(); });
    for (int i = 0; i < threads_; ++i) workers.emplace_back([this] { analyse(); });
    RunSummary sum = consume_all();
    {
      const std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    space_cv_.notify_all();
    work_cv_.notify_all();
    for (std::thread& t : workers) t.join();
    sum.source_status = source_status_;
    if (is_set(options_.cancel)) sum.cancelled = true;
    return sum;
  }

 private:
  // Requires m_ held.
  bool halted() const { return stop_ || is_set(options_.cancel); }

  void read() {
    uint64_t seq = 0;
    Status st = source_([&](PendingRecord rec) {
      std::unique_lock<std::mutex> lock(m_);
      auto room = [&] {
        return halted() || (queue_.size() < max_records_ &&
                            (queue_.empty() || queued_bytes_ + rec.bytes <= options_.max_queued_bytes));
      };
      while (!space_cv_.wait_for(lock, kPollInterval, room)) {
      }
      if (halted()) return false;
      queued_bytes_ += rec.bytes;
      queue_.emplace_back(seq++, std::move(rec));
      work_cv_.notify_one();
      return true;
    });
    const std::lock_guard<std::mutex> lock(m_);
    if (!halted()) source_status_ = std::move(st);
    reading_done_ = true;
    work_cv_.notify_all();
    done_cv_.notify_all();
  }

  void analyse() {
    const Precheck precheck = hooks_.precheck ? hooks_.precheck() : Precheck{};
    std::unique_lock<std::mutex> lock(m_);
    // Records are taken in order and at most max_records_ (and about max_queued_bytes of raw
    // input) ahead of the consumer, which bounds the analysed records waiting to be consumed.
    auto ready = [&] {
      if (halted()) return true;
      if (queue_.empty()) return reading_done_;
      const auto& [seq, front] = queue_.front();
      return seq < next_ + max_records_ &&
             (ahead_bytes_ == 0 || ahead_bytes_ + front.bytes <= options_.max_queued_bytes);
    };
    for (;;) {
      while (!work_cv_.wait_for(lock, kPollInterval, ready)) {
      }
      if (halted() || queue_.empty()) return;
      auto [seq, rec] = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= rec.bytes;
      ahead_bytes_ += rec.bytes;
      ahead_[seq] = rec.bytes;
      ++busy_;
      space_cv_.notify_one();
      lock.unlock();
      std::optional<AnalysedRecord> analysed = make_and_analyse(seq, rec, pipeline_, options_, precheck);
      lock.lock();
      --busy_;
      if (analysed) done_.emplace(seq, std::move(*analysed));
      done_cv_.notify_all();
      if (!analysed) return;  // cancelled
    }
  }

  RunSummary consume_all() {
    RunSummary sum;
    auto last_activity = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      if (is_set(options_.cancel)) {
        sum.cancelled = true;
        return sum;
      }
      if (auto it = done_.find(next_); it != done_.end()) {
        AnalysedRecord rec = std::move(it->second);
        done_.erase(it);
        if (auto a = ahead_.find(next_); a != ahead_.end()) {
          ahead_bytes_ -= a->second;
          ahead_.erase(a);
        }
        ++next_;
        work_cv_.notify_all();
        lock.unlock();
        ++sum.records;
        const bool go = hooks_.consume(rec);
        last_activity = std::chrono::steady_clock::now();
        lock.lock();
        if (!go) {
          sum.stopped = true;
          return sum;
        }
        continue;
      }
      if (reading_done_ && queue_.empty() && busy_ == 0) return sum;
      done_cv_.wait_for(lock, kPollInterval);
      if (hooks_.idle && std::chrono::steady_clock::now() - last_activity >= hooks_.idle_interval) {
        lock.unlock();
        hooks_.idle();
        last_activity = std::chrono::steady_clock::now();
        lock.lock();
      }
    }
  }

  const RecordSource& source_;
  const Pipeline& pipeline_;
  const RunOptions& options_;
  const RunHooks& hooks_;
  const int threads_;
  const size_t max_records_;

  std::mutex m_;
  std::condition_variable space_cv_;  // the reader waits for room in queue_
  std::condition_variable work_cv_;   // analysers wait for a record they may take
  std::condition_variable done_cv_;   // the consumer waits for record next_
  std::deque<std::pair<uint64_t, PendingRecord>> queue_;
  uint64_t queued_bytes_ = 0;
  uint64_t ahead_bytes_ = 0;             // raw bytes of the records taken but not yet consumed
  std::map<uint64_t, uint64_t> ahead_;   // their sizes by sequence number
  std::map<uint64_t, AnalysedRecord> done_;
  uint64_t next_ = 0;  // the next sequence number to consume
  int busy_ = 0;       // analysers working on a record
  bool reading_done_ = false;
  bool stop_ = false;
  Status source_status_;
};

}  // namespace

int resolve_threads(int requested) noexcept {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

RunSummary run_records(const RecordSource& source, const Pipeline& pipeline, const RunOptions& options,
                       const RunHooks& hooks) {
  const int threads = resolve_threads(options.threads);
  if (threads == 1) return run_inline(source, pipeline, options, hooks);
  ParallelRun run(source, pipeline, options, hooks, threads);
  return run.run();
}

}  // namespace caspian
