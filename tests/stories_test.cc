// Stories: articles grouped as they are stored, kept across connections, merges that resolve.
#include "caspian/stories.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "caspian/store.h"
#include "shared_pipeline.h"
#include "stories/clusterer.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

class StoriesTest : public SharedPipelineTest {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("caspian_stories_test_" + std::to_string(::getpid()) + ".db");
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
  int64_t put(Store& store, const std::string& id, const std::string& body, const std::string& date,
              const std::string& source = "") {
    Document d = analyse("", body, date);
    d.id = id;
    d.source = source;
    auto r = store.put(d);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? r->article_id : 0;
  }
  // The story id of each record id.
  static std::map<std::string, int64_t> stories_by_record(Store& store) {
    StoryQuery all;
    all.limit = 0;
    auto stories = store.stories(all);
    EXPECT_TRUE(stories.ok()) << stories.status().to_string();
    std::map<std::string, int64_t> out;
    for (const Story& s : *stories) {
      for (const StoryArticle& a : s.articles) out[a.record_id] = s.id;
    }
    return out;
  }
  fs::path path_;
};

constexpr const char* kHormuz1 =
    "Iran closes the Strait of Hormuz to tankers after United States strikes on Iranian oil terminals.";
constexpr const char* kHormuz2 =
    "Shipping companies suspend tanker transits through the Strait of Hormuz as Iran keeps the strait "
    "closed.";
constexpr const char* kFlood =
    "Floods in Bavaria, Germany, force thousands of residents to leave their homes as rivers burst their "
    "banks.";

TEST_F(StoriesTest, ReportsOfOneStoryJoinAndAnUnrelatedOneStaysApart) {
  auto store = open();
  put(*store, "a", kHormuz1, "2026-03-01", "Reuters");
  put(*store, "b", kFlood, "2026-03-01", "DW");
  put(*store, "c", kHormuz2, "2026-03-03", "AP");
  const auto by = stories_by_record(*store);
  ASSERT_EQ(by.size(), 3U);
  EXPECT_EQ(by.at("a"), by.at("c"));
  EXPECT_NE(by.at("a"), by.at("b"));
  auto story = store->story(by.at("a"));
  ASSERT_TRUE(story.ok() && story->has_value());
  const Story& s = **story;
  EXPECT_EQ(s.num_articles, 2);
  EXPECT_EQ(s.num_sources, 2);
  EXPECT_EQ(format_date(*s.first_seen), "2026-03-01");
  EXPECT_EQ(format_date(*s.last_seen), "2026-03-03");
  ASSERT_FALSE(s.top_entities.empty());
  std::set<std::string> ids;
  for (const StoryEntity& e : s.top_entities) ids.insert(e.entity_id);
  EXPECT_TRUE(ids.contains("iso3166:IRN")) << story_to_json(s);
  EXPECT_FALSE(s.title.empty());
  // Both reports are about a closure: the story's events are those of its articles.
  ASSERT_FALSE(s.top_events.empty()) << story_to_json(s);
  int64_t events = 0;
  for (const StoryEventKind& k : s.top_events) {
    EXPECT_EQ(k.root_code.size(), 2U);
    EXPECT_GE(k.articles, 1);
    EXPECT_LE(k.articles, 2);
    events += k.events;
  }
  EXPECT_GT(events, 0);
  const std::string json = story_to_json(s);
  EXPECT_NE(json.find(R"("top_events": [{"root_code": ")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("top_topics": [)"), std::string::npos) << json;
}

TEST_F(StoriesTest, ThePastWindowEndsAStory) {
  auto store = open();
  put(*store, "a", kHormuz1, "2026-01-01");
  put(*store, "b", kHormuz2, "2026-06-01");  // five months later: a story of its own
  const auto by = stories_by_record(*store);
  EXPECT_NE(by.at("a"), by.at("b"));
}

TEST_F(StoriesTest, ClusteringResumesInAnotherConnection) {
  {
    auto store = open();
    ASSERT_TRUE(store->begin_batch().ok());
    put(*store, "a", kHormuz1, "2026-03-01");
    ASSERT_TRUE(store->commit_batch().ok());
  }
  auto store = open();
  put(*store, "c", kHormuz2, "2026-03-02");
  const auto by = stories_by_record(*store);
  EXPECT_EQ(by.at("a"), by.at("c"));
}

TEST_F(StoriesTest, ARolledBackBatchLeavesNoStoryBehind) {
  auto store = open();
  put(*store, "a", kFlood, "2026-03-01");
  ASSERT_TRUE(store->begin_batch().ok());
  put(*store, "b", kHormuz1, "2026-03-01");
  ASSERT_TRUE(store->rollback_batch().ok());
  put(*store, "c", kHormuz2, "2026-03-02");
  const auto by = stories_by_record(*store);
  EXPECT_EQ(by.size(), 2U);
  EXPECT_FALSE(by.contains("b"));
  StoryQuery all;
  all.limit = 0;
  auto stories = store->stories(all);
  ASSERT_TRUE(stories.ok());
  EXPECT_EQ(stories->size(), 2U);  // the rolled-back article's story was not written
}

TEST_F(StoriesTest, QueriesFilterByEntityTextAndDate) {
  auto store = open();
  put(*store, "a", kHormuz1, "2026-03-01");
  put(*store, "b", kFlood, "2026-04-20");
  StoryQuery q;
  q.entity_id = "iso3166:DEU";
  auto s = store->stories(q);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1U);
  EXPECT_EQ((*s)[0].articles[0].record_id, "b");
  q = {};
  q.text = "tankers";
  s = store->stories(q);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1U);
  EXPECT_EQ((*s)[0].articles[0].record_id, "a");
  q = {};
  q.until = *parse_iso_date("2026-03-31");
  s = store->stories(q);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1U);
  EXPECT_EQ((*s)[0].articles[0].record_id, "a");
  q = {};
  q.text = "\"unbalanced";
  s = store->stories(q);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kInvalidArgument);
}

TEST(StoryClustererTest, AnArticleThatBridgesTwoLikeStoriesMergesThemAndTheOldIdResolves) {
  StoryOptions o;
  o.threshold = 0.3;
  stories::StoryClusterer c(o);
  const stories::TermVector a = {{"w:ceasefire", 1}, {"w:gaza", 1}, {"w:hamas", 1}};
  const stories::TermVector b = {{"w:ceasefire", 1}, {"w:israel", 1}, {"w:talks", 1}};
  const stories::TermVector bridge = {
      {"w:ceasefire", 2}, {"w:gaza", 1}, {"w:israel", 1}, {"w:talks", 1}, {"w:hamas", 1}};
  const stories::Assignment first = c.add(a, 100, "A");
  const stories::Assignment second = c.add(b, 100, "B");
  ASSERT_TRUE(first.created);
  ASSERT_TRUE(second.created);
  const stories::Assignment third = c.add(bridge, 101, "C");
  EXPECT_EQ(third.story_id, first.story_id);
  ASSERT_EQ(third.merged.size(), 1U);
  EXPECT_EQ(third.merged[0], second.story_id);
  const auto changes = c.take_changes();
  bool merged_recorded = false;
  for (const stories::StoryState& s : changes.stories) {
    if (s.id == second.story_id) merged_recorded = s.merged_into == first.story_id;
    if (s.id == first.story_id) EXPECT_EQ(s.num_articles, 3);
  }
  EXPECT_TRUE(merged_recorded);
}

TEST(StoryClustererTest, TheSameSequenceGivesTheSameStories) {
  const std::vector<stories::TermVector> docs = {
      {{"w:a", 1}, {"w:b", 1}}, {{"w:a", 1}, {"w:c", 1}}, {{"w:d", 1}}, {{"w:b", 1}, {"w:a", 2}}};
  std::vector<int64_t> first;
  std::vector<int64_t> second;
  for (auto* out : {&first, &second}) {
    stories::StoryClusterer c;
    for (size_t i = 0; i < docs.size(); ++i)
      out->push_back(c.add(docs[i], static_cast<int32_t>(i), "").story_id);
  }
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace caspian
