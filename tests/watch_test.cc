// `caspian watch` and URL inputs against a local server on 127.0.0.1
// (tests/local_http_server.h): a second round stores nothing new, a restart
// does not re-fetch what it has, --follow extracts the linked pages.
#include "caspian/watch.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "caspian/fetch.h"
#include "local_http_server.h"
#include "cli_runner.h"

namespace {

namespace fs = std::filesystem;
using caspian::testing::HttpReply;
using caspian::testing::HttpRequest;
using caspian::testing::LocalHttpServer;
using namespace std::chrono_literals;

std::string item(const std::string& base, int n, const std::string& title) {
  return "<item><title>" + title + "</title><link>" + base + "/story/" + std::to_string(n) +
         "?utm_source=rss</link><pubDate>Tue, 19 Aug 2025 08:00:00 GMT</pubDate><description>" + title +
         ". Officials met in Almaty on Tuesday to discuss the border, the summary says.</description></item>";
}

std::string page(int n) {
  std::string body;
  for (int p = 0; p < 4; ++p) {
    body += "<p>Story " + std::to_string(n) + ", paragraph " + std::to_string(p) +
            ": the full article as published on the site, with enough words to be the main text of the "
            "page, about talks between delegations in Almaty and their plans for the spring.</p>";
  }
  return "<!doctype html><html><head><title>Story " + std::to_string(n) +
         "</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Story " + std::to_string(n) +
         "</h1>" + body + "</article><footer>Copyright</footer></body></html>";
}

class WatchTest : public ::testing::Test {
 protected:
  WatchTest() : server_([this](const HttpRequest& r) { return route(r); }) {
    dir_ = fs::temp_directory_path() / ("caspian_watch_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    set_items(2);
  }
  ~WatchTest() override { fs::remove_all(dir_); }

  // The feed lists the first `n` stories, their headlines ending in `edit`; its ETag changes with
  // both.
  void set_items(int n, const std::string& edit = "") {
    std::lock_guard lock(mu_);
    const std::string base = server_.url("");
    feed_ = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test Wire</title><link>" + base +
            "/</link><description>t</description>";
    for (int i = n; i >= 1; --i) feed_ += item(base, i, "Story " + std::to_string(i) + " headline" + edit);
    feed_ += "</channel></rss>";
    etag_ = "\"items-" + std::to_string(n) + (edit.empty() ? "" : "-" + std::to_string(edit.size())) + "\"";
  }

  HttpReply route(const HttpRequest& r) {
    std::lock_guard lock(mu_);
    if (r.path == "/feed.xml") {
      if (r.header("if-none-match") == etag_) return {304, {{"ETag", etag_}}, ""};
      return {200, {{"Content-Type", "application/rss+xml"}, {"ETag", etag_}}, feed_};
    }
    if (r.path == "/no-etag.xml") return {200, {{"Content-Type", "text/xml"}}, feed_};
    if (r.path.rfind("/story/", 0) == 0) {
      const int n = std::stoi(r.path.substr(7));
      if (n == 3) return {500, {}, "broken"};
      return {200, {{"Content-Type", "text/html; charset=utf-8"}}, page(n)};
    }
    return {404, {}, "no"};
  }

  std::string write(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  std::mutex mu_;
  std::string feed_, etag_;
  LocalHttpServer server_;
  fs::path dir_;
};

struct RoundRunner {
  std::unique_ptr<caspian::Fetcher> fetcher;
  std::unique_ptr<caspian::Store> store;
  caspian::Pipeline pipeline;
  std::vector<std::string> log;
  caspian::WatchOptions options;

  static RoundRunner open(const std::string& db) {
    caspian::FetchOptions fo;
    fo.host_delay = 0ms;
    fo.retry_base = 1ms;
    fo.max_retries = 0;
    caspian::PipelineOptions po;
    po.stages = {"tokenize"};
    RoundRunner r{std::move(caspian::make_fetcher(fo)).value(),
                  std::move(caspian::open_store(db)).value(),
                  std::move(caspian::Pipeline::create(po)).value(),
                  {},
                  {}};
    return r;
  }
  caspian::WatchStats round(const std::vector<std::string>& feeds) {
    options.log = [this](std::string_view line) { log.emplace_back(line); };
    auto st = caspian::watch_round(feeds, *fetcher, *store, pipeline, options);
    EXPECT_TRUE(st.ok()) << st.status().to_string();
    return st.ok() ? *st : caspian::WatchStats{};
  }
};

TEST_F(WatchTest, SecondRoundIngestsNothingNewAndRestartsRemember) {
  const std::string db = (dir_ / "w.db").string();
  const std::vector<std::string> feeds = {server_.url("/feed.xml"), server_.url("/no-etag.xml")};
  {
    auto r = RoundRunner::open(db);
    auto first = r.round(feeds);
    EXPECT_EQ(first.feeds, 2);
    EXPECT_EQ(first.items, 4);  // two items in each feed, the same two stories
    EXPECT_EQ(first.new_items, 2);
    EXPECT_EQ(first.stored, 2);
    EXPECT_EQ(first.feed_errors, 0);
    auto second = r.round(feeds);
    EXPECT_EQ(second.not_modified, 2);  // a 304, and the same bytes again
    EXPECT_EQ(second.new_items, 0);
    EXPECT_EQ(second.stored, 0);
  }
  // A restart (a new store connection) knows the validators and the items.
  set_items(3);
  {
    auto r = RoundRunner::open(db);
    auto third = r.round(feeds);
    EXPECT_EQ(third.not_modified, 0);
    EXPECT_EQ(third.new_items, 1);  // story 3, in both feeds but new once
    EXPECT_EQ(third.stored, 1);
    EXPECT_EQ(r.store->stats()->articles, 3);
    auto state = r.store->fetch_state(server_.url("/feed.xml"));
    ASSERT_TRUE(state.ok() && state->has_value());
    EXPECT_EQ((*state)->etag, "\"items-3\"");
    EXPECT_EQ((*state)->status, 200);
  }
  EXPECT_EQ(server_.hits("/story/1?utm_source=rss"), 0);  // nothing followed without --follow
}

TEST_F(WatchTest, AnItemWhoseTextChangedUnderTheSameLinkIsStoredAgain) {
  const std::string db = (dir_ / "c.db").string();
  const std::vector<std::string> feeds = {server_.url("/feed.xml"), server_.url("/no-etag.xml")};
  auto r = RoundRunner::open(db);
  EXPECT_EQ(r.round(feeds).stored, 2);
  set_items(2, ", corrected");
  auto second = r.round(feeds);
  EXPECT_EQ(second.new_items, 0);
  // Changed in the feed that gave them; the other feed's copies of the same links are not changes
  // of their own.
  EXPECT_EQ(second.changed_items, 2);
  EXPECT_EQ(second.stored, 2);
  EXPECT_NE(std::find_if(r.log.begin(), r.log.end(),
                         [](const std::string& l) { return l.find("2 items, 0 new, 2 changed, 2 stored") != std::string::npos; }),
            r.log.end());
  auto stats = r.store->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->articles, 4);
  // Both corrections are stored and searchable, beside the first versions.
  auto corrected = r.store->search({"corrected"});
  ASSERT_TRUE(corrected.ok());
  EXPECT_EQ(corrected->size(), 2U);
  // Nothing changed since: nothing is stored.
  auto third = r.round(feeds);
  EXPECT_EQ(third.changed_items + third.new_items, 0);
  EXPECT_EQ(third.stored, 0);
}

TEST_F(WatchTest, FollowExtractsPagesAndFallsBackToTheSummary) {
  set_items(3);
  auto r = RoundRunner::open((dir_ / "f.db").string());
  r.options.follow = true;
  auto stats = r.round({server_.url("/feed.xml")});
  EXPECT_EQ(stats.stored, 3);
  EXPECT_EQ(server_.hits("/story/1?utm_source=rss"), 1);
  EXPECT_EQ(server_.hits("/story/3?utm_source=rss"), 1);  // HTTP 500: the feed's summary is stored
  bool warned = false;
  for (const std::string& l : r.log)
    warned = warned || l.find("using the feed's summary") != std::string::npos;
  EXPECT_TRUE(warned);
  caspian::SearchQuery q;
  q.text = "paragraph";
  auto hits = r.store->search(q);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 2U);  // stories 1 and 2 from their pages
}

TEST_F(WatchTest, InterruptedRoundKeepsWhatItStored) {
  auto r = RoundRunner::open((dir_ / "i.db").string());
  std::atomic<bool> cancel{true};
  r.options.cancel = &cancel;
  auto stats = r.round({server_.url("/feed.xml")});
  EXPECT_TRUE(stats.interrupted);
  EXPECT_EQ(stats.stored, 0);
  cancel.store(false);
  auto again = r.round({server_.url("/feed.xml")});
  EXPECT_EQ(again.stored, 2);
}

TEST_F(WatchTest, FeedList) {
  const std::string list = write("feeds.txt",
                                 "# my feeds\n\nhttps://a.example/rss  # comment\n  http://b.example/atom\n"
                                 "https://a.example/rss\n");
  auto urls = caspian::read_feed_list(list);
  ASSERT_TRUE(urls.ok()) << urls.status().to_string();
  EXPECT_EQ(*urls, (std::vector<std::string>{"https://a.example/rss", "http://b.example/atom"}));
  auto bad = caspian::read_feed_list(write("bad.txt", "https://a.example/rss\nfile:///etc/passwd\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos) << bad.status().message();
  EXPECT_EQ(caspian::read_feed_list(write("empty.txt", "# nothing\n")).status().code(),
            caspian::ErrorCode::kEmptyInput);
  EXPECT_EQ(caspian::read_feed_list((dir_ / "missing.txt").string()).status().code(),
            caspian::ErrorCode::kNotFound);
}

// ---- the binary ------------------------------------------------------------

using Run = caspian::testing::CliRun;

Run run(const std::string& args) { return caspian::testing::run_cli(args); }

TEST_F(WatchTest, CliWatchOnceTwice) {
  const std::string list = write("feeds.txt", "# test\n" + server_.url("/feed.xml") + "\n");
  const std::string db = (dir_ / "cli.db").string();
  const std::string args = "watch " + list + " --once --host-delay 0s --db " + db;
  auto first = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_NE(first.out.find("2 new, 0 changed: 2 stored"), std::string::npos) << first.out;
  auto second = run(args);
  ASSERT_EQ(second.exit_code, 0) << second.out;
  EXPECT_NE(second.out.find("0 new, 0 changed: 0 stored"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("not modified (304)"), std::string::npos) << second.out;
  EXPECT_EQ(run("watch " + list + " --once --every soon --db " + db).exit_code, 2);
}

TEST_F(WatchTest, CliIngestAndAnalyzeUrls) {
  const std::string db = (dir_ / "u.db").string();
  auto ingest = run("ingest -q --db " + db + " " + server_.url("/story/1") + " " + server_.url("/feed.xml"));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_NE(ingest.out.find("3 read, 3 stored"), std::string::npos) << ingest.out;
  auto missing = run("analyze " + server_.url("/nothing"));
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(missing.out.find("HTTP 404"), std::string::npos) << missing.out;
  auto analyze = run("analyze --follow " + server_.url("/feed.xml"));
  ASSERT_EQ(analyze.exit_code, 0) << analyze.out;
  EXPECT_NE(analyze.out.find("paragraph 3"), std::string::npos);  // from the page, not the summary
}

}  // namespace
