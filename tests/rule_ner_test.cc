// Tests of the "rule_ner" stage, run after "gazetteer" as in the pipeline,
// including the acceptance test on the seed article.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "kb/gazetteer.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

const fs::path kDataDir = CASPIAN_SOURCE_DIR "/data";
const fs::path kSeedArticle = CASPIAN_SOURCE_DIR "/../shared/seed/almaty.txt";

class RuleNerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    res_ = new Resources();
    res_->data_dir = kDataDir;
    auto g = stages::make_place_linker(*res_);
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    gazetteer_ = std::move(g).value().release();
    auto r = stages::make_rule_ner(*res_);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    rule_ner_ = std::move(r).value().release();
  }
  static void TearDownTestSuite() {
    delete rule_ner_;
    delete gazetteer_;
    delete res_;
  }

  static Document run(Document doc) {
    EXPECT_TRUE(gazetteer_->process(doc).ok());
    EXPECT_TRUE(rule_ner_->process(doc).ok());
    return doc;
  }
  static Document run(const std::string& title, const std::string& body) {
    return run(make_document(title, body));
  }

  static const Mention* find(const Document& doc, std::string_view surface, size_t nth = 0) {
    for (const Mention& m : doc.mentions) {
      if (doc.slice(m.span) == surface && nth-- == 0) return &m;
    }
    return nullptr;
  }
  static size_t count_id(const Document& doc, std::string_view id) {
    return static_cast<size_t>(std::count_if(doc.mentions.begin(), doc.mentions.end(),
                                             [&](const Mention& m) { return m.entity_id == id; }));
  }

  static Resources* res_;
  static Stage* gazetteer_;
  static Stage* rule_ner_;
};
Resources* RuleNerTest::res_ = nullptr;
Stage* RuleNerTest::gazetteer_ = nullptr;
Stage* RuleNerTest::rule_ner_ = nullptr;

TEST_F(RuleNerTest, Name) {
  EXPECT_EQ(rule_ner_->name(), "rule_ner");
}

TEST_F(RuleNerTest, TitledPeopleAndLaterSurnames) {
  const Document doc =
      run("Pashinyan Visits Astana",
          "Armenian Prime Minister Nikol Pashinyan met Kazakh President Kassym-Jomart Tokayev. "
          "Later, Pashinyan said the talks with Tokayev went well, and Dr. Jane Q. Doe agreed.");
  for (std::string_view s : {"Nikol Pashinyan", "Kassym-Jomart Tokayev", "Jane Q. Doe"}) {
    const Mention* m = find(doc, s);
    ASSERT_NE(m, nullptr) << s;
    EXPECT_EQ(m->kind, EntityKind::kPerson);
    EXPECT_EQ(m->method, "rules");
    EXPECT_NE(m->evidence.find("title"), std::string::npos);
  }
  EXPECT_EQ(find(doc, "Nikol Pashinyan")->entity_id, "person:nikol-pashinyan");
  EXPECT_EQ(count_id(doc, "person:nikol-pashinyan"), 3U);  // headline, full name, surname
  EXPECT_EQ(count_id(doc, "person:kassym-jomart-tokayev"), 2U);
  const Entity* e = doc.find_entity("person:kassym-jomart-tokayev");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EntityKind::kPerson);
  // The adjectives stay linked to their countries.
  ASSERT_NE(find(doc, "Armenian"), nullptr);
  EXPECT_EQ(find(doc, "Armenian")->entity_id, "iso3166:ARM");
}

TEST_F(RuleNerTest, OrganisationsAndRemovalOfInnerPlaces) {
  const Document doc =
      run("",
          "The position of The Astana Times differs from the Washington Post and Bank of America. "
          "The Ministry of Foreign Affairs of Azerbaijan replied.");
  const Mention* times = find(doc, "The Astana Times");
  ASSERT_NE(times, nullptr);
  EXPECT_EQ(times->kind, EntityKind::kOrganization);
  EXPECT_EQ(times->entity_id, "org:astana-times");
  EXPECT_EQ(find(doc, "Astana"), nullptr);
  ASSERT_NE(find(doc, "Washington Post"), nullptr);
  EXPECT_EQ(find(doc, "Washington"), nullptr);
  ASSERT_NE(find(doc, "Bank of America"), nullptr);
  EXPECT_EQ(find(doc, "America"), nullptr);
  const Mention* ministry = find(doc, "Ministry of Foreign Affairs");
  ASSERT_NE(ministry, nullptr);
  EXPECT_EQ(ministry->entity_id, "org:ministry-of-foreign-affairs");
  ASSERT_NE(find(doc, "Azerbaijan"), nullptr);  // outside the organisation's name
}

TEST_F(RuleNerTest, AcronymsAreOrganisations) {
  const Document doc = run("",
                           "NATO and the OSCE met the Collective Security Treaty Organization (CSTO). "
                           "The CEO said GDP grew; CSTO members agreed.");
  for (std::string_view s : {"NATO", "OSCE", "CSTO"}) {
    const Mention* m = find(doc, s);
    ASSERT_NE(m, nullptr) << s;
    EXPECT_EQ(m->kind, EntityKind::kOrganization);
  }
  EXPECT_EQ(find(doc, "CEO"), nullptr);
  EXPECT_EQ(find(doc, "GDP"), nullptr);
}

TEST_F(RuleNerTest, NoNamesFromOrdinaryCapitalisedWords) {
  const Document doc =
      run("", "In a significant development, the talks resumed. However, Since then nothing moved.");
  for (const Mention& m : doc.mentions) ADD_FAILURE() << "junk: " << doc.slice(m.span);
}

TEST_F(RuleNerTest, ToleratesOddInput) {
  for (const std::string body : {"", "President", "President .", "Dr.", "The Times", "(CSTO",
                                 "A B C D E F G H", "Mr. al-", "\xE2\x80\x99s"}) {
    Document doc = run("", body);
    (void)doc;
  }
}

// ---- Acceptance: the seed article.

Document seed_document() {
  std::ifstream in(kSeedArticle);
  std::string headline;
  std::getline(in, headline);
  std::stringstream rest;
  rest << in.rdbuf();
  Document doc = make_document(headline, rest.str());
  doc.published =
      std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::August, std::chrono::day{20}};
  return doc;
}

TEST_F(RuleNerTest, SeedArticle) {
  if (!fs::exists(kSeedArticle)) GTEST_SKIP() << kSeedArticle << " not found";
  const Document doc = run(seed_document());

  auto linked = [&](std::string_view surface, std::string_view id) {
    for (const Mention& m : doc.mentions) {
      if (doc.slice(m.span) == surface && m.entity_id == id) return true;
    }
    return false;
  };
  EXPECT_TRUE(linked("Almaty", "geonames:1526384"));
  const Entity* almaty = doc.find_entity("geonames:1526384");
  ASSERT_NE(almaty, nullptr);
  EXPECT_EQ(almaty->country, "KZ");
  ASSERT_TRUE(almaty->lat && almaty->lon);
  EXPECT_NEAR(*almaty->lat, 43.26, 0.01);
  EXPECT_NEAR(*almaty->lon, 76.93, 0.01);

  EXPECT_TRUE(linked("Kazakhstan", "iso3166:KAZ"));
  EXPECT_TRUE(linked("Azerbaijan", "iso3166:AZE"));
  EXPECT_TRUE(linked("Azerbaijani", "iso3166:AZE"));
  EXPECT_TRUE(linked("Armenia", "iso3166:ARM"));
  EXPECT_TRUE(linked("Armenian", "iso3166:ARM"));
  EXPECT_TRUE(linked("United States", "iso3166:USA"));
  EXPECT_TRUE(linked("U.S.", "iso3166:USA"));
  EXPECT_TRUE(linked("Washington", "geonames:4140963"));
  EXPECT_TRUE(linked("Abu Dhabi", "geonames:292968"));
  EXPECT_EQ(doc.find_entity("geonames:292968")->country, "AE");
  EXPECT_TRUE(linked("Caspian Sea", "feature:caspian-sea"));
  EXPECT_EQ(doc.find_entity("feature:caspian-sea")->kind, EntityKind::kFeature);

  // Every Washington is the US capital; evidence says why.
  for (const Mention& m : doc.mentions) {
    if (doc.slice(m.span) != "Washington") continue;
    EXPECT_EQ(m.entity_id, "geonames:4140963");
    EXPECT_NE(m.evidence.find("capital of US"), std::string::npos) << m.evidence;
  }

  for (std::string_view person : {"person:nikol-pashinyan", "person:kassym-jomart-tokayev"}) {
    const Entity* e = doc.find_entity(person);
    ASSERT_NE(e, nullptr) << person;
    EXPECT_EQ(e->kind, EntityKind::kPerson);
    bool by_rules = false;
    for (const Mention& m : doc.mentions) by_rules |= m.entity_id == person && m.method == "rules";
    EXPECT_TRUE(by_rules) << person;
  }
  EXPECT_TRUE(linked("Nikol Pashinyan", "person:nikol-pashinyan"));
  EXPECT_TRUE(linked("Kassym-Jomart Tokayev", "person:kassym-jomart-tokayev"));

  const Mention* times = find(doc, "The Astana Times");
  ASSERT_NE(times, nullptr);
  EXPECT_EQ(times->kind, EntityKind::kOrganization);
  EXPECT_EQ(times->entity_id, "org:astana-times");
  EXPECT_EQ(find(doc, "Astana"), nullptr) << "no place mention inside 'The Astana Times'";

  const Mention* route = find(doc, "Trans-Caspian International Transportation Route");
  ASSERT_NE(route, nullptr);
  EXPECT_TRUE(route->kind == EntityKind::kMisc || route->kind == EntityKind::kOrganization);

  // Structural guarantees.
  for (const Mention& m : doc.mentions) {
    EXPECT_LT(m.span.begin, m.span.end);
    EXPECT_LE(m.span.end, doc.text.size());
    EXPECT_NE(doc.find_entity(m.entity_id), nullptr) << m.entity_id;
    EXPECT_TRUE(m.method == "gazetteer" || m.method == "rules");
    if (m.method == "rules") {
      EXPECT_TRUE(m.kind == EntityKind::kPerson || m.kind == EntityKind::kOrganization ||
                  m.kind == EntityKind::kMisc);
    }
  }
  // Nothing junky: every place-like mention is one of the expected entities.
  for (const Mention& m : doc.mentions) {
    if (m.method != "gazetteer") continue;
    const std::string& id = m.entity_id;
    EXPECT_TRUE(id == "geonames:1526384" || id == "iso3166:KAZ" || id == "iso3166:AZE" ||
                id == "iso3166:ARM" || id == "iso3166:USA" || id == "geonames:4140963" ||
                id == "geonames:292968" || id == "feature:caspian-sea")
        << "unexpected " << id << " for '" << doc.slice(m.span) << "'";
  }
}

TEST_F(RuleNerTest, SeedArticleWithSentencesGivesTheSameEntities) {
  if (!fs::exists(kSeedArticle)) GTEST_SKIP() << kSeedArticle << " not found";
  const Document plain = run(seed_document());
  // Crude sentences: split after ". " and at newlines, as a tokenizer would.
  Document doc = seed_document();
  uint32_t start = 0;
  for (uint32_t i = 0; i < doc.text.size(); ++i) {
    const bool end =
        doc.text[i] == '\n' || (doc.text[i] == '.' && i + 1 < doc.text.size() && doc.text[i + 1] == ' ');
    if (end) {
      doc.sentences.push_back({{start, i + 1}, 0, 0});
      start = i + 1;
    }
  }
  if (start < doc.text.size())
    doc.sentences.push_back({{start, static_cast<uint32_t>(doc.text.size())}, 0, 0});
  doc = run(std::move(doc));
  std::vector<std::string> a, b;
  for (const Entity& e : plain.entities) a.push_back(e.id);
  for (const Entity& e : doc.entities) b.push_back(e.id);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  for (const Mention& m : doc.mentions) EXPECT_EQ(m.sentence, doc.sentence_at(m.span.begin));
}

}  // namespace
}  // namespace caspian
