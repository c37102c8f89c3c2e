// Bad-input conformance of the readers: reads each file in a child process
// with a time limit and classifies the outcome as "items" (at least one
// article), "error" (exactly one error and no article), "other" (nothing, or
// several errors and no article), "crash" (killed by a signal) or "hang"
// (over the time limit). Crashes and hangs must be 0.
//
//   build/release/bench/ingest_conformance [--timeout SECONDS] [--format F] [--verbose] PATH...
//
// e.g. on the feedparser fixtures:
//   ingest_conformance --format feed ../shared/data/ingest/feedparser_fixtures
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "caspian/ingest.h"

namespace {

namespace fs = std::filesystem;

constexpr int kExitItems = 0;
constexpr int kExitOneError = 10;
constexpr int kExitOther = 11;
constexpr unsigned kDefaultTimeout = 10;
constexpr size_t kMaxMessage = 400;

std::vector<std::string> files_under(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file()) files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs in the child: reads one file, writes "items errors message" to `fd`.
[[noreturn]] void probe(const std::string& file, const caspian::ReadOptions& options, int fd) {
  uint64_t items = 0;
  uint64_t errors = 0;
  std::string message;
  (void)caspian::read_inputs({file}, options,
                             [&](const caspian::RecordOrigin&, caspian::Result<caspian::Document> d) {
                               if (d.ok()) {
                                 ++items;
                               } else {
                                 if (errors++ == 0) message = d.status().to_string();
                               }
                               return true;
                             });
  message = message.substr(0, kMaxMessage);
  std::replace(message.begin(), message.end(), '\n', ' ');
  const std::string line = fmt::format("{} {} {}", items, errors, message);
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
  _exit(items > 0 ? kExitItems : errors == 1 ? kExitOneError : kExitOther);
}

}  // namespace

int main(int argc, char** argv) {
  unsigned timeout = kDefaultTimeout;
  bool verbose = false;
  caspian::ReadOptions options;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--timeout" && i + 1 < argc) {
      timeout = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "--format" && i + 1 < argc) {
      auto f = caspian::input_format_from_name(argv[++i]);
      if (!f.ok()) {
        fmt::print(stderr, "{}\n", f.status().message());
        return 2;
      }
      options.format = *f;
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    fmt::print(stderr, "usage: ingest_conformance [--timeout S] [--format F] [--verbose] PATH...\n");
    return 2;
  }
  std::map<std::string, std::vector<std::string>> outcome;  // class -> files
  std::map<std::string, int> error_kinds;
  uint64_t total_items = 0;
  const std::vector<std::string> files = files_under(paths);
  for (const std::string& file : files) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
      fmt::print(stderr, "pipe: {}\n", std::strerror(errno));
      return 3;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(pipe_fds[0]);
      ::alarm(timeout);
      probe(file, options, pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    std::string report;
    char buf[512];
    for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;)
      report.append(buf, static_cast<size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string cls;
    if (WIFSIGNALED(status)) {
      cls = WTERMSIG(status) == SIGALRM ? "hang" : fmt::format("crash (signal {})", WTERMSIG(status));
    } else if (WEXITSTATUS(status) == kExitItems) {
      cls = "items";
    } else if (WEXITSTATUS(status) == kExitOneError) {
      cls = "one clear error";
    } else {
      cls = "other";
    }
    if (cls == "items") total_items += std::strtoull(report.c_str(), nullptr, 10);
    if (cls == "one clear error") {
      const size_t first_space = report.find(' ');
      const size_t second_space = report.find(' ', first_space + 1);
      std::string msg = second_space == std::string::npos ? "" : report.substr(second_space + 1);
      error_kinds[msg.substr(0, msg.find(':', msg.find(':') + 1))]++;
    }
    outcome[cls].push_back(file);
    if (verbose) fmt::print("{}\t{}\t{}\n", cls, file, report);
  }
  fmt::print("{} files: ", files.size());
  bool first = true;
  for (const auto& [cls, list] : outcome) {
    fmt::print("{}{} {}", first ? "" : ", ", list.size(), cls);
    first = false;
  }
  fmt::print("\n{} items in all\n", total_items);
  fmt::print("errors by kind:\n");
  for (const auto& [kind, n] : error_kinds) fmt::print("  {:5}  {}\n", n, kind);
  for (const auto& [cls, list] : outcome) {
    if (cls == "items" || cls == "one clear error") continue;
    fmt::print("{}:\n", cls);
    for (const std::string& f : list) fmt::print("  {}\n", f);
  }
  const bool bad = std::any_of(outcome.begin(), outcome.end(), [](const auto& kv) {
    return kv.first == "hang" || kv.first.rfind("crash", 0) == 0 || kv.first == "other";
  });
  return bad ? 1 : 0;
}
