// The ingest runner end to end (read, extract, analyse, store) at several thread counts in the
// same run: for each input set and each --threads value, a fresh child process ingests the inputs
// into a new database and reports articles/s, tokens/s and its peak RSS. Each configuration runs
// `--repeat` times and the best rate is kept (the machine is shared; the best run is the one least
// disturbed).
//
//   build/release/bench/ingest_threads [--threads 1,2] [--repeat N] [--db-dir DIR] NAME=PATH[,PATH...]...
//
// e.g. ingest_threads corpus=data/corpus/example-news.jsonl.gz \
//          wcxb=../shared/data/extraction/wcxb/dev/html
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "caspian/caspian.h"

namespace {

constexpr double kKiBPerMiB = 1024.0;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

struct Measurement {
  int64_t articles = 0;  // read
  uint64_t tokens = 0;
  double seconds = 0;  // ingest only (the pipeline is loaded before the clock starts)
  double peak_mib = 0;
  bool ok = false;
};

// In the child: loads the pipeline, ingests `inputs` into `db` with `threads`, and writes the
// counts to `out_fd`.
[[noreturn]] void child_ingest(const std::vector<std::string>& inputs, const std::string& db, int threads,
                               int out_fd) {
  auto pipeline = caspian::Pipeline::create({});
  if (!pipeline.ok()) {
    fmt::print(stderr, "ingest_threads: {}\n", pipeline.status().to_string());
    _exit(3);
  }
  caspian::IngestOptions options;
  options.run.threads = threads;
  const auto start = std::chrono::steady_clock::now();
  auto stats = caspian::ingest_records(caspian::input_source(inputs, {}), *pipeline, db, options);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!stats.ok() || !stats->store_status.ok()) {
    fmt::print(stderr, "ingest_threads: {}\n",
               stats.ok() ? stats->store_status.to_string() : stats.status().to_string());
    _exit(3);
  }
  const std::string line = fmt::format("{} {} {}\n", stats->read, stats->tokens, secs);
  if (write(out_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
  _exit(0);
}

Measurement measure(const std::vector<std::string>& inputs, const std::string& db, int threads) {
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  int fds[2];
  Measurement m;
  if (pipe(fds) != 0) return m;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    child_ingest(inputs, db, threads, fds[1]);
  }
  close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  rusage ru{};
  if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return m;
  m.ok = std::sscanf(out.c_str(), "%ld %lu %lf", &m.articles, &m.tokens, &m.seconds) == 3;
  m.peak_mib = static_cast<double>(ru.ru_maxrss) / kKiBPerMiB;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts = {1, 2};
  int repeat = 1;
  std::string db_dir = std::filesystem::temp_directory_path().string();
  std::vector<std::pair<std::string, std::vector<std::string>>> sets;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_counts.clear();
      for (const std::string& t : split(argv[++i], ','))
        thread_counts.push_back(std::max(1, std::atoi(t.c_str())));
    } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--db-dir") == 0 && i + 1 < argc) {
      db_dir = argv[++i];
    } else {
      const std::string arg = argv[i];
      const size_t eq = arg.find('=');
      sets.emplace_back(eq == std::string::npos ? arg : arg.substr(0, eq),
                        split(eq == std::string::npos ? arg : arg.substr(eq + 1), ','));
    }
  }
  if (sets.empty()) {
    fmt::print(stderr,
               "usage: ingest_threads [--threads 1,2] [--repeat N] [--db-dir DIR] NAME=PATH[,PATH]...\n");
    return 2;
  }
  const std::string db =
      (std::filesystem::path(db_dir) / fmt::format("ingest_threads_{}.db", getpid())).string();
  fmt::print("{:<10} {:>7} {:>9} {:>11} {:>12} {:>9} {:>8}\n", "input", "threads", "articles", "articles/s",
             "tokens/s", "peak MiB", "speedup");
  int rc = 0;
  for (const auto& [name, inputs] : sets) {
    double base_rate = 0;
    for (int threads : thread_counts) {
      Measurement best;
      for (int r = 0; r < repeat; ++r) {
        Measurement m = measure(inputs, db, threads);
        if (!m.ok) {
          rc = 1;
          continue;
        }
        if (!best.ok || m.seconds < best.seconds) best = m;
      }
      if (!best.ok) {
        fmt::print("{:<10} {:>7} failed\n", name, threads);
        continue;
      }
      const double rate = static_cast<double>(best.articles) / best.seconds;
      if (base_rate == 0) base_rate = rate;
      fmt::print("{:<10} {:>7} {:>9} {:>11.1f} {:>12.0f} {:>9.0f} {:>7.2f}x\n", name, threads, best.articles,
                 rate, static_cast<double>(best.tokens) / best.seconds, best.peak_mib, rate / base_rate);
      std::fflush(stdout);
    }
  }
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  return rc;
}
