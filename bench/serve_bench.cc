// The HTTP API under load, on loopback: starts `caspian serve` over a store, then for each client
// count sends a bounded number of GET requests over a fixed mix of routes (keep-alive, one
// connection per client) and prints requests/s, latency percentiles per route, and the server's
// peak RSS at the end. Bounded in count (--requests per client count) and stays on 127.0.0.1.
//
//   build/release/bench/serve_bench --db DB [--caspian build/release/caspian] [--clients 1,2,4]
//                                   [--requests 2000] [--server-threads 4] [--routes all|core]
//
// e.g. caspian ingest --db /tmp/ex.db data/corpus/example-news.jsonl.gz && serve_bench --db /tmp/ex.db
#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What an analyst's browser asks for: searches, an article, events, stories and the views
// (--routes all), or only the first (--routes core: search, article, events, stories; the load
// figure issue 19 asks for: 2,000 requests at 16 clients, p99 under 50 ms).
const std::vector<std::string> kCoreRoutes = {
    "/api/v1/search?q=Almaty&limit=10",           "/api/v1/search?q=peace+talks&limit=20",
    "/api/v1/search?entity=iso3166:ARM&limit=10", "/api/v1/articles/1",
    "/api/v1/events?actor=ARM&limit=100",         "/api/v1/stories?limit=20",
};
const std::vector<std::string> kAllRoutes = {
    "/api/v1/search?q=Almaty&limit=10",
    "/api/v1/search?q=peace+talks&limit=20",
    "/api/v1/search?entity=iso3166:ARM&limit=10",
    "/api/v1/articles/1",
    "/api/v1/events?actor=ARM&limit=100",
    "/api/v1/stories?limit=20",
    "/api/v1/entities/iso3166:ARM",
    "/api/v1/timeline?q=ceasefire",
    "/api/v1/network?limit=50",
    "/api/v1/map?layer=events&quad_class=4",
    "/healthz",
};

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A memory figure of the server from /proc ("VmHWM:" peak, "VmRSS:" now) in MiB, 0 when unreadable.
double rss_mib(pid_t pid, std::string_view field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  constexpr double kKiBPerMiB = 1024.0;
  while (std::getline(in, line)) {
    if (line.starts_with(field)) return std::stod(line.substr(field.size())) / kKiBPerMiB;
  }
  return 0;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  std::string caspian = (fs::path(argv[0]).parent_path().parent_path() / "caspian").string();
  std::vector<int> clients = {1, 2, 4};
  int requests = 2000;
  std::string server_threads = "4";
  std::string routes_name = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--db") {
      db = v;
    } else if (a == "--caspian") {
      caspian = v;
    } else if (a == "--clients") {
      clients = parse_list(v);
    } else if (a == "--requests") {
      requests = std::stoi(v);
    } else if (a == "--server-threads") {
      server_threads = v;
    } else if (a == "--routes") {
      routes_name = v;
    } else {
      fmt::print(stderr, "serve_bench: unknown option {}\n", a);
      return 2;
    }
  }
  if (routes_name != "all" && routes_name != "core") {
    fmt::print(stderr, "serve_bench: --routes is all or core\n");
    return 2;
  }
  const std::vector<std::string>& routes = routes_name == "all" ? kAllRoutes : kCoreRoutes;
  if (db.empty() || !fs::exists(db)) {
    fmt::print(stderr,
               "usage: serve_bench --db DB (an existing store) [--caspian BIN] [--clients 1,2,4] "
               "[--requests N] [--server-threads N] [--routes all|core]\n");
    return 2;
  }
  const fs::path err = fs::temp_directory_path() / fmt::format("serve_bench_{}.err", ::getpid());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(e, 2);
    ::dup2(null, 1);  // the access log
    ::execl(caspian.c_str(), caspian.c_str(), "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0",
            "--threads", server_threads.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int port = 0;
  const std::regex where("http://127\\.0\\.0\\.1:([0-9]+)/");
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::smatch m;
    const std::string text = slurp(err);
    if (std::regex_search(text, m, where))
      port = std::stoi(m[1]);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (port == 0) {
    fmt::print(stderr, "serve_bench: the server did not start: {}\n", slurp(err));
    ::kill(pid, SIGKILL);
    return 1;
  }
  fmt::print("serve_bench: {} on 127.0.0.1:{}, {} server threads, {} requests per run over {} routes\n", db,
             port, server_threads, requests, routes.size());
  int failures = 0;
  for (const int c : clients) {
    std::vector<std::vector<std::vector<double>>> latency(static_cast<size_t>(c),
                                                          std::vector<std::vector<double>>(routes.size()));
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < c; ++t) {
      threads.emplace_back([&, t] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);  // as browsers and curl do
        client.set_read_timeout(60, 0);
        for (int i = next++; i < requests; i = next++) {
          const size_t r = static_cast<size_t>(i) % routes.size();
          const auto t0 = Clock::now();
          auto res = client.Get(routes[r].c_str());
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          if (!res || res->status != 200) ++failed;
          latency[static_cast<size_t>(t)][r].push_back(ms);
        }
      });
    }
    for (auto& th : threads) th.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    failures += failed;
    std::vector<double> every;
    for (const auto& per_thread : latency)
      for (const auto& per_route : per_thread) every.insert(every.end(), per_route.begin(), per_route.end());
    fmt::print(
        "clients {}: {:.0f} requests/s ({} requests in {:.2f} s, {} failed), p50 {:.2f} ms, p99 {:.2f} ms, "
        "server RSS {:.1f} MiB\n",
        c, requests / seconds, requests, seconds, failed.load(), percentile(every, 0.5),
        percentile(every, 0.99), rss_mib(pid, "VmRSS:"));
    for (size_t r = 0; r < routes.size(); ++r) {
      std::vector<double> all;
      for (const auto& per_thread : latency)
        all.insert(all.end(), per_thread[r].begin(), per_thread[r].end());
      fmt::print("  {:<45} p50 {:7.2f} ms  p99 {:7.2f} ms\n", routes[r], percentile(all, 0.5),
                 percentile(all, 0.99));
    }
  }
  fmt::print("server peak RSS {:.1f} MiB\n", rss_mib(pid, "VmHWM:"));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove(err);
  return failures == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
