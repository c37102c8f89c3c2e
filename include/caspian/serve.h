// The HTTP API (v1, JSON) over a store, and the server that puts it on a socket (`caspian serve`).
//
// Api is the whole of the API's behaviour, independent of HTTP: a request (method, path, query
// parameters, the Authorization header, the body) goes in, a response (status, content type,
// body) comes out. The server (serve()) only moves bytes between sockets and Api::handle, so the
// handlers can be tested and fuzzed without a network. docs/api.md and data/serve/openapi.json
// describe every route.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "caspian/pipeline.h"
#include "caspian/result.h"
#include "caspian/store.h"

namespace caspian {

// The API's version, in every path (/api/v1/...) and in /healthz.
inline constexpr int kApiVersion = 1;

struct ApiRequest {
  std::string method;                              // "GET", "POST", ...
  std::string path;                                // "/api/v1/articles/12", without the query string
  std::multimap<std::string, std::string> params;  // decoded query parameters
  std::string authorization;                       // the Authorization header, "" if none
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // more headers ("WWW-Authenticate", "Allow")
};

struct ApiOptions {
  std::string db;  // the store (a SQLite path)
  // Bearer tokens. Writes need write_token; with none configured every write is refused (403).
  // With read_token set, reads need it (or the write token) too. Compared in constant time.
  std::string write_token;
  std::string read_token;
  int max_limit = 100;             // a larger `limit` is cut to this
  size_t max_post_articles = 100;  // articles in one POST
  int max_network_nodes = 200;     // nodes of /api/v1/network (a larger graph is unreadable)
  int max_map_places = 500;        // features per layer of /api/v1/map
  std::filesystem::path data_dir;  // for openapi.json and the GDELT event format
};

// Thread safety: handle() may be called from any number of threads at once. Each call borrows a
// store connection of its own from a pool; writes are serialised.
class Api {
 public:
  // Opens one store connection to check the store, and reads data_dir/serve/openapi.json.
  // `pipeline` analyses POSTed articles; null: writes answer 503. Errors: the store's (kStoreError,
  // kCorrupt, kUnsupportedVersion) and kNotFound for a missing openapi.json.
  [[nodiscard]] static Result<std::unique_ptr<Api>> create(ApiOptions options, const Pipeline* pipeline);

  // Never throws; an unexpected failure is a 500 with a JSON error, never a crash.
  [[nodiscard]] ApiResponse handle(const ApiRequest& request);

  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

 private:
  struct Impl;
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (the one chosen is reported through on_listening)
  int threads = 0;  // request threads; 0: 8
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{30};
  size_t max_body_bytes = size_t{16} << 20;  // larger requests get 413
  int keep_alive_max_count = 100;            // requests on one connection
};

// Serves `api` until `stop` becomes true (checked every 100 ms; the CLI sets it on SIGTERM and
// SIGINT), then stops accepting, finishes the requests in progress and returns. Writes one
// access-log line per request to `access_log` (time, client, method, path, status, bytes, ms;
// never the query string's tokens or any header). on_listening(port) is called once bound.
// Errors: kIoError when the address cannot be bound.
[[nodiscard]] Status serve(Api& api, const ServeOptions& options, const std::atomic<bool>& stop,
                           std::ostream& access_log, const std::function<void(int port)>& on_listening);

}  // namespace caspian
