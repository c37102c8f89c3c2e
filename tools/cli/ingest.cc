// `caspian ingest`: analyse articles and store them (the runner does the work; this verb shows
// progress and reports).
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "common.h"

namespace caspian::cli {

namespace {

constexpr auto kProgressInterval = std::chrono::milliseconds(200);
constexpr int kBarWidth = 28;

// A progress line on stderr: bytes of the inputs consumed (compressed bytes for gzip) over their
// total size; unknown totals (stdin) show counts only.
class ProgressBar {
 public:
  explicit ProgressBar(uint64_t total_bytes)
      : total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()) {}

  void update(const IngestStats& s, const RecordOrigin& origin, bool final) {
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < kProgressInterval) return;
    last_ = now;
    if (origin.path != current_path_) {
      finished_bytes_ += current_size_;
      current_path_ = origin.path;
      std::error_code ec;
      current_size_ = std::filesystem::file_size(origin.path, ec);
      if (ec) current_size_ = 0;
    }
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(s.read) / secs : 0.0;
    const std::string tally = fmt::format("{} read, {} stored, {} duplicate, {} failed, {:.0f} articles/s",
                                          s.read, s.stored, s.duplicates, s.failed, rate);
    std::string line = "ingest: " + tally;
    if (total_bytes_ > 0) {
      const double done = final ? 1.0
                                : std::min(1.0, static_cast<double>(finished_bytes_ + origin.offset) /
                                                    static_cast<double>(total_bytes_));
      const int filled = static_cast<int>(done * kBarWidth);
      const double eta = done > 0 && !final ? secs * (1 - done) / done : 0.0;
      line = fmt::format("[{}{}] {:3.0f}%  {}  ETA {:.0f}s", std::string(static_cast<size_t>(filled), '#'),
                         std::string(static_cast<size_t>(kBarWidth - filled), '.'), done * 100, tally, eta);
    }
    fmt::print(stderr, "\r\033[K{}{}", line, final ? "\n" : "");
  }
  void clear_line() const { fmt::print(stderr, "\r\033[K"); }

 private:
  uint64_t total_bytes_;
  uint64_t finished_bytes_ = 0;  // of the files already read whole
  std::string current_path_;
  uint64_t current_size_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

void print_report(const std::string& db, const IngestStats& s, const ReadStats& read_stats,
                  size_t max_listed) {
  fmt::print("ingested into {}: {} read, {} stored, {} duplicates skipped, {} failed ({:.2f} s)\n", db,
             s.read, s.stored, s.duplicates, s.failed, s.seconds);
  if (s.revisions > 0) {
    fmt::print("  {} of the stored articles are new versions of a URL already stored\n", s.revisions);
  }
  if (s.near_duplicates > 0) {
    fmt::print("  {} of the duplicates are near-duplicates (their URLs are kept as copies)\n",
               s.near_duplicates);
  }
  if (!read_stats.skipped.empty()) {
    fmt::print("skipped (not articles):\n");
    for (const auto& [reason, n] : read_stats.skipped) fmt::print("  {} {}\n", n, reason);
  }
  if (s.failed > 0) {
    fmt::print("{} failed (each named above on stderr{})\n", s.failed,
               s.failures_not_listed > 0 ? fmt::format("; only the first {} were named", max_listed) : "");
  }
}

class IngestVerb final : public Verb {
 public:
  explicit IngestVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("ingest", "Analyse articles and store them in the database");
    cmd_->add_option("inputs", inputs_, "Files, directories, JSONL dumps, URLs or - for stdin")->required();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
    cmd_->add_flag("-q,--quiet", quiet_, "No progress bar");
    cmd_->add_option("--commit-every", commit_every_, "Commit after this many articles")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    cmd_->add_option("--commit-seconds", commit_seconds_,
                     "Commit a batch this old even when it is not full (0: only when full and at the end)")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    add_read_flags(cmd_, flags_);
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    auto prepared = prepare_run("ingest", flags_, global);
    if (const int* exit_code = std::get_if<int>(&prepared)) return *exit_code;
    RunSetup& setup = std::get<RunSetup>(prepared);
    ReadStats read_stats;
    setup.source.read.stats = &read_stats;
    const bool progress = !quiet_ && isatty(fileno(stderr)) != 0;
    ProgressBar bar(progress ? input_bytes(inputs_) : 0);
    IngestOptions options;
    options.run = setup.run;
    options.batch_articles = commit_every_;
    options.batch_age = std::chrono::milliseconds(static_cast<int64_t>(commit_seconds_ * 1000));
    if (progress)
      options.on_record = [&](const IngestStats& s, const RecordOrigin& o) { bar.update(s, o, false); };
    options.on_failure = [&](const std::string& where, const Status& st) {
      if (progress) bar.clear_line();
      if (++shown_failures_ <= options.max_listed_failures) {
        error_line(where, st);
      } else if (shown_failures_ == options.max_listed_failures + 1) {
        fmt::print(stderr, "caspian: more failures follow; they are counted, not named\n");
      }
    };
    auto stats = ingest_records(input_source(inputs_, std::move(setup.source)), setup.pipeline, db_, options);
    if (!stats.ok()) {
      error_line("opening the database " + db_, stats.status());
      return kExitFatal;
    }
    if (progress) bar.update(*stats, RecordOrigin{}, true);
    print_report(db_, *stats, read_stats, options.max_listed_failures);
    if (!stats->source_status.ok()) {
      error_line("ingest", stats->source_status);
      return kExitFatal;
    }
    if (!stats->store_status.ok()) {
      error_line(db_, stats->store_status);
      return kExitFatal;
    }
    if (stats->interrupted) {
      fmt::print(stderr, "caspian: interrupted; {} articles stored before the stop are kept\n",
                 stats->stored);
      return kExitInterrupted;
    }
    return stats->failed > 0 ? kExitPartial : kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::vector<std::string> inputs_;
  ReadFlags flags_;
  std::string db_ = "caspian.db";
  bool quiet_ = false;
  int commit_every_ = IngestOptions{}.batch_articles;
  double commit_seconds_ = std::chrono::duration<double>(IngestOptions{}.batch_age).count();
  size_t shown_failures_ = 0;
};

}  // namespace

std::unique_ptr<Verb> make_ingest(CLI::App& app) {
  return std::make_unique<IngestVerb>(app);
}

}  // namespace caspian::cli
