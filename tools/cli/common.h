// What the verbs of the `caspian` CLI share: exit codes, the interrupt flag, error lines, the
// reading flags and the one interface every verb implements. The CLI calls only the public API.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "caspian/caspian.h"
#include "caspian/fetch.h"
#include "caspian/runner.h"

namespace caspian::cli {

// Exit codes (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitPartial = 1;  // some inputs failed (the rest were processed), or nothing found
inline constexpr int kExitUsage = 2;    // bad flag or argument
inline constexpr int kExitFatal = 3;    // database cannot be opened, data files missing
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM; work committed so far is kept

inline constexpr uint64_t kMiB = uint64_t{1} << 20;

// Set by SIGINT and SIGTERM (install_signal_handlers); read by every long-running verb.
extern std::atomic<bool> g_interrupted;
void install_signal_handlers();

// "caspian: WHERE: CODE: MESSAGE" on stderr.
void error_line(std::string_view where, const Status& st);

// Flags every verb has (before the verb on the command line).
struct GlobalFlags {
  PipelineOptions pipeline;
};

// One verb of the CLI. A verb registers its sub-command and flags when made, and runs when
// the command line named it. run() returns the process exit code; nothing exits on its own.
class Verb {
 public:
  virtual ~Verb() = default;
  virtual CLI::App* command() const = 0;
  virtual int run(const GlobalFlags& global) = 0;
};

std::unique_ptr<Verb> make_analyze(CLI::App& app);
std::unique_ptr<Verb> make_ingest(CLI::App& app);
std::unique_ptr<Verb> make_watch(CLI::App& app);
std::unique_ptr<Verb> make_search(CLI::App& app);
std::unique_ptr<Verb> make_events(CLI::App& app);
std::unique_ptr<Verb> make_show(CLI::App& app);
std::unique_ptr<Verb> make_stories(CLI::App& app);
std::unique_ptr<Verb> make_summary(CLI::App& app);
std::unique_ptr<Verb> make_eval(CLI::App& app);
std::unique_ptr<Verb> make_extract(CLI::App& app);
std::unique_ptr<Verb> make_train(CLI::App& app);
std::unique_ptr<Verb> make_serve(CLI::App& app);

// The flags of verbs that read inputs (analyze, ingest).
struct ReadFlags {
  std::string format = "auto";
  std::string title, url, source, date;
  uint64_t max_mb = 64;
  bool follow = false;
  int threads = 0;
};
void add_read_flags(CLI::App* cmd, ReadFlags& f);
// --threads N: analysis threads (0: one per core).
void add_threads_flag(CLI::App* cmd, int& threads);

// What ReadFlags ask of the runner. Errors: kInvalidArgument for a malformed --date.
Result<InputSourceOptions> input_source_options(const ReadFlags& f);
Result<RunOptions> run_options(const ReadFlags& f);

// What a verb that reads inputs and analyses them needs: its source and run options and the
// pipeline of the global flags.
struct RunSetup {
  InputSourceOptions source;
  RunOptions run;
  Pipeline pipeline;
};
// Builds it, reporting failures on stderr as `verb` (a malformed flag) or as loading the pipeline.
// Returns the exit code on failure (kExitUsage, kExitFatal), else the setup.
std::variant<int, RunSetup> prepare_run(std::string_view verb, const ReadFlags& f, const GlobalFlags& global);

// An optional date flag: nullopt when empty. Errors: kInvalidArgument naming the flag.
Result<std::optional<std::chrono::year_month_day>> date_flag(const std::string& value, std::string_view flag);

// Fetching for URL inputs, --follow and watch: SIGINT/SIGTERM cut transfers and waits short.
FetchOptions fetch_options(uint64_t max_bytes);

// A store, or the exit code and message of why it cannot be opened.
Result<std::unique_ptr<Store>> open_store_or_report(const std::string& db);

}  // namespace caspian::cli
