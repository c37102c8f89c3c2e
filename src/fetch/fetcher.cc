// The HTTP fetcher over libcurl (easy interface, one handle per attempt).
//
// libcurl does the protocol work (redirects, TLS, Content-Encoding, header
// parsing, Retry-After dates); what is written here is the policy around it:
// per-host politeness, retries with back-off, the size cap, and turning
// every outcome into a Result that names the URL.
#include "fetch/fetcher.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>
#include <thread>

#include "caspian/caspian.h"
#include "caspian/fetch.h"

namespace caspian {

namespace fetch {

namespace {
constexpr auto kWaitSlice = std::chrono::milliseconds(50);
constexpr size_t kMaxIdleHosts = 1024;  // forget idle hosts past this many
constexpr long kHttpTooManyRequests = 429;
constexpr long kHttpServerErrorFirst = 500;
constexpr long kHttpServerErrorLast = 599;
constexpr int kMaxBackoffShift = 20;  // 2^20 * base is far past any sensible wait

bool cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load();
}
}  // namespace

Status HostGate::acquire(const std::string& host, const std::atomic<bool>* cancel) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (cancelled(cancel)) return Status(ErrorCode::kInterrupted, "interrupted while waiting for " + host);
    HostState& h = hosts_[host];
    const auto now = Clock::now();
    if (!h.busy && now >= h.next_start) {
      h.busy = true;
      return Status::Ok();
    }
    // Wake in slices to notice cancellation; release() also notifies.
    const auto until = h.busy ? now + kWaitSlice : std::min(h.next_start, now + kWaitSlice);
    cv_.wait_until(lock, until);
  }
}

void HostGate::release(const std::string& host) {
  {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    HostState& h = hosts_[host];
    h.busy = false;
    h.next_start = now + delay_;
    if (hosts_.size() > kMaxIdleHosts) {
      std::erase_if(hosts_, [&](const auto& kv) { return !kv.second.busy && kv.second.next_start <= now; });
    }
  }
  cv_.notify_all();
}

bool is_retryable_status(long status) noexcept {
  return status == kHttpTooManyRequests ||
         (status >= kHttpServerErrorFirst && status <= kHttpServerErrorLast);
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds retry_base,
                                        std::chrono::milliseconds retry_after) noexcept {
  const auto exponential = retry_base * (int64_t{1} << std::clamp(retry, 0, kMaxBackoffShift));
  return std::max(exponential, retry_after);
}

bool sleep_unless_cancelled(std::chrono::milliseconds d, const std::atomic<bool>* cancel) {
  const auto until = Clock::now() + d;
  for (;;) {
    if (cancelled(cancel)) return false;
    const auto now = Clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(until - now, kWaitSlice));
  }
}

}  // namespace fetch

namespace {

using fetch::Clock;

constexpr std::string_view kAllowedProtocols = "http,https";
constexpr long kHttpNotModified = 304;
constexpr long kHttpNotFound = 404;
constexpr long kHttpGone = 410;
constexpr long kHttpOkFirst = 200;
constexpr long kHttpOkLast = 299;

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// The body being received, with the cap.
struct Sink {
  std::string body;
  uint64_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
};

extern "C" size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // a short count makes libcurl abort with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

extern "C" int on_progress(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
                           curl_off_t /*ulnow*/) {
  const auto* sink = static_cast<const Sink*>(user);
  return sink->cancel != nullptr && sink->cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

std::string header_value(CURL* h, const char* name) {
  curl_header* header = nullptr;
  // request -1: the last request (after redirects).
  if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || header == nullptr) return {};
  return header->value != nullptr ? std::string(header->value) : std::string();
}

// One attempt's outcome: a response or an error, and whether to try again.
struct Attempt {
  Result<FetchResponse> result = Status(ErrorCode::kInternal, "not run");
  bool retryable = false;
  std::chrono::milliseconds retry_after{0};
};

bool retryable_curl_error(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

class CurlFetcher final : public Fetcher {
 public:
  explicit CurlFetcher(FetchOptions options) : options_(std::move(options)), gate_(options_.host_delay) {
    if (options_.user_agent.empty()) options_.user_agent = fmt::format("caspian/{}", version());
  }

  Result<FetchResponse> fetch(const FetchRequest& request) override {
    const std::string& url = request.url;
    if (!is_url(url)) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{}: only http:// and https:// URLs are fetched", url));
    }
    const std::string host = url_host(url);
    if (host.empty()) return Status(ErrorCode::kInvalidArgument, fmt::format("{}: no host in the URL", url));
    for (int retry = 0;; ++retry) {
      if (Status st = gate_.acquire(host, options_.cancel); !st.ok()) {
        return Status(st.code(), fmt::format("{}: {}", url, st.message()));
      }
      Attempt attempt = perform(request);
      gate_.release(host);
      if (attempt.result.ok()) {
        attempt.result->attempts = retry + 1;
        return attempt.result;
      }
      if (!attempt.retryable) return attempt.result;
      const Status& failure = attempt.result.status();
      if (retry >= options_.max_retries) {
        return Status(failure.code(),
                      fmt::format("{} (gave up after {} attempts)", failure.message(), retry + 1));
      }
      if (attempt.retry_after > options_.max_retry_wait) {
        return Status(failure.code(), fmt::format("{} (the server asks to retry after {} s, more than the "
                                                  "limit of {} s)",
                                                  failure.message(), attempt.retry_after.count() / 1000,
                                                  options_.max_retry_wait.count() / 1000));
      }
      const auto wait = std::min(fetch::backoff_delay(retry, options_.retry_base, attempt.retry_after),
                                 options_.max_retry_wait);
      if (!fetch::sleep_unless_cancelled(wait, options_.cancel)) {
        return Status(ErrorCode::kInterrupted, fmt::format("{}: interrupted before a retry", url));
      }
    }
  }

 private:
  Attempt perform(const FetchRequest& request) const {
    const std::string& url = request.url;
    Attempt out;
    CurlHandle handle(curl_easy_init());
    if (!handle) {
      out.result = Status(ErrorCode::kInternal, fmt::format("{}: cannot create a libcurl handle", url));
      return out;
    }
    CURL* h = handle.get();
    HeaderList headers;
    auto add_header = [&](const std::string& line) {
      curl_slist* l = curl_slist_append(headers.get(), line.c_str());
      if (l != nullptr) {
        (void)headers.release();
        headers.reset(l);
      }
    };
    if (!request.etag.empty()) add_header("If-None-Match: " + request.etag);
    if (!request.last_modified.empty()) add_header("If-Modified-Since: " + request.last_modified);

    Sink sink;
    sink.max_bytes = options_.max_bytes;
    sink.cancel = options_.cancel;
    std::array<char, CURL_ERROR_SIZE> error{};
    const std::string protocols(kAllowedProtocols);
    // setopt results are not checked one by one: each option here exists in
    // the libcurl version required by CMakeLists.txt, and a refused one
    // would surface as a failed perform.
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols.c_str());
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols.c_str());
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl was built with
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &sink);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threads
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error.data());

    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      const std::string detail = error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(rc);
      if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        out.result = Status(ErrorCode::kTooLarge, fmt::format("{}: body larger than the limit of {} bytes",
                                                              url, options_.max_bytes));
      } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
        out.result = Status(ErrorCode::kInterrupted, fmt::format("{}: interrupted", url));
      } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        out.result = Status(ErrorCode::kIoError,
                            fmt::format("{}: more than {} redirects", url, options_.max_redirects));
      } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        out.result = Status(ErrorCode::kIoError, fmt::format("{}: timed out ({})", url, detail));
      } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        out.result =
            Status(ErrorCode::kInvalidArgument,
                   fmt::format("{}: redirected to a scheme other than http/https ({})", url, detail));
      } else {
        out.result = Status(ErrorCode::kIoError, fmt::format("{}: {}", url, detail));
        out.retryable = retryable_curl_error(rc);
      }
      return out;
    }

    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != kHttpNotModified && (status < kHttpOkFirst || status > kHttpOkLast)) {
      const ErrorCode code =
          status == kHttpNotFound || status == kHttpGone ? ErrorCode::kNotFound : ErrorCode::kIoError;
      out.result = Status(code, fmt::format("{}: HTTP {}", url, status));
      out.retryable = fetch::is_retryable_status(status);
      curl_off_t retry_after = 0;
      if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
        out.retry_after = std::chrono::seconds(retry_after);
      }
      return out;
    }

    FetchResponse response;
    response.status = static_cast<int>(status);
    response.not_modified = status == kHttpNotModified;
    response.url = url;
    const char* effective = nullptr;
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
    response.final_url = effective != nullptr ? effective : url;
    const char* content_type = nullptr;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) response.content_type = content_type;
    long redirects = 0;
    curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects);
    response.redirects = static_cast<int>(redirects);
    response.etag = header_value(h, "ETag");
    response.last_modified = header_value(h, "Last-Modified");
    if (response.not_modified) {
      // A 304 may omit the validators; the request's still hold.
      if (response.etag.empty()) response.etag = request.etag;
      if (response.last_modified.empty()) response.last_modified = request.last_modified;
    } else {
      response.body = std::move(sink.body);
    }
    out.result = std::move(response);
    return out;
  }

  FetchOptions options_;
  fetch::HostGate gate_;
};

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

bool is_url(std::string_view arg) noexcept {
  return iequals_prefix(arg, "http://") || iequals_prefix(arg, "https://");
}

std::string url_host(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(0, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

Result<std::unique_ptr<Fetcher>> make_fetcher(FetchOptions options) {
  static std::once_flag once;
  static CURLcode init = CURLE_OK;
  std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) {
    return Status(ErrorCode::kInternal,
                  fmt::format("libcurl did not initialise: {}", curl_easy_strerror(init)));
  }
  if (options.max_redirects < 0 || options.max_retries < 0 || options.max_bytes == 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "fetch options: negative redirects/retries or a zero size cap");
  }
  return std::unique_ptr<Fetcher>(std::make_unique<CurlFetcher>(std::move(options)));
}

}  // namespace caspian
