// Tests of the "ner" stage (src/kb/entity_linker.cc): the trained recogniser merged with the
// gazetteer's places, run after tokenize, pos and gazetteer as in the pipeline, including the
// acceptance test on the seed article.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

const fs::path kDataDir = CASPIAN_SOURCE_DIR "/data";
const fs::path kSeedArticle = CASPIAN_SOURCE_DIR "/data/corpus/almaty.txt";

class EntityLinkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PipelineOptions options;
    options.data_dir = kDataDir;
    options.stages = {"tokenize", "gazetteer", "ner"};
    auto p = Pipeline::create(options);
    ASSERT_TRUE(p.ok()) << p.status().to_string();
    pipeline_ = new Pipeline(std::move(p).value());
  }
  static void TearDownTestSuite() { delete pipeline_; }

  static Document run(Document doc) {
    pipeline_->run(doc);
    EXPECT_TRUE(doc.issues.empty()) << doc.issues.front().message;
    return doc;
  }
  static Document run(const std::string& title, const std::string& body) {
    return run(make_document(title, body));
  }
  static const Mention* find(const Document& doc, std::string_view surface) {
    for (const Mention& m : doc.mentions) {
      if (doc.slice(m.span) == surface) return &m;
    }
    return nullptr;
  }

  static Pipeline* pipeline_;
};
Pipeline* EntityLinkerTest::pipeline_ = nullptr;

TEST_F(EntityLinkerTest, Name) {
  Resources res;
  res.data_dir = kDataDir;
  auto stage = make_stage("ner", res);
  ASSERT_TRUE(stage.ok()) << stage.status().to_string();
  EXPECT_EQ((*stage)->name(), "ner");
}

TEST_F(EntityLinkerTest, PeopleOrganisationsAndSurnames) {
  const Document doc = run("",
                           "Prime Minister Nikol Pashinyan met officials of the European Union in Brussels. "
                           "Pashinyan said the talks with the United Nations were useful.");
  const Mention* full = find(doc, "Nikol Pashinyan");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->kind, EntityKind::kPerson);
  EXPECT_EQ(full->method, "ner");
  EXPECT_EQ(full->entity_id, "person:nikol-pashinyan");
  const Mention* surname = find(doc, "Pashinyan");
  ASSERT_NE(surname, nullptr);
  EXPECT_EQ(surname->entity_id, "person:nikol-pashinyan");
  const Mention* eu = find(doc, "European Union");
  ASSERT_NE(eu, nullptr);
  EXPECT_EQ(eu->kind, EntityKind::kOrganization);
  EXPECT_EQ(eu->entity_id, "org:european-union");
  const Mention* brussels = find(doc, "Brussels");
  ASSERT_NE(brussels, nullptr);
  EXPECT_EQ(brussels->method, "gazetteer");  // the gazetteer's linked place is kept
}

TEST_F(EntityLinkerTest, PlacesInsideNamesAreRemoved) {
  const Document doc = run("", "The report was published by The Astana Times on Monday.");
  // CoNLL-style spans leave out the article: "Astana Times".
  const Mention* times = find(doc, "Astana Times");
  ASSERT_NE(times, nullptr);
  EXPECT_EQ(times->kind, EntityKind::kOrganization);
  EXPECT_EQ(times->entity_id, "org:astana-times");
  EXPECT_EQ(find(doc, "Astana"), nullptr);
}

TEST_F(EntityLinkerTest, TitleCaseHeadlinesKeepOnlyNamesFromTheBody) {
  const Document doc = run("Capital City Almaty Contributed as Key Platform for Joint Accord",
                           "Officials in Almaty said the accord was signed in Abu Dhabi.");
  for (const Mention& m : doc.mentions) {
    if (m.span.end > doc.body_offset) continue;
    EXPECT_NE(m.method, "ner") << "headline span '" << doc.slice(m.span) << "'";
  }
  const Mention* almaty = find(doc, "Almaty");
  ASSERT_NE(almaty, nullptr);
  EXPECT_EQ(almaty->entity_id, "geonames:1526384");
}

TEST_F(EntityLinkerTest, ToleratesOddInput) {
  for (const std::string& body :
       {std::string(), std::string("...."), std::string(5000, 'A'),
        std::string("\xC3\xA9t\xC3\xA9 \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0")}) {
    const Document doc = run("", body);
    for (const Mention& m : doc.mentions) {
      EXPECT_LT(m.span.begin, m.span.end);
      EXPECT_LE(m.span.end, doc.text.size());
    }
  }
}

Document seed_document() {
  std::ifstream in(kSeedArticle);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const size_t nl = text.find('\n');
  Document doc = make_document(text.substr(0, nl), text.substr(nl + 1));
  doc.published =
      std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::August, std::chrono::day{20}};
  return doc;
}

TEST_F(EntityLinkerTest, SeedArticle) {
  ASSERT_TRUE(fs::exists(kSeedArticle)) << kSeedArticle;
  const Document doc = run(seed_document());
  auto linked = [&](std::string_view surface, std::string_view id) {
    for (const Mention& m : doc.mentions) {
      if (doc.slice(m.span) == surface && m.entity_id == id) return true;
    }
    return false;
  };
  EXPECT_TRUE(linked("Almaty", "geonames:1526384"));
  EXPECT_TRUE(linked("Kazakhstan", "iso3166:KAZ"));
  EXPECT_TRUE(linked("Azerbaijan", "iso3166:AZE"));
  EXPECT_TRUE(linked("Armenia", "iso3166:ARM"));
  EXPECT_TRUE(linked("United States", "iso3166:USA"));
  EXPECT_TRUE(linked("Washington", "geonames:4140963"));
  EXPECT_TRUE(linked("Abu Dhabi", "geonames:292968"));
  EXPECT_TRUE(linked("Caspian Sea", "feature:caspian-sea"));
  EXPECT_TRUE(linked("Nikol Pashinyan", "person:nikol-pashinyan"));
  EXPECT_TRUE(linked("Kassym-Jomart Tokayev", "person:kassym-jomart-tokayev"));
  const Mention* times = find(doc, "Astana Times");
  ASSERT_NE(times, nullptr);
  EXPECT_EQ(times->kind, EntityKind::kOrganization);
  EXPECT_EQ(find(doc, "Astana"), nullptr) << "no place mention inside 'The Astana Times'";
  const Mention* route = find(doc, "Trans-Caspian International Transportation Route");
  ASSERT_NE(route, nullptr);
  EXPECT_TRUE(route->kind == EntityKind::kMisc || route->kind == EntityKind::kOrganization);
  EXPECT_EQ(route->method, "ner");

  for (const Mention& m : doc.mentions) {
    EXPECT_LT(m.span.begin, m.span.end);
    EXPECT_LE(m.span.end, doc.text.size());
    EXPECT_TRUE(m.method == "gazetteer" || m.method == "ner") << m.method;
    if (!m.entity_id.empty()) EXPECT_NE(doc.find_entity(m.entity_id), nullptr) << m.entity_id;
  }
  // No two mentions overlap.
  std::vector<Span> spans;
  for (const Mention& m : doc.mentions) spans.push_back(m.span);
  std::sort(spans.begin(), spans.end(), [](Span a, Span b) { return a.begin < b.begin; });
  for (size_t i = 1; i < spans.size(); ++i) EXPECT_LE(spans[i - 1].end, spans[i].begin);
}

}  // namespace
}  // namespace caspian
