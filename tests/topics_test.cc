// Topics: the taxonomy, training and scoring of the linear model, the committed model on the seed
// article, and topics stored and searchable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>

#include "caspian/eval.h"
#include "caspian/ingest.h"
#include "caspian/store.h"
#include "nlp/tokenizer.h"
#include "nlp/topic_model.h"
#include "seed_article.h"
#include "shared_pipeline.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(CASPIAN_SOURCE_DIR) / "data";

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("caspian_topics_test_" + std::to_string(::getpid()) + "_" + name);
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

nlp::TopicTaxonomy taxonomy() {
  auto t = nlp::TopicTaxonomy::load(kData / "topic/iptc-mediatopics.tsv");
  EXPECT_TRUE(t.ok()) << t.status().to_string();
  return std::move(t).value();
}

TEST(TopicTaxonomyTest, KnowsLevelsParentsAndLabels) {
  const nlp::TopicTaxonomy t = taxonomy();
  EXPECT_EQ(t.level_of("medtop:16000000"), 1);
  EXPECT_EQ(t.label_of("medtop:16000000"), "conflict, war and peace");
  EXPECT_EQ(t.level_of("medtop:20000638"), 2);
  EXPECT_EQ(t.lineage("medtop:20000639"),
            (std::vector<std::string>{"medtop:20000639", "medtop:20000638", "medtop:11000000"}));
  EXPECT_EQ(t.lineage("my-label"), std::vector<std::string>{"my-label"});
  EXPECT_EQ(t.level_of("my-label"), 1);
}

TEST(TopicTaxonomyTest, RejectsAnotherFormat) {
  const fs::path p = temp("tax.tsv");
  write(p, "#caspian-taxonomy\t2\n");
  EXPECT_EQ(nlp::TopicTaxonomy::load(p).status().code(), ErrorCode::kUnsupportedVersion);
  write(p, "#caspian-taxonomy\t1\nmedtop:1\tone\t\tlabel\n");
  auto bad = nlp::TopicTaxonomy::load(p);
  EXPECT_EQ(bad.status().code(), ErrorCode::kParseError);
  EXPECT_NE(bad.status().message().find(":2:"), std::string::npos) << bad.status().message();
  fs::remove(p);
}

TEST(TopicExamplesTest, BadLinesNameFileAndLine) {
  const fs::path p = temp("bad.jsonl");
  write(p, "{\"text\":\"a\",\"labels\":[\"x\"]}\n{\"text\":\"b\"}\n");
  auto r = nlp::read_topic_examples(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.jsonl:2: no \"labels\""), std::string::npos)
      << r.status().message();
  fs::remove(p);
}

// A user's own taxonomy: labels the IPTC file does not know are level-1 topics of their own.
TEST(TopicModelTest, TrainsOnAnyLabelsDeterministicallyAndRoundTrips) {
  const fs::path train = temp("train.jsonl");
  std::string lines;
  for (int i = 0; i < 20; ++i) {
    lines +=
        "{\"text\":\"The striker scored a goal in the final match of the league.\",\"labels\":[\"sport\"]}\n";
    lines += "{\"text\":\"Shares fell as the central bank raised interest rates.\",\"labels\":\"money\"}\n";
  }
  write(train, lines);
  const fs::path m1 = temp("m1.bin");
  const fs::path m2 = temp("m2.bin");
  TrainOptions o;
  o.train = {train.string()};
  o.data_dir = kData;
  o.output = m1.string();
  ASSERT_TRUE(caspian::train("topics", o).ok());
  o.output = m2.string();
  ASSERT_TRUE(caspian::train("topics", o).ok());
  std::ifstream a(m1, std::ios::binary), b(m2, std::ios::binary);
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str()) << "the same data give the same model";

  auto model = nlp::TopicModel::load(m1);
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  EXPECT_EQ((*model)->classes(), (std::vector<std::string>{"money", "sport"}));
  Document doc = make_document("", "Investors sold shares after the bank raised rates.");
  nlp::tokenize(doc.text, doc.tokens, doc.sentences);
  const auto topics = (*model)->topics_of(doc, taxonomy());
  ASSERT_FALSE(topics.empty());
  EXPECT_EQ(topics.front().id, "money");
  EXPECT_EQ(topics.front().level, 1);
  EXPECT_GT(topics.front().score, 0.5);

  EvalOptions e;
  e.model = m1.string();
  e.data_dir = kData;
  auto report = evaluate("topics", {train.string()}, e);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_NE(report->find("accuracy 1.0000"), std::string::npos) << *report;

  write(m2, "#caspian-topics\t9\n{}\n");
  EXPECT_EQ(nlp::TopicModel::load(m2).status().code(), ErrorCode::kUnsupportedVersion);
  write(m2, "#caspian-topics\t1\n{\"buckets\":16,\"classes\":[\"a\"],\"rows\":5}\n");
  EXPECT_EQ(nlp::TopicModel::load(m2).status().code(), ErrorCode::kCorrupt);  // cut short
  for (const auto& p : {train, m1, m2}) fs::remove(p);
}

class TopicsStageTest : public SharedPipelineTest {};

// The committed model: the seed article is politics, international relations at level 2.
TEST_F(TopicsStageTest, SeedArticleIsPoliticsAndInternationalRelations) {
  std::optional<Document> d = test_support::seed_article();
  pipeline().run(*d);
  ASSERT_GE(d->topics.size(), 2U);
  EXPECT_EQ(d->topics[0].id, "medtop:11000000");
  EXPECT_EQ(d->topics[0].label, "politics and government");
  bool relations = false;
  for (const Topic& t : d->topics) relations |= t.id == "medtop:20000638" && t.level == 2;
  EXPECT_TRUE(relations);
}

TEST_F(TopicsStageTest, TopicsAreStoredAndFilterSearchEventsAndStories) {
  const fs::path db = temp("store.db");
  {
    auto store = open_store(db.string());
    ASSERT_TRUE(store.ok());
    Document war = analyse(
        "", "Russian drones and missiles strike Kyiv, killing nine civilians, Ukraine says.", "2025-06-01");
    Document match = analyse(
        "", "Real Madrid beat Barcelona 3-1 to win the Spanish league title in football.", "2025-06-01");
    ASSERT_TRUE((*store)->put(war).ok());
    ASSERT_TRUE((*store)->put(match).ok());
    SearchQuery q;
    q.topic = "medtop:15000000";
    auto hits = (*store)->search(q);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1U);
    EXPECT_NE(hits->front().lead.find("Real Madrid"), std::string::npos);
    StoryQuery sq;
    sq.topic = "medtop:16000000";
    auto stories = (*store)->stories(sq);
    ASSERT_TRUE(stories.ok());
    ASSERT_EQ(stories->size(), 1U);
    EventQuery eq;
    eq.topic = "medtop:15000000";
    auto events = (*store)->events(eq);
    ASSERT_TRUE(events.ok());
    for (const StoredEvent& e : *events) EXPECT_EQ(e.article_id, hits->front().article_id);
    auto back = (*store)->get(hits->front().article_id);
    ASSERT_TRUE(back.ok() && back->has_value());
    ASSERT_FALSE((*back)->topics.empty());
    EXPECT_EQ((*back)->topics.front().id, "medtop:15000000");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

}  // namespace
}  // namespace caspian
