// The SQLite store: idempotent puts, atomicity, search, versions.
#include "caspian/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "caspian/json.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

Document article(const std::string& title, const std::string& body, const std::string& url,
                 const char* date) {
  Document d = make_document(title, body);
  d.url = url;
  d.published = *parse_iso_date(date);
  if (const size_t pos = d.text.find("Almaty"); pos != std::string::npos) {
    const auto at = static_cast<uint32_t>(pos);
    d.entities.push_back(
        {"geonames:1526384", EntityKind::kPlace, "Almaty", "KZ", 43.25, 76.92, 2000900, "PPLA"});
    d.mentions.push_back({{at, at + 6}, 0, EntityKind::kPlace, "geonames:1526384", "gazetteer", "", 0.9});
  }
  return d;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("caspian_store_test_" + std::to_string(::getpid()) + ".db");
    remove();
  }
  void TearDown() override { remove(); }
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  std::unique_ptr<Store> open() {
    auto s = open_store(path_.string());
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return std::move(s).value();
  }
  fs::path path_;
};

TEST_F(StoreTest, ProcessesOpeningANewFileTogetherMigrateItOnce) {
  // A reader probing a database that an ingest is creating: every opener must succeed, whoever
  // migrates first (a migration applied twice fails with "table already exists").
  constexpr int kRounds = 20;
  constexpr int kOpeners = 4;
  for (int round = 0; round < kRounds; ++round) {
    remove();
    std::vector<std::string> errors(kOpeners);
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i) {
      threads.emplace_back([&, i] {
        auto s = open_store(path_.string());
        if (!s.ok()) errors[static_cast<size_t>(i)] = s.status().to_string();
      });
    }
    for (std::thread& t : threads) t.join();
    for (const std::string& e : errors) ASSERT_EQ(e, "") << "round " << round;
  }
}

TEST_F(StoreTest, PutIsIdempotentByContentAndVersionsByUrl) {
  auto s = open();
  auto a = s->put(article("Talks in Almaty", "Leaders met in Almaty.",
                          "https://News.example/a?utm_source=x#top", "2025-08-01"));
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  EXPECT_EQ(a->outcome, PutResult::Outcome::kStored);
  EXPECT_EQ(a->revision_of, 0);
  // The same text under another URL is the same article.
  auto same_text =
      s->put(article("Talks in Almaty", "Leaders met in Almaty.", "https://mirror.example/b", "2025-08-01"));
  ASSERT_TRUE(same_text.ok());
  EXPECT_EQ(same_text->outcome, PutResult::Outcome::kDuplicate);
  EXPECT_EQ(same_text->duplicate_by, "content");
  EXPECT_EQ(same_text->article_id, a->article_id);
  // The same page (canonical URL) with other text is a new version of it.
  auto updated = s->put(
      article("Talks in Almaty (updated)", "Leaders met again.", "https://news.example/a", "2025-08-02"));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->outcome, PutResult::Outcome::kStored);
  EXPECT_EQ(updated->revision_of, a->article_id);
  // And a second ingest of either stores nothing.
  auto again = s->put(
      article("Talks in Almaty (updated)", "Leaders met again.", "https://news.example/a", "2025-08-02"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, PutResult::Outcome::kDuplicate);
  auto st = s->stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->articles, 2);
  EXPECT_EQ(st->mentions, 2);  // one "Almaty" in each version
}

TEST_F(StoreTest, GetReturnsTheStoredAnalysis) {
  auto s = open();
  const Document d =
      article("Talks in Almaty", "Leaders met in Almaty.", "https://x.example/a", "2025-08-01");
  auto put = s->put(d);
  ASSERT_TRUE(put.ok());
  auto got = s->get(put->article_id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, d);
  auto none = s->get(put->article_id + 100);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(StoreTest, SearchRanksFiltersAndSnippets) {
  auto s = open();
  ASSERT_TRUE(s->put(article("Chemical weapons report", "Inspectors found chemical weapons near the city.",
                             "u1", "2025-01-01"))
                  .ok());
  ASSERT_TRUE(s->put(article("Weather", "Rain is expected. No weapons here, chemical plant closed.", "u2",
                             "2025-02-01"))
                  .ok());
  ASSERT_TRUE(s->put(article("Almaty summit", "Leaders met in Almaty to discuss chemical weapons.", "u3",
                             "2025-03-01"))
                  .ok());
  SearchQuery q;
  q.text = "chemical weapons";
  auto hits = s->search(q);
  ASSERT_TRUE(hits.ok()) << hits.status().to_string();
  ASSERT_EQ(hits->size(), 3U);
  EXPECT_EQ((*hits)[0].title, "Chemical weapons report");  // title matches weigh more
  EXPECT_NE((*hits)[0].snippet.find("[chemical]"), std::string::npos) << (*hits)[0].snippet;

  q.entity_ids = {"geonames:1526384"};
  hits = s->search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1U);
  EXPECT_EQ((*hits)[0].title, "Almaty summit");

  q.entity_ids.clear();
  q.since = *parse_iso_date("2025-01-15");
  q.until = *parse_iso_date("2025-02-15");
  hits = s->search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1U);
  EXPECT_EQ((*hits)[0].title, "Weather");
}

TEST_F(StoreTest, QueriesThatAreNotFtsSyntaxStillWork) {
  auto s = open();
  ASSERT_TRUE(s->put(article("Armenia-Azerbaijan talks", "The Armenia-Azerbaijan border: talks resume.", "u",
                             "2025-01-01"))
                  .ok());
  for (const char* q : {"Armenia-Azerbaijan", "border:", "\"unbalanced", "talks AND", "(("}) {
    SearchQuery query;
    query.text = q;
    auto hits = s->search(query);
    EXPECT_TRUE(hits.ok()) << q << ": " << hits.status().to_string();
  }
}

TEST_F(StoreTest, TimelineOrdersByDate) {
  auto s = open();
  ASSERT_TRUE(s->put(article("Late", "peace talks", "u1", "2025-06-01")).ok());
  ASSERT_TRUE(s->put(article("Early", "peace talks again", "u2", "2025-01-01")).ok());
  SearchQuery q;
  q.text = "peace";
  q.oldest_first = true;
  auto hits = s->search(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2U);
  EXPECT_EQ((*hits)[0].title, "Early");
}

TEST_F(StoreTest, RefusesNewerSchemaAndForeignDatabases) {
  { auto s = open(); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = open_store(path_.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kUnsupportedVersion);
  EXPECT_NE(s.status().message().find("99"), std::string::npos);

  remove();
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE other(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto foreign = open_store(path_.string());
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), ErrorCode::kCorrupt);
}

// Schema 2 -> 3: the feed items watch had seen keep their marks, with no hash (taken as unchanged).
TEST_F(StoreTest, SeenItemsSurviveTheMigrationToItemHashes) {
  {
    auto s = open();
    ASSERT_TRUE(s->mark_item_seen("https://a.example/1", "https://a.example/feed", 0, "h").ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "DROP TABLE stories; DROP TABLE story_terms; DROP TABLE story_meta; DROP INDEX articles_story_published; "
          "ALTER TABLE articles DROP COLUMN story_id; ALTER TABLE articles DROP COLUMN record_id; "
          "ALTER TABLE seen_items DROP COLUMN item_hash; PRAGMA user_version=2",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto s = open();
  EXPECT_EQ(s->stats()->schema_version, 6);
  auto seen = s->item_seen("https://a.example/1");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->feed_url, "https://a.example/feed");
  EXPECT_EQ((*seen)->item_hash, "");
}

TEST_F(StoreTest, EventsAreStoredAndFilteredByActorCodeAndDate) {
  Document d = article("Talks", "Kazakhstan offered to host talks in Almaty. Russia attacked Ukraine.",
                       "https://a.example/talks", "2025-08-20");
  const auto ev = [&](std::string src, std::string tgt, std::string code, std::string date,
                      uint32_t sentence) {
    Event e;
    e.sentence = sentence;
    e.source.code = std::move(src);
    e.target.code = std::move(tgt);
    e.code = code;
    e.base_code = code.substr(0, 3);
    e.root_code = code.substr(0, 2);
    e.date = std::move(date);
    e.method = "dictionary";
    return e;
  };
  d.sentences.push_back({{0, 5}, 0, 0});  // "Talks", the headline
  d.events.push_back(ev("KAZGOV", "ARM", "036", "2024", 0));
  d.events.back().location_id = "geonames:1526384";
  d.events.push_back(ev("RUS", "UKR", "190", "2025-08-19", 1));
  d.events.push_back(ev("A%B", "---MIL", "0421", "2025-07", 1));
  auto store = open();
  ASSERT_TRUE(store->put(d).ok());
  const auto query = [&](EventQuery q) {
    auto r = store->events(q);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    std::vector<std::string> codes;
    for (const StoredEvent& e : *r) codes.push_back(e.record.event.code);
    return codes;
  };
  EXPECT_EQ(query({}), (std::vector<std::string>{"036", "0421", "190"}));  // by date
  EXPECT_EQ(query({{"KAZ"}, "", {}, {}, 0}), std::vector<std::string>{"036"});
  EXPECT_EQ(query({{"UKR", "ARM"}, "", {}, {}, 0}), (std::vector<std::string>{"036", "190"}));
  EXPECT_EQ(query({{}, "04", {}, {}, 0}), std::vector<std::string>{"0421"});
  EXPECT_TRUE(query({{"A%"}, "", {}, {}, 0}).size() == 1);  // LIKE wildcards are literal
  EXPECT_TRUE(query({{"A_B"}, "", {}, {}, 0}).empty());
  // A month or a year counts when it overlaps the range.
  EXPECT_EQ(query({{}, "", *parse_iso_date("2025-07-31"), *parse_iso_date("2025-08-18"), 0}),
            std::vector<std::string>{"0421"});
  EXPECT_EQ(query({{}, "", *parse_iso_date("2024-12-31"), {}, 0}).size(), 3U);
  EXPECT_EQ(query({{}, "", {}, {}, 1}).size(), 1U);
  auto all = store->events({});
  ASSERT_TRUE(all.ok());
  const StoredEvent& talks = all->front();
  EXPECT_EQ(talks.url, "https://a.example/talks");
  ASSERT_TRUE(talks.location.has_value());
  EXPECT_EQ(talks.location->name, "Almaty");
  EXPECT_EQ(talks.record.sentence_text, "Talks");
  EXPECT_EQ(store->stats()->events, 3);
}

TEST_F(StoreTest, ReopenKeepsData) {
  {
    auto s = open();
    ASSERT_TRUE(s->begin_batch().ok());
    ASSERT_TRUE(s->put(article("A", "alpha", "u1", "2025-01-01")).ok());
    ASSERT_TRUE(s->commit_batch().ok());
  }
  auto s = open();
  auto st = s->stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->articles, 1);
  EXPECT_EQ(st->schema_version, 6);
}

TEST(CanonicalUrlTest, DropsTrackingAndFragments) {
  EXPECT_EQ(canonical_url("HTTPS://WWW.Example.COM:443/Path?utm_source=x&b=2&a=1&fbclid=z#frag"),
            "https://example.com/Path?a=1&b=2");
  EXPECT_EQ(canonical_url("http://example.com"), "http://example.com/");
  EXPECT_EQ(canonical_url(""), "");
  EXPECT_EQ(canonical_url("not a url"), "not%20a%20url");
  // Found by fuzz_canonical_url: canonicalising twice must change nothing.
  for (std::string_view u :
       {"https://www.www.x.org:443:443/a?b= c&a=1", "http://x.org/?z=1 &y=\t", " https://x.org/#f "}) {
    const std::string once = canonical_url(u);
    EXPECT_EQ(canonical_url(once), once) << u;
  }
}

}  // namespace
}  // namespace caspian
