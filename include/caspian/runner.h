// The ingest runner: one engine behind every front door (the CLI's analyze, ingest and watch, the
// server and the workers). Records are read on a thread of their own, made into Documents and
// analysed on N threads sharing one Pipeline, and handed back in input order to one consumer
// (the store writer, a printer), so that the output is the same whatever the thread count.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/fetch.h"
#include "caspian/ingest.h"
#include "caspian/pipeline.h"
#include "caspian/result.h"
#include "caspian/store.h"

namespace caspian {

// Produces the records of a run in input order, calling `push` for each, and stops early when
// push returns false. Runs on the runner's reader thread (or on the calling thread with one
// thread). Returns non-ok only when the source itself cannot go on (not for a bad record, which
// is pushed as a failed record).
using RecordSource = std::function<Status(const PendingRecordSink& push)>;

struct InputSourceOptions {
  ReadOptions read;
  // Feeds: fetch each item's link and extract the article from its page (follow_item_link).
  bool follow = false;
  FetchOptions fetch;  // for http(s) inputs and follow; the fetcher is made on first use
  WarningSink warn;    // fetch warnings; may be empty
};

// The records of `inputs`, in order: http(s) URLs are fetched (read_url), everything else is read
// as files, directories or "-" (read_input_records). A fetcher that cannot start fails the source.
RecordSource input_source(std::vector<std::string> inputs, InputSourceOptions options);

// Documents already in memory, in order; a record's origin path is its Document::id.
RecordSource document_source(std::vector<Document> docs);

// The number of analysis threads a run uses when asked for `requested` (0: one per core).
int resolve_threads(int requested) noexcept;

struct RunOptions {
  // Analysis threads. 0: one per core. 1: reading, analysis and consuming all on the calling
  // thread. N > 1: a reader thread, N analysis threads, the consumer on the calling thread.
  int threads = 0;
  // Memory bounds: at most this many records (0: 8 per thread; ingest_records: one batch) and
  // about this many raw bytes wait to be analysed, and as many (records taken for analysis, of as
  // many raw bytes) wait to be consumed. A single record larger than the byte bound is still
  // admitted, alone.
  size_t max_queued_records = 0;
  uint64_t max_queued_bytes = uint64_t{128} << 20;
  // Publication date of documents that carry none (plain text; the CLI's --date).
  std::optional<std::chrono::year_month_day> default_date;
  // When set and true: reading stops, records not yet analysed are dropped, and analysis in
  // progress stops between stages (such a document is not consumed). May be null.
  const std::atomic<bool>* cancel = nullptr;
};

// One record after analysis, handed to the consumer in input order.
struct AnalysedRecord {
  uint64_t seq = 0;  // 0-based position in the input
  RecordOrigin origin;
  Result<Document> doc = Status(ErrorCode::kInternal, "not made");  // or why it could not be read
  bool analysed = false;  // false when the precheck skipped the pipeline (a known duplicate)
};

// Decides on an analysis thread whether a made document may skip the pipeline (true: it is a
// known duplicate). One is made per analysis thread, so that each may own a store connection.
using Precheck = std::function<bool(const Document&)>;
using PrecheckFactory = std::function<Precheck()>;

struct RunHooks {
  // Receives every record in input order, on the calling thread. Return false to stop the run.
  std::function<bool(AnalysedRecord&)> consume;
  // Called on the calling thread when no record arrived for idle_interval (to commit a batch, say).
  // May be empty.
  std::function<void()> idle;
  std::chrono::milliseconds idle_interval{500};
  PrecheckFactory precheck;  // may be empty: every document is analysed
};

struct RunSummary {
  uint64_t records = 0;    // consumed
  bool cancelled = false;  // RunOptions::cancel stopped the run
  bool stopped = false;    // the consumer stopped it
  Status source_status;    // the source's own failure, if any
};

// Runs `source` through `pipeline` into hooks.consume (contract above). Never throws on input;
// a record that fails to be made is consumed as a failed record and the run goes on.
// Thread safety: `pipeline` is shared read-only by the analysis threads.
RunSummary run_records(const RecordSource& source, const Pipeline& pipeline, const RunOptions& options,
                       const RunHooks& hooks);

// ---- ingest: the store writer ----------------------------------------------------------------

struct IngestStats {
  int64_t read = 0, stored = 0, revisions = 0, duplicates = 0, near_duplicates = 0, failed = 0;
  int64_t skipped_analysis = 0;  // duplicates found before analysis (Store::has_text)
  uint64_t tokens = 0;           // of the analysed documents
  uint64_t text_bytes = 0;       // of the analysed documents
  // The first IngestOptions::max_listed_failures failures ("origin: error"), then only counted.
  std::vector<std::string> failures;
  int64_t failures_not_listed = 0;
  bool interrupted = false;  // RunOptions::cancel stopped the run; everything committed is kept
  Status store_status;       // a store failure that ended the run (the last commit is intact)
  Status source_status;      // the source could not go on (an HTTP client that would not start)
  double seconds = 0;
};

struct IngestOptions {
  RunOptions run;
  // A batch is written in one transaction when it holds this many articles, this many bytes of
  // text, or is this old (never by age when batch_age is zero), and at the end. The store's write lock is held only while a batch is
  // written, never during analysis, so other writers wait at most one batch.
  int batch_articles = 256;
  uint64_t batch_bytes = uint64_t{32} << 20;
  std::chrono::milliseconds batch_age{2000};
  size_t max_listed_failures = 200;
  // Called on the calling thread after each record is counted (progress bars). May be empty.
  std::function<void(const IngestStats&, const RecordOrigin&)> on_record;
  // Called on the calling thread for each failure, as it happens. May be empty.
  std::function<void(const std::string& where, const Status&)> on_failure;
};

// Analyses every record of `source` and stores it in the store at `store_location`, in input
// order (so article ids, and everything exported, are the same for any thread count). A record
// whose text is stored already skips analysis. Each article is stored whole or not at all; a
// store failure stops the run with the store as at its last commit (IngestStats::store_status).
// Errors: the store cannot be opened (kStoreError, kCorrupt, kUnsupportedVersion).
Result<IngestStats> ingest_records(const RecordSource& source, const Pipeline& pipeline,
                                   const std::string& store_location, const IngestOptions& options);

}  // namespace caspian
