// The HTTP fetcher against a local server on 127.0.0.1 (tests/local_http_server.h):
// pages, redirects, conditional GET, retries, the size cap, gzip, timeouts.
#include "caspian/fetch.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <thread>

#include "fetch/fetcher.h"
#include "local_http_server.h"

namespace {

using caspian::ErrorCode;
using caspian::FetchOptions;
using caspian::FetchRequest;
using caspian::testing::HttpReply;
using caspian::testing::HttpRequest;
using caspian::testing::LocalHttpServer;
using namespace std::chrono_literals;

constexpr std::string_view kPage =
    "<html><head><title>Talks in Almaty</title></head><body><p>Leaders met in Almaty.</p></body></html>";
constexpr uint64_t kCap = 64 * 1024;

std::string gzip(std::string_view data) {
  z_stream z{};
  constexpr int kGzipWindowBits = 15 + 16;
  constexpr int kMemLevel = 8;
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

HttpReply route(const HttpRequest& req, std::atomic<int>& flaky, std::atomic<int>& busy) {
  const std::string& p = req.path;
  if (p == "/page") {
    if (req.header("if-none-match") == "\"v1\"") return {304, {{"ETag", "\"v1\""}}, ""};
    return {200,
            {{"Content-Type", "text/html; charset=utf-8"},
             {"ETag", "\"v1\""},
             {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}},
            std::string(kPage)};
  }
  if (p.rfind("/redirect/", 0) == 0) {
    const int n = std::stoi(p.substr(10));
    return {302, {{"Location", n > 1 ? "/redirect/" + std::to_string(n - 1) : "/page"}}, ""};
  }
  if (p == "/to-file") return {302, {{"Location", "file:///etc/passwd"}}, ""};
  if (p == "/flaky") return flaky++ == 0 ? HttpReply{503, {}, "busy"} : HttpReply{200, {}, "recovered"};
  if (p == "/busy") {
    return busy++ == 0 ? HttpReply{429, {{"Retry-After", "1"}}, "slow down"} : HttpReply{200, {}, "thanks"};
  }
  if (p == "/always503") return {503, {}, "down"};
  if (p == "/big") return {200, {}, std::string(2 * kCap, 'x'), false};       // no Content-Length
  if (p == "/big-known") return {200, {}, std::string(2 * kCap, 'x'), true};  // Content-Length past the cap
  if (p == "/gzip") {
    const std::string text(10'000, 'a');
    if (req.header("accept-encoding").find("gzip") == std::string::npos) return {200, {}, text};
    return {200, {{"Content-Encoding", "gzip"}, {"Content-Type", "text/plain"}}, gzip(text)};
  }
  if (p == "/gzip-bomb") {
    return {200, {{"Content-Encoding", "gzip"}}, gzip(std::string(4 * kCap, 'b'))};
  }
  if (p == "/slow") {
    HttpReply r{200, {}, "late"};
    r.delay_before = 3s;
    return r;
  }
  return {404, {}, "no such page"};
}

class FetchTest : public ::testing::Test {
 protected:
  FetchTest() : server_([this](const HttpRequest& r) { return route(r, flaky_, busy_); }) {}

  std::unique_ptr<caspian::Fetcher> fetcher(FetchOptions o = {}) {
    o.host_delay = 0ms;
    o.retry_base = 10ms;
    o.max_bytes = kCap;
    o.timeout = o.timeout == FetchOptions{}.timeout ? 5s : o.timeout;
    auto f = caspian::make_fetcher(o);
    EXPECT_TRUE(f.ok()) << f.status().to_string();
    return std::move(f).value();
  }

  std::atomic<int> flaky_{0};
  std::atomic<int> busy_{0};
  LocalHttpServer server_;
};

TEST_F(FetchTest, PageWithValidatorsAndContentType) {
  auto r = fetcher()->fetch({server_.url("/page"), "", ""});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->not_modified);
  EXPECT_EQ(r->body, kPage);
  EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_EQ(r->final_url, server_.url("/page"));
  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1U);
  EXPECT_EQ(reqs[0].header("user-agent").rfind("caspian/", 0), 0U) << reqs[0].header("user-agent");
}

TEST_F(FetchTest, ConditionalGetGivesNotModified) {
  auto f = fetcher();
  auto first = f->fetch({server_.url("/page"), "", ""});
  ASSERT_TRUE(first.ok());
  auto second = f->fetch({server_.url("/page"), first->etag, first->last_modified});
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->not_modified);
  EXPECT_TRUE(second->body.empty());
  EXPECT_EQ(second->etag, "\"v1\"");
  EXPECT_EQ(second->last_modified, first->last_modified);  // kept from the request
  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2U);
  EXPECT_EQ(reqs[1].header("if-modified-since"), "Wed, 21 Oct 2015 07:28:00 GMT");
}

TEST_F(FetchTest, FollowsFiveRedirectsButNotSix) {
  auto f = fetcher();
  auto five = f->fetch({server_.url("/redirect/5"), "", ""});
  ASSERT_TRUE(five.ok()) << five.status().to_string();
  EXPECT_EQ(five->redirects, 5);
  EXPECT_EQ(five->final_url, server_.url("/page"));
  EXPECT_EQ(five->body, kPage);
  auto six = f->fetch({server_.url("/redirect/6"), "", ""});
  ASSERT_FALSE(six.ok());
  EXPECT_EQ(six.status().code(), ErrorCode::kIoError);
  EXPECT_NE(six.status().message().find("more than 5 redirects"), std::string::npos)
      << six.status().message();
  EXPECT_NE(six.status().message().find("/redirect/6"), std::string::npos);  // names the URL
}

TEST_F(FetchTest, OnlyHttpAndHttps) {
  auto f = fetcher();
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "/etc/passwd"}) {
    auto r = f->fetch({url, "", ""});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(r.status().message().find(url), std::string::npos);
  }
  auto redirected = f->fetch({server_.url("/to-file"), "", ""});
  ASSERT_FALSE(redirected.ok());
  EXPECT_EQ(redirected.status().code(), ErrorCode::kInvalidArgument) << redirected.status().to_string();
}

TEST_F(FetchTest, RetriesA503ThenSucceeds) {
  auto r = fetcher()->fetch({server_.url("/flaky"), "", ""});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->body, "recovered");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(server_.hits("/flaky"), 2);
}

TEST_F(FetchTest, RespectsRetryAfterOn429) {
  const auto start = std::chrono::steady_clock::now();
  auto r = fetcher()->fetch({server_.url("/busy"), "", ""});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->body, "thanks");
  EXPECT_EQ(r->attempts, 2);
  // Retry-After: 1 is a lower bound on the wait (the back-off base is 10 ms).
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(FetchTest, GivesUpAfterMaxRetries) {
  FetchOptions o;
  o.max_retries = 2;
  auto r = fetcher(o)->fetch({server_.url("/always503"), "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("HTTP 503"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("3 attempts"), std::string::npos) << r.status().message();
  EXPECT_EQ(server_.hits("/always503"), 3);
}

TEST_F(FetchTest, RetryAfterPastTheLimitFailsAtOnce) {
  FetchOptions o;
  o.max_retry_wait = 100ms;
  auto r = fetcher(o)->fetch({server_.url("/busy"), "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("retry after"), std::string::npos) << r.status().message();
  EXPECT_EQ(server_.hits("/busy"), 1);
}

TEST_F(FetchTest, NotFoundIsNotRetried) {
  auto r = fetcher()->fetch({server_.url("/nothing-here"), "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("HTTP 404"), std::string::npos);
  EXPECT_EQ(server_.hits("/nothing-here"), 1);
}

TEST_F(FetchTest, SizeCapAbortsTheTransfer) {
  auto f = fetcher();
  for (const char* path : {"/big", "/big-known", "/gzip-bomb"}) {
    auto r = f->fetch({server_.url(path), "", ""});
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge) << path << ": " << r.status().to_string();
    EXPECT_NE(r.status().message().find("limit of 65536 bytes"), std::string::npos) << r.status().message();
  }
}

TEST_F(FetchTest, DecodesGzip) {
  auto r = fetcher()->fetch({server_.url("/gzip"), "", ""});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->body, std::string(10'000, 'a'));
  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1U);
  EXPECT_NE(reqs[0].header("accept-encoding").find("gzip"), std::string::npos);
}

TEST_F(FetchTest, TimesOut) {
  FetchOptions o;
  o.timeout = 300ms;
  auto r = fetcher(o)->fetch({server_.url("/slow"), "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
}

TEST_F(FetchTest, CancelStopsAWait) {
  std::atomic<bool> cancel{true};
  FetchOptions o;
  o.cancel = &cancel;
  auto r = fetcher(o)->fetch({server_.url("/page"), "", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInterrupted);
}

TEST(HostGate, OneRequestAtATimePerHostWithADelay) {
  caspian::fetch::HostGate gate(200ms);
  ASSERT_TRUE(gate.acquire("a.example", nullptr).ok());
  ASSERT_TRUE(gate.acquire("b.example", nullptr).ok());  // other hosts are independent
  std::atomic<bool> second_in{false};
  std::thread t([&] {
    EXPECT_TRUE(gate.acquire("a.example", nullptr).ok());
    second_in.store(true);
    gate.release("a.example");
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(second_in.load());  // still held by the first request
  const auto released = std::chrono::steady_clock::now();
  gate.release("a.example");
  t.join();
  EXPECT_TRUE(second_in.load());
  EXPECT_GE(std::chrono::steady_clock::now() - released, 200ms);  // the politeness delay
  gate.release("b.example");
  std::atomic<bool> cancel{true};
  caspian::fetch::HostGate busy(10s);
  ASSERT_TRUE(busy.acquire("c.example", nullptr).ok());
  busy.release("c.example");
  EXPECT_EQ(busy.acquire("c.example", &cancel).code(), ErrorCode::kInterrupted);
}

TEST(FetchHelpers, UrlsHostsAndBackoff) {
  EXPECT_TRUE(caspian::is_url("http://x.example/"));
  EXPECT_TRUE(caspian::is_url("HTTPS://x.example/"));
  EXPECT_FALSE(caspian::is_url("file:///etc/passwd"));
  EXPECT_FALSE(caspian::is_url("news.txt"));
  EXPECT_EQ(caspian::url_host("https://User:pw@News.Example:8443/a?b#c"), "news.example");
  EXPECT_EQ(caspian::url_host("http://[::1]:8080/"), "[::1]");
  EXPECT_EQ(caspian::url_host("no-scheme"), "");
  using caspian::fetch::backoff_delay;
  EXPECT_EQ(backoff_delay(0, 500ms, 0ms), 500ms);
  EXPECT_EQ(backoff_delay(2, 500ms, 0ms), 2000ms);
  EXPECT_EQ(backoff_delay(0, 500ms, 3000ms), 3000ms);
  EXPECT_TRUE(caspian::fetch::is_retryable_status(429));
  EXPECT_TRUE(caspian::fetch::is_retryable_status(503));
  EXPECT_FALSE(caspian::fetch::is_retryable_status(404));
}

}  // namespace
