// The HTTP server: cpp-httplib (Debian's libcpp-httplib-dev) moves requests between sockets and
// Api::handle (contract in caspian/serve.h). It owns the thread pool, keep-alive, gzip (httplib
// compresses JSON and text when the client accepts it), timeouts and the size limit.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <ostream>
#include <thread>

#include "caspian/serve.h"
#include "serve/api_util.h"

namespace caspian {
namespace {

constexpr int kDefaultThreads = 8;
constexpr std::chrono::milliseconds kStopPoll{100};
constexpr time_t kKeepAliveSeconds = 5;

// When the request this thread is serving reached routing (its duration in the access log).
thread_local std::chrono::steady_clock::time_point t_request_start{};

ApiRequest to_api(const httplib::Request& req) {
  ApiRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.params.emplace(k, v);
  r.authorization = req.get_header_value("Authorization");
  r.body = req.body;
  return r;
}

void to_http(ApiResponse a, httplib::Response& res) {
  res.status = a.status;
  for (const auto& [k, v] : a.headers) res.set_header(k.c_str(), v);
  res.set_content(a.body, a.content_type);
}

std::string log_line(const httplib::Request& req, const httplib::Response& res) {
  std::string ms = "-";
  if (t_request_start != std::chrono::steady_clock::time_point{}) {
    ms = fmt::format("{:.1f}", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                         t_request_start)
                                   .count());
    t_request_start = {};
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  // The path only: the query string may carry what a user searched for, and headers the token.
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ} {} {} {} {} {} {}ms\n", now, req.remote_addr, req.method,
                     req.path, res.status, res.body.size(), ms);
}

}  // namespace

Status serve(Api& api, const ServeOptions& options, const std::atomic<bool>& stop, std::ostream& access_log,
             const std::function<void(int port)>& on_listening) {
  httplib::Server svr;
  const int threads = options.threads > 0 ? options.threads : kDefaultThreads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.set_read_timeout(static_cast<time_t>(options.read_timeout.count()), 0);
  svr.set_write_timeout(static_cast<time_t>(options.write_timeout.count()), 0);
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_keep_alive_max_count(static_cast<size_t>(std::max(options.keep_alive_max_count, 1)));
  svr.set_keep_alive_timeout(kKeepAliveSeconds);
  // cpp-httplib writes the headers and the body separately: with Nagle's algorithm on, the body
  // waits for the client's delayed ACK of the headers, about 40 ms on Linux, on every keep-alive
  // response (bench/serve_bench: /healthz p50 43 ms with Nagle, under 1 ms without).
  svr.set_tcp_nodelay(true);
  const auto handler = [&api](const httplib::Request& req, httplib::Response& res) {
    to_http(api.handle(to_api(req)), res);
  };
  svr.Get(".*", handler);
  svr.Post(".*", handler);
  svr.Put(".*", handler);
  svr.Delete(".*", handler);
  svr.Patch(".*", handler);
  svr.Options(".*", handler);
  svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Failures httplib answers itself (a body over the limit, a malformed request line) get the
  // API's JSON error too.
  svr.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const int status = res.status;
        to_http(api::error_with(status, status == 413 ? "too-large" : "bad-request",
                                status == 413 ? "the request body is over the server's limit"
                                              : "the request could not be read"),
                res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  std::mutex log_mutex;
  svr.set_logger([&access_log, &log_mutex](const httplib::Request& req, const httplib::Response& res) {
    const std::string line = log_line(req, res);
    std::lock_guard<std::mutex> lock(log_mutex);
    access_log << line << std::flush;
  });
  int port = options.port;
  if (port == 0) {
    port = svr.bind_to_any_port(options.host);
  } else if (!svr.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0)
    return Status(ErrorCode::kIoError, fmt::format("cannot listen on {}:{}", options.host, options.port));
  std::atomic<bool> done{false};  // listen_after_bind returned on its own (the socket failed)
  // httplib's stop() does nothing before listening starts, so it is repeated until listening ends.
  std::thread watcher([&svr, &stop, &done] {
    while (!done.load()) {
      if (stop.load() && svr.is_running()) svr.stop();
      std::this_thread::sleep_for(kStopPoll);
    }
  });
  if (on_listening) on_listening(port);
  const bool ok = svr.listen_after_bind();
  const bool asked = stop.load();
  done.store(true);
  watcher.join();
  return ok || asked ? Status::Ok() : Status(ErrorCode::kIoError, "the listening socket failed");
}

}  // namespace caspian
