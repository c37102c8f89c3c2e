// Near-duplicate detection in the store: a syndicated copy of a story (other
// byline, other footer, other URL) is stored once with its URL recorded as a
// copy; two different stories on the same topic are both stored.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "caspian/store.h"
#include "store/near_duplicate.h"

namespace {

namespace fs = std::filesystem;
using caspian::Document;
using caspian::PutResult;

// A wire story (written for this test), about 230 words.
constexpr std::string_view kWireStory =
    "Foreign ministers of Armenia and Azerbaijan met in Almaty on Tuesday for a third round of talks on a "
    "peace treaty, the first meeting since a border incident last month left two soldiers wounded. The "
    "talks, hosted by Kazakhstan, lasted more than six hours and ended without a joint statement, but both "
    "delegations described them as constructive. Officials said the sides narrowed their differences on "
    "the delimitation of the border and on the opening of transport links through the region. A senior "
    "diplomat who asked not to be named because the negotiations are private said a draft text could be "
    "ready before the end of the year if the ceasefire holds. Kazakhstan's foreign minister said his "
    "country was ready to host further rounds and praised both delegations for their patience. Analysts "
    "in Yerevan and Baku cautioned that the main obstacles remain, including the question of constitutional "
    "changes demanded by Baku and the return of detainees demanded by Yerevan. The European Union and the "
    "United States welcomed the meeting and urged the sides to keep the momentum. Russia, which brokered an "
    "earlier ceasefire, did not comment. The next round is expected to take place in the spring, officials "
    "said, although no date has been set. Trade between the two countries remains frozen and the border is "
    "closed to travellers.";

// Another story on the same topic, written independently.
constexpr std::string_view kOtherStory =
    "Peace talks between Armenia and Azerbaijan in Almaty ended late on Tuesday with no agreement, as the "
    "two neighbours remained divided over the border and over constitutional changes. Armenian Foreign "
    "Minister officials told reporters that progress had been slower than hoped, while an Azerbaijani "
    "spokesman blamed Yerevan for delays. Kazakhstan, which hosted the meeting, offered to continue its "
    "mediation. Residents of border villages said they feared renewed shooting after last month's incident "
    "in which two soldiers were wounded. Economists noted that the closed border costs both economies "
    "hundreds of millions of dollars a year in lost trade and transit fees. Washington and Brussels called "
    "for restraint and for a quick return to the negotiating table. Moscow, whose peacekeepers left the "
    "region last year, has kept a low profile. Observers expect another meeting in the coming months, "
    "possibly in a European capital, but neither side has confirmed any plans for a new round of talks.";

Document article(std::string_view title, std::string body, std::string url, std::string source) {
  Document d;
  d.title = std::string(title);
  d.text = d.title + "\n\n" + body;
  d.body_offset = static_cast<uint32_t>(d.title.size() + 2);
  d.url = std::move(url);
  d.source = std::move(source);
  return d;
}

class NearDupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("caspian_neardup_test_" + std::to_string(::getpid()) + ".db");
    remove();
    auto s = caspian::open_store(path_.string());
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    remove();
  }
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }
  fs::path path_;
  std::unique_ptr<caspian::Store> store_;
};

TEST_F(NearDupTest, SyndicatedCopyWithOtherBylineAndFooterIsStoredOnce) {
  auto original = store_->put(article("Armenia and Azerbaijan hold talks in Almaty",
                                      "By Jane Doe, Wire Service\n\n" + std::string(kWireStory),
                                      "https://wire.example/2025/talks-almaty", "wire.example"));
  ASSERT_TRUE(original.ok()) << original.status().to_string();
  ASSERT_EQ(original->outcome, PutResult::Outcome::kStored);

  // Another site: its own headline, byline and footer around the same text.
  auto copy = store_->put(article(
      "Almaty talks end without statement",
      "From our partners at Wire Service\n\n" + std::string(kWireStory) +
          "\n\nCopyright 2025 Daily Example. All rights reserved. This material may not be published, "
          "broadcast, rewritten or redistributed. Follow us on social media for more news.",
      "https://www.daily.example/world/almaty-talks?utm_source=feed", "daily.example"));
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_EQ(copy->outcome, PutResult::Outcome::kDuplicate);
  EXPECT_EQ(copy->duplicate_by, "near");
  EXPECT_EQ(copy->article_id, original->article_id);
  EXPECT_GE(copy->similarity, caspian::store::kNearDupJaccard);
  EXPECT_LT(copy->similarity, 1.0);

  // An exact copy from a third site is a duplicate by content, also recorded.
  auto exact = store_->put(article("Armenia and Azerbaijan hold talks in Almaty",
                                   "By Jane Doe, Wire Service\n\n" + std::string(kWireStory),
                                   "https://mirror.example/talks", "mirror.example"));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->duplicate_by, "content");

  auto copies = store_->copies(original->article_id);
  ASSERT_TRUE(copies.ok()) << copies.status().to_string();
  ASSERT_EQ(copies->size(), 2U);
  EXPECT_EQ((*copies)[0].url, "https://www.daily.example/world/almaty-talks?utm_source=feed");
  EXPECT_EQ((*copies)[0].source, "daily.example");
  EXPECT_GE((*copies)[0].similarity, caspian::store::kNearDupJaccard);
  EXPECT_EQ((*copies)[1].url, "https://mirror.example/talks");
  EXPECT_EQ((*copies)[1].similarity, 1.0);

  // Seeing the copy again records nothing new.
  auto again = store_->put(article(
      "Almaty talks end without statement",
      "From our partners at Wire Service\n\n" + std::string(kWireStory) + "\n\nCopyright 2025 Daily Example.",
      "https://daily.example/world/almaty-talks", "daily.example"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, PutResult::Outcome::kDuplicate);
  EXPECT_EQ(store_->copies(original->article_id)->size(), 2U);
  EXPECT_EQ(store_->stats()->articles, 1);
}

TEST_F(NearDupTest, DifferentStoriesOnTheSameTopicAreBothStored) {
  auto a =
      store_->put(article("Talks in Almaty", std::string(kWireStory), "https://a.example/1", "a.example"));
  auto b =
      store_->put(article("Talks in Almaty", std::string(kOtherStory), "https://b.example/2", "b.example"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->outcome, PutResult::Outcome::kStored);
  EXPECT_EQ(b->outcome, PutResult::Outcome::kStored);
  EXPECT_EQ(store_->stats()->articles, 2);
  const double sim = caspian::store::jaccard(caspian::store::shingle_set(kWireStory),
                                             caspian::store::shingle_set(kOtherStory));
  EXPECT_LT(sim, 0.1);
}

TEST_F(NearDupTest, ARevisionOfTheSamePageIsNotACopy) {
  auto a = store_->put(article("Talks", std::string(kWireStory), "https://a.example/1", "a.example"));
  auto b = store_->put(article("Talks (updated)",
                               std::string(kWireStory) + " Update: the talks resumed on Wednesday.",
                               "https://a.example/1", "a.example"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->outcome, PutResult::Outcome::kStored);
  EXPECT_EQ(b->revision_of, a->article_id);
}

TEST_F(NearDupTest, ShortTextsAreNeverNearDuplicates) {
  const std::string teaser = "Leaders met in Almaty on Tuesday for talks on a peace treaty.";
  auto a = store_->put(article("Talks", teaser, "https://a.example/1", "a.example"));
  auto b = store_->put(article("Talks", teaser + " More soon.", "https://b.example/1", "b.example"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->outcome, PutResult::Outcome::kStored);
  EXPECT_TRUE(caspian::store::shingle_set(teaser).empty());
}

// Reads one integer with raw SQLite (what the Store API does not show).
int64_t query_int(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  const int64_t v = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return v;
}

TEST_F(NearDupTest, RevisionOfIsStoredInTheTable) {
  auto a = store_->put(article("Talks", std::string(kWireStory), "https://a.example/1", "a.example"));
  auto b = store_->put(article("Talks (updated)", "Other text.", "https://a.example/1", "a.example"));
  ASSERT_TRUE(a.ok() && b.ok());
  store_.reset();
  EXPECT_EQ(
      query_int(path_,
                ("SELECT revision_of FROM articles WHERE id = " + std::to_string(b->article_id)).c_str()),
      a->article_id);
}

TEST_F(NearDupTest, MigrationFromVersion1IndexesStoredArticles) {
  ASSERT_TRUE(
      store_->put(article("Talks", std::string(kWireStory), "https://a.example/1", "a.example")).ok());
  store_.reset();
  // Back to a version-1 database: no fetch, copies or near-duplicate tables.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db,
          "DROP TABLE stories; DROP TABLE story_terms; DROP TABLE story_meta; DROP INDEX articles_story_published; "
          "ALTER TABLE articles DROP COLUMN story_id; ALTER TABLE articles DROP COLUMN record_id; "
          "DROP TABLE fetch_state; DROP TABLE seen_items; DROP TABLE article_copies; "
          "DROP TABLE near_dup_bands; PRAGMA user_version=1;",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto reopened = caspian::open_store(path_.string());
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  store_ = std::move(reopened).value();
  EXPECT_EQ(store_->stats()->schema_version, 6);
  auto copy = store_->put(
      article("Copy", std::string(kWireStory) + " Copyright 2025 B.", "https://b.example/2", "b.example"));
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->duplicate_by, "near");
}

TEST_F(NearDupTest, FetchStateAndSeenItems) {
  auto none = store_->fetch_state("https://a.example/feed");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_
                  ->put_fetch_state(
                      {"https://a.example/feed", "\"e1\"", "Wed, 21 Oct 2015 07:28:00 GMT", "", 200, "abc"})
                  .ok());
  ASSERT_TRUE(store_->put_fetch_state({"https://a.example/feed", "\"e2\"", "", "", 200, "def"}).ok());
  auto got = store_->fetch_state("https://a.example/feed");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->etag, "\"e2\"");
  EXPECT_EQ((*got)->content_hash, "def");
  EXPECT_EQ((*got)->fetched_at.size(), 20U);  // 2025-01-01T00:00:00Z
  EXPECT_FALSE(store_->item_seen("https://a.example/1")->has_value());
  ASSERT_TRUE(store_->mark_item_seen("https://a.example/1", "https://a.example/feed", 0, "h1").ok());
  ASSERT_TRUE(
      store_->mark_item_seen("https://a.example/1", "https://a.example/feed", 0, "h1").ok());  // idempotent
  auto seen = store_->item_seen("https://a.example/1");
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->feed_url, "https://a.example/feed");
  EXPECT_EQ((*seen)->item_hash, "h1");
  ASSERT_TRUE(
      store_->mark_item_seen("https://a.example/1", "https://a.example/feed", 0, "h2").ok());  // updated
  EXPECT_EQ((*store_->item_seen("https://a.example/1"))->item_hash, "h2");
}

TEST(CanonicalUrl, DropsMoreTrackingParameters) {
  EXPECT_EQ(caspian::canonical_url(
                "https://news.example/a?id=7&_hsenc=x&smid=tw-share&ocid=msn&cmpid=rss&gbraid=1"),
            "https://news.example/a?id=7");
}

TEST(NearDup, ShinglesAndJaccard) {
  using caspian::store::jaccard;
  using caspian::store::shingle_set;
  const auto a = shingle_set(kWireStory);
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  // Case and punctuation do not matter.
  std::string shouted(kWireStory);
  for (char& c : shouted) c = c == ',' ? ';' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(shingle_set(shouted), a);
  EXPECT_EQ(jaccard(a, a), 1.0);
  EXPECT_EQ(jaccard({}, {}), 0.0);
  EXPECT_EQ(jaccard({1, 2, 3}, {2, 3, 4}), 0.5);
  // Band keys are deterministic (they are stored).
  EXPECT_EQ(caspian::store::band_keys(a), caspian::store::band_keys(shingle_set(shouted)));
}

}  // namespace
