// Parameters, errors, tokens and the store pool of the API (contract in serve/api_util.h).
#include "serve/api_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "caspian/json.h"

namespace caspian::api {
namespace {

constexpr std::string_view kParameterPrefix = "parameter '";
// A cursor is an offset into the ordering; deeper pages than this are refused rather than scanned.
constexpr int kMaxOffset = 100000;

int http_status_of(ErrorCode c) {
  switch (c) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParseError:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kEmptyInput:
    case ErrorCode::kBinaryInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kInterrupted:
      return 503;
    default:
      return 500;
  }
}

// Equal when the lengths and every byte are; the loop runs over the longer of the two whatever
// the bytes, so the time says nothing about where they differ.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

Status bad_parameter(std::string_view name, std::string_view message) {
  return Status(ErrorCode::kInvalidArgument, fmt::format("{}{}': {}", kParameterPrefix, name, message));
}

ApiResponse error_with(int http_status, std::string_view code, std::string_view message) {
  ApiResponse r;
  r.status = http_status;
  r.body = fmt::format(R"({{"error": {{"status": {}, "code": {}, "parameter": null, "message": {}}}}})",
                       http_status, json_string(code), json_string(message));
  return r;
}

ApiResponse error_response(const Status& st) {
  const int http = http_status_of(st.code());
  std::string parameter = "null";
  const std::string& m = st.message();
  if (st.code() == ErrorCode::kInvalidArgument && m.starts_with(kParameterPrefix)) {
    const size_t end = m.find('\'', kParameterPrefix.size());
    if (end != std::string::npos)
      parameter = json_string(m.substr(kParameterPrefix.size(), end - kParameterPrefix.size()));
  }
  ApiResponse r;
  r.status = http;
  r.body = fmt::format(R"({{"error": {{"status": {}, "code": {}, "parameter": {}, "message": {}}}}})", http,
                       json_string(to_string(st.code())), parameter, json_string(m));
  return r;
}

ApiResponse json_response(std::string body) {
  ApiResponse r;
  r.body = std::move(body);
  return r;
}

namespace ApiError {
ApiResponse not_found(std::string_view message) {
  return error_with(404, "not-found", message);
}
ApiResponse bad_body(std::string_view message) {
  return error_with(400, "invalid-body", message);
}
ApiResponse unavailable(std::string_view message) {
  return error_with(503, "unavailable", message);
}
}  // namespace ApiError

ApiResponse not_found(std::string_view path) {
  return error_with(404, "not-found", fmt::format("no route {}", path));
}

ApiResponse method_not_allowed(std::string_view allow) {
  ApiResponse r = error_with(405, "method-not-allowed", fmt::format("allowed: {}", allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

std::optional<ApiResponse> check_token(const std::string& read_token, const std::string& write_token,
                                       std::string_view authorization, bool write) {
  if (write && write_token.empty())
    return error_with(403, "forbidden", "writes are disabled: the server has no write token");
  if (!write && read_token.empty()) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) {
    ApiResponse r = error_with(401, "unauthorized", "a bearer token is required");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  const std::string_view token = authorization.substr(kBearer.size());
  const bool ok = same_secret(token, write_token) || (!write && same_secret(token, read_token));
  if (!ok || token.empty()) return error_with(403, "forbidden", "the token is not valid for this request");
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<int64_t> path_id(std::string_view text, std::string_view what) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (!all_digits(text) || ec != std::errc() || end != text.data() + text.size() || id <= 0)
    return bad_parameter("id", fmt::format("a {} id is a positive integer", what));
  return id;
}

Status Params::only(std::initializer_list<std::string_view> allowed) const {
  return only(std::vector<std::string_view>(allowed));
}

Status Params::only(const std::vector<std::string_view>& allowed) const {
  static const std::set<std::string, std::less<>> kRepeatable = {"entity", "actor"};
  for (auto it = p_.begin(); it != p_.end(); it = p_.upper_bound(it->first)) {
    const std::string& name = it->first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return bad_parameter(name, list.empty() ? "unknown parameter (this route takes none)"
                                              : fmt::format("unknown parameter (allowed: {})", list));
    }
    if (p_.count(name) > 1 && !kRepeatable.contains(name)) return bad_parameter(name, "given more than once");
  }
  return Status::Ok();
}

std::string Params::get(const std::string& name, std::string fallback) const {
  const auto it = p_.find(name);
  return it == p_.end() ? fallback : it->second;
}

std::vector<std::string> Params::all(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = p_.equal_range(name); it != end; ++it) {
    if (!it->second.empty()) out.push_back(it->second);
  }
  return out;
}

Result<int> Params::limit(int max, int fallback) const {
  const auto it = p_.find("limit");
  if (it == p_.end()) return std::min(fallback, max);
  const std::string& v = it->second;
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (!all_digits(v) || end != v.data() + v.size()) {
    if (all_digits(v)) return max;  // beyond int: cut like any other large limit
    return bad_parameter("limit", "an integer from 1");
  }
  if (ec != std::errc() || n > max) return max;
  if (n < 1) return bad_parameter("limit", "an integer from 1");
  return n;
}

Result<int> Params::cursor() const {
  const auto it = p_.find("cursor");
  if (it == p_.end()) return 0;
  const std::string& v = it->second;
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (!all_digits(v) || ec != std::errc() || end != v.data() + v.size() || n > kMaxOffset)
    return bad_parameter("cursor", "not a cursor this server gave (next_cursor of an earlier page)");
  return n;
}

Result<std::optional<std::chrono::year_month_day>> Params::date(const std::string& name) const {
  const auto it = p_.find(name);
  if (it == p_.end() || it->second.empty()) return std::optional<std::chrono::year_month_day>();
  auto d = parse_iso_date(it->second);
  if (!d.ok()) return bad_parameter(name, "a date YYYY-MM-DD");
  return std::optional(*d);
}

StorePool::Lease::~Lease() {
  if (pool_ == nullptr || store_ == nullptr) return;
  std::lock_guard<std::mutex> lock(pool_->mutex_);
  pool_->idle_.push_back(std::move(store_));
}

Result<StorePool::Lease> StorePool::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Store> s = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(s));
    }
  }
  CASPIAN_ASSIGN_OR_RETURN(auto store, open_store(db_));
  return Lease(this, std::move(store));
}

}  // namespace caspian::api
