// What the API's routes share: query parameters checked one by one, JSON errors, bearer tokens and
// a pool of store connections.
//
// A bad parameter is a Status of kInvalidArgument whose message starts "parameter 'NAME': " (made
// by bad_parameter()); error_response() turns it into a 400 whose JSON names the parameter.
#pragma once

#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "caspian/serve.h"
#include "caspian/store.h"

namespace caspian::api {

[[nodiscard]] Status bad_parameter(std::string_view name, std::string_view message);

// The JSON error of `st`: {"error": {"status", "code", "parameter", "message"}}, with the HTTP
// status its code maps to (invalid-argument and parse-error 400, not-found 404, too-large 413,
// interrupted 503, everything else 500).
[[nodiscard]] ApiResponse error_response(const Status& st);
[[nodiscard]] ApiResponse error_with(int http_status, std::string_view code, std::string_view message);
[[nodiscard]] ApiResponse json_response(std::string body);

namespace ApiError {
[[nodiscard]] inline Status bad_parameter(std::string_view name, std::string_view message) {
  return api::bad_parameter(name, message);
}
[[nodiscard]] ApiResponse not_found(std::string_view message);
[[nodiscard]] ApiResponse bad_body(std::string_view message);
[[nodiscard]] ApiResponse unavailable(std::string_view message);
}  // namespace ApiError

[[nodiscard]] ApiResponse not_found(std::string_view path);
[[nodiscard]] ApiResponse method_not_allowed(std::string_view allow);

// A refusal (401 without a bearer token, 403 with a wrong one, or for a write when no write token
// is configured), or nullopt when the request may go on. A read is free when read_token is empty
// and otherwise takes either token. Tokens are compared in constant time for equal lengths.
[[nodiscard]] std::optional<ApiResponse> check_token(const std::string& read_token,
                                                     const std::string& write_token,
                                                     std::string_view authorization, bool write);

[[nodiscard]] bool all_digits(std::string_view s);
// A positive id from the path; a bad_parameter("id") otherwise.
[[nodiscard]] Result<int64_t> path_id(std::string_view text, std::string_view what);

// The query parameters of one request.
class Params {
 public:
  explicit Params(const std::multimap<std::string, std::string>& p) : p_(p) {}
  // Fails on a parameter not in `allowed`, and on a repeated one other than "entity" and "actor".
  [[nodiscard]] Status only(std::initializer_list<std::string_view> allowed) const;
  [[nodiscard]] Status only(const std::vector<std::string_view>& allowed) const;
  [[nodiscard]] std::string get(const std::string& name, std::string fallback = "") const;
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
  // An integer from 1; one above `max` is cut to max; `fallback` when absent.
  [[nodiscard]] Result<int> limit(int max, int fallback) const;
  // The offset a next_cursor encodes; 0 when absent.
  [[nodiscard]] Result<int> cursor() const;
  [[nodiscard]] Result<std::optional<std::chrono::year_month_day>> date(const std::string& name) const;

 private:
  const std::multimap<std::string, std::string>& p_;
};

// Store connections, one per request in flight, reused. Thread safety: acquire() from any thread.
class StorePool {
 public:
  explicit StorePool(std::string db) : db_(std::move(db)) {}
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Store* operator->() const { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };
  // Errors: the store's, when a new connection cannot be opened.
  [[nodiscard]] Result<Lease> acquire();

 private:
  std::string db_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Store>> idle_;
};

}  // namespace caspian::api
