// Shared pieces of the CLI's verbs (contracts in common.h).
#include "common.h"

#include <csignal>
#include <cstdio>

namespace caspian::cli {

std::atomic<bool> g_interrupted{false};

namespace {
extern "C" void on_signal(int /*sig*/) {
  g_interrupted.store(true);
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void error_line(std::string_view where, const Status& st) {
  fmt::print(stderr, "caspian: {}: {}\n", where, st.to_string());
}

void add_read_flags(CLI::App* cmd, ReadFlags& f) {
  cmd->add_option(
         "--input-format", f.format,
         "Input format (auto: by extension, else by content; feed = RSS/Atom/RDF, warc = WARC archive)")
      ->check(CLI::IsMember({"auto", "text", "json", "jsonl", "html", "feed", "warc"}))
      ->capture_default_str();
  cmd->add_option("--title", f.title, "Headline for plain-text input (default: its first non-empty line)");
  cmd->add_option("--date", f.date,
                  "Publication date (ISO 8601) for plain-text input; anchors relative dates");
  cmd->add_option("--url", f.url, "URL of a plain-text input");
  cmd->add_option("--source", f.source, "Source (outlet) of a plain-text input");
  cmd->add_option("--max-mb", f.max_mb, "Refuse inputs (or JSONL lines) larger than this many MiB")
      ->capture_default_str();
  cmd->add_flag("--follow", f.follow,
                "Feeds: fetch each item's link and extract the article from its page (else: the summary)");
  add_threads_flag(cmd, f.threads);
}

void add_threads_flag(CLI::App* cmd, int& threads) {
  cmd->add_option("--threads", threads,
                  "Analysis threads (0: one per core; the output is the same for any number)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

Result<std::optional<std::chrono::year_month_day>> date_flag(const std::string& value,
                                                             std::string_view flag) {
  if (value.empty()) return std::optional<std::chrono::year_month_day>{};
  auto d = parse_iso_date(value);
  if (!d.ok()) return Status(ErrorCode::kInvalidArgument, fmt::format("{}: {}", flag, d.status().message()));
  return std::optional<std::chrono::year_month_day>{*d};
}

FetchOptions fetch_options(uint64_t max_bytes) {
  FetchOptions o;
  o.cancel = &g_interrupted;
  o.max_bytes = max_bytes;
  return o;
}

Result<InputSourceOptions> input_source_options(const ReadFlags& f) {
  InputSourceOptions o;
  // The flag's value was checked against the names by CLI11.
  auto format = input_format_from_name(f.format);
  o.read.format = format.ok() ? *format : InputFormat::kAuto;
  o.read.title = f.title;
  o.read.url = f.url;
  o.read.source = f.source;
  o.read.date = f.date;
  o.read.max_bytes = f.max_mb * kMiB;
  o.follow = f.follow;
  o.fetch = fetch_options(o.read.max_bytes);
  o.warn = [](std::string_view w) { fmt::print(stderr, "caspian: warning: {}\n", w); };
  return o;
}

Result<RunOptions> run_options(const ReadFlags& f) {
  RunOptions o;
  o.threads = f.threads;
  o.cancel = &g_interrupted;
  CASPIAN_ASSIGN_OR_RETURN(o.default_date, date_flag(f.date, "--date"));
  return o;
}

std::variant<int, RunSetup> prepare_run(std::string_view verb, const ReadFlags& f,
                                        const GlobalFlags& global) {
  auto source_options = input_source_options(f);
  auto run_opts = run_options(f);
  if (!source_options.ok() || !run_opts.ok()) {
    error_line(verb, source_options.ok() ? run_opts.status() : source_options.status());
    return kExitUsage;
  }
  auto pipeline = Pipeline::create(global.pipeline);
  if (!pipeline.ok()) {
    error_line("loading the pipeline", pipeline.status());
    return kExitFatal;
  }
  return RunSetup{std::move(source_options).value(), std::move(run_opts).value(),
                  std::move(pipeline).value()};
}

Result<std::unique_ptr<Store>> open_store_or_report(const std::string& db) {
  auto store = open_store(db);
  if (!store.ok()) error_line("opening the database " + db, store.status());
  return store;
}

}  // namespace caspian::cli
