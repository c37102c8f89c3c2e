// `caspian watch`: poll feeds in rounds and store their new items (the library's watch_round does
// the work, through the ingest runner).
#include "caspian/watch.h"

#include <fmt/chrono.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <thread>

#include "common.h"

namespace caspian::cli {

namespace {

constexpr auto kSleepSlice = std::chrono::milliseconds(200);

// "90" (seconds), "90s", "15m", "1h", "500ms"; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits])) != 0) ++digits;
  constexpr size_t kMaxDigits = 9;
  if (digits == 0 || digits > kMaxDigits) return std::nullopt;
  const int64_t n = std::stoll(std::string(s.substr(0, digits)));
  const std::string_view unit = s.substr(digits);
  if (unit.empty() || unit == "s") return std::chrono::seconds(n);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m" || unit == "min") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  return std::nullopt;
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

class WatchVerb final : public Verb {
 public:
  explicit WatchVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("watch", "Poll feeds and store their new items (conditional GET, restartable)");
    cmd_->add_option("feedlist", feed_list_, "File of feed URLs, one per line (# comments)")->required();
    cmd_->add_option("--every", every_, "Time between rounds (90s, 15m, 1h)")->capture_default_str();
    cmd_->add_flag("--once", once_, "Run one round and exit");
    cmd_->add_flag("--follow", follow_, "Fetch each new item's link and extract the article from the page");
    cmd_->add_option("--host-delay", host_delay_, "Least time between two requests to one host")
        ->capture_default_str();
    cmd_->add_option("--max-mb", max_mb_, "Refuse responses larger than this many MiB")
        ->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
    add_threads_flag(cmd_, threads_);
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    const auto every = parse_duration(every_);
    const auto host_delay = parse_duration(host_delay_);
    if (!every || every->count() <= 0 || !host_delay) {
      fmt::print(stderr, "caspian: watch: durations are like 90s, 15m, 1h (got --every {} --host-delay {})\n",
                 every_, host_delay_);
      return kExitUsage;
    }
    auto feeds = read_feed_list(feed_list_);
    if (!feeds.ok()) {
      error_line("watch", feeds.status());
      return kExitUsage;
    }
    auto pipeline = Pipeline::create(global.pipeline);
    if (!pipeline.ok()) {
      error_line("loading the pipeline", pipeline.status());
      return kExitFatal;
    }
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
    FetchOptions fo = fetch_options(max_mb_ * kMiB);
    fo.host_delay = *host_delay;
    auto fetcher = make_fetcher(fo);
    if (!fetcher.ok()) {
      error_line("starting the HTTP client", fetcher.status());
      return kExitFatal;
    }
    WatchOptions wo;
    wo.follow = follow_;
    wo.read.max_bytes = max_mb_ * kMiB;
    wo.cancel = &g_interrupted;
    wo.run.threads = threads_;
    wo.run.cancel = &g_interrupted;
    wo.health = &health_;
    wo.log = [](std::string_view line) {
      fmt::print("{} {}\n", utc_now(), line);
      std::fflush(stdout);
    };
    fmt::print("{} watch: {} feeds into {}, {}\n", utc_now(), feeds->size(), db_,
               once_ ? "one round" : "every " + every_);
    return rounds(*feeds, **fetcher, **store, *pipeline, wo, *every);
  }

 private:
  int rounds(const std::vector<std::string>& feeds, Fetcher& fetcher, Store& store, const Pipeline& pipeline,
             const WatchOptions& wo, std::chrono::milliseconds every) const {
    for (int round = 1;; ++round) {
      auto stats = watch_round(feeds, fetcher, store, pipeline, wo);
      if (!stats.ok()) {
        error_line(db_, stats.status());
        return kExitFatal;
      }
      fmt::print(
          "{} round {}: {} feeds ({} not modified, {} failed, {} backing off), {} items, {} new, {} changed: "
          "{} stored, {} duplicates, {} failed\n",
          utc_now(), round, stats->feeds, stats->not_modified, stats->feed_errors, stats->backing_off,
          stats->items, stats->new_items, stats->changed_items, stats->stored, stats->duplicates,
          stats->failed);
      std::fflush(stdout);
      if (stats->interrupted || g_interrupted.load()) break;
      if (once_) return stats->feed_errors + stats->failed > 0 ? kExitPartial : kExitOk;
      const auto next = std::chrono::steady_clock::now() + every;
      while (!g_interrupted.load() && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(kSleepSlice);
      if (g_interrupted.load()) break;
    }
    fmt::print("{} watch: stopped by a signal; everything stored so far is kept\n", utc_now());
    return kExitInterrupted;
  }

  CLI::App* cmd_ = nullptr;
  std::string feed_list_;
  std::string every_ = "15m";
  std::string host_delay_ = "1s";
  bool once_ = false;
  bool follow_ = false;
  uint64_t max_mb_ = 16;
  int threads_ = 0;
  FeedHealth health_;  // failures of each feed across rounds, for the back-off
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_watch(CLI::App& app) {
  return std::make_unique<WatchVerb>(app);
}

}  // namespace caspian::cli
