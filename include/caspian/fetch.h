// Fetching web pages and feeds over HTTP(S): the start of an article's life
// when it comes from the network.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/ingest.h"
#include "caspian/result.h"

namespace caspian {

struct FetchOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{30'000};  // whole transfer, per attempt
  int max_redirects = 5;                      // one more is an error
  uint64_t max_bytes = uint64_t{16} << 20;    // decoded body; past it the transfer is aborted
  // Politeness: requests to one host (of the requested URL; redirects are
  // followed at once) are made one at a time, at least this long apart (from
  // the end of one to the start of the next).
  std::chrono::milliseconds host_delay{1'000};
  // Retries after HTTP 429 or 5xx and after a dropped connection, waiting
  // retry_base * 2^n, or the server's Retry-After when it asks for longer.
  int max_retries = 3;
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds max_retry_wait{120'000};  // a longer Retry-After fails the fetch
  std::string user_agent;                             // empty: "caspian/<version>"
  // When set and true, transfers and waits stop soon with kInterrupted.
  const std::atomic<bool>* cancel = nullptr;
};

struct FetchRequest {
  std::string url;  // http:// or https:// only
  // Validators of an earlier response, sent back as If-None-Match and
  // If-Modified-Since (conditional GET); empty: not sent.
  std::string etag;
  std::string last_modified;
};

struct FetchResponse {
  int status = 0;             // final HTTP status: 2xx, or 304 (not_modified)
  bool not_modified = false;  // 304: the validators still hold; body is empty
  std::string url;            // as requested
  std::string final_url;      // after redirects
  std::string content_type;   // the Content-Type header, as sent ("" if none)
  std::string etag;           // validators to keep for the next conditional GET
  std::string last_modified;
  std::string body;  // decoded (Content-Encoding undone)
  int redirects = 0;
  int attempts = 1;
};

// An HTTP client. Thread safety: fetch() may be called from several threads;
// the per-host politeness holds across them.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Fetches one URL, following at most max_redirects redirects (to http/https
  // only). Guarantees: on success status is 2xx or 304 and body holds at most
  // max_bytes bytes. Errors (each message names the URL): kInvalidArgument
  // (not an http/https URL), kTooLarge (body past max_bytes), kNotFound (HTTP
  // 404/410), kIoError (network failure, timeout, too many redirects, other
  // HTTP errors, retries exhausted), kInterrupted (options.cancel was set).
  virtual Result<FetchResponse> fetch(const FetchRequest& request) = 0;
};

// The libcurl fetcher. Errors: kInternal when libcurl cannot be initialised.
[[nodiscard]] Result<std::unique_ptr<Fetcher>> make_fetcher(FetchOptions options = {});

// True when `arg` starts with http:// or https:// (case-insensitive): the CLI
// fetches such arguments instead of opening a file.
bool is_url(std::string_view arg) noexcept;

// The host of an http(s) URL, lower-case, without port or credentials ("" if none).
std::string url_host(std::string_view url);

// Receives warnings that do not fail a record (a fallback was used).
using WarningSink = std::function<void(std::string_view)>;

struct UrlReadOptions {
  ReadOptions read;  // format override (kAuto: Content-Type, then the bytes), limits, metadata
  // Feeds: fetch each item's link and extract the article from the page,
  // falling back to the feed's summary (with a warning) when that fails.
  bool follow = false;
  WarningSink warn;  // may be empty
};

// Fetches `url` and reads its body as read_inputs() reads a file: an HTML
// page is one article (document_from_html, with the final URL and the
// Content-Type's charset), a feed one per item, JSON one, JSONL one per line,
// anything else plain text. The format comes from options.read.format, else
// a decisive Content-Type (HTML, RSS, Atom, RDF), else the bytes. Origins are
// {url} or {url, line} or {url, record = item number}. A fetch or parse
// error is passed to `sink`. Returns non-ok only if the sink asked to stop.
// Thread safety: as safe as `fetcher` and `sink` are.
Status read_url(Fetcher& fetcher, const std::string& url, const UrlReadOptions& options,
                const RecordSink& sink);

// The same for a body already fetched (`content_type` may be empty).
Status read_fetched(const FetchResponse& response, Fetcher& fetcher, const UrlReadOptions& options,
                    const RecordSink& sink);

// With --follow: fetches the page a feed item links to and extracts the
// article from it; the item's own fields fill what the page lacks (date,
// source, byline, categories). When the item has no http(s) link, or the fetch or the extraction
// fails, returns the item itself and passes the reason to `warn`.
Document follow_item_link(Fetcher& fetcher, Document item, const ReadOptions& options,
                          const WarningSink& warn);

// The feed URLs of a feed list: one per line; blank lines and lines whose
// first non-blank character is '#' are ignored, as is anything after " #".
// Errors: kNotFound / kIoError for the file, kInvalidArgument naming the
// line of an entry that is not an http(s) URL, kEmptyInput for no URL at all.
Result<std::vector<std::string>> read_feed_list(const std::string& path);

}  // namespace caspian
