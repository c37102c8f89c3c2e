// Tests of the gazetteer (src/kb/gazetteer.h) and the "gazetteer" stage.
#include "kb/gazetteer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;
using kb::Gazetteer;

const fs::path kDataDir = CASPIAN_SOURCE_DIR "/data";
const fs::path kGazetteerDir = kDataDir / "gazetteer";

class GazetteerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = Gazetteer::load(kGazetteerDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    gazetteer_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete gazetteer_;
    gazetteer_ = nullptr;
  }
  static const Gazetteer& g() { return *gazetteer_; }

  static std::vector<std::string> ids(std::string_view name) {
    std::vector<std::string> out;
    for (const kb::NameRef& r : g().lookup(Gazetteer::key(name))) out.push_back(g().entity(r).id);
    return out;
  }
  static bool has(const std::vector<std::string>& v, std::string_view id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  }

  static Gazetteer* gazetteer_;
};
Gazetteer* GazetteerTest::gazetteer_ = nullptr;

TEST_F(GazetteerTest, KeysFoldCasePunctuationAndAccents) {
  EXPECT_EQ(Gazetteer::key("Washington, D.C."), "washington dc");
  EXPECT_EQ(Gazetteer::key("U.S."), "us");
  EXPECT_EQ(Gazetteer::key("Côte d’Ivoire"), "cote divoire");
  EXPECT_EQ(Gazetteer::key("Kassym-Jomart"), "kassym jomart");
  EXPECT_EQ(Gazetteer::key("  ZÜRICH "), "zurich");
  EXPECT_EQ(Gazetteer::key(""), "");
}

TEST_F(GazetteerTest, CountriesByCodeAndCapital) {
  const kb::Country* kz = g().country_by_code("KZ");
  ASSERT_NE(kz, nullptr);
  EXPECT_EQ(kz, g().country_by_code("kaz"));
  EXPECT_EQ(kz->name, "Kazakhstan");
  EXPECT_EQ(kz->alpha3, "KAZ");
  const kb::Place* astana = g().capital_of(*kz);
  ASSERT_NE(astana, nullptr);
  EXPECT_EQ(astana->geonameid, 1526273U);
  EXPECT_EQ(astana->name, "Astana");  // GeoNames says Nur-Sultan; world-countries' name is preferred
  const kb::Country* us = g().country_by_code("USA");
  ASSERT_NE(us, nullptr);
  ASSERT_NE(g().capital_of(*us), nullptr);
  EXPECT_EQ(g().capital_of(*us)->geonameid, 4140963U);
  EXPECT_EQ(g().country_by_code("XX"), nullptr);
  EXPECT_EQ(g().country_by_code(""), nullptr);
}

TEST_F(GazetteerTest, NamesShortFormsAndAdjectives) {
  EXPECT_TRUE(has(ids("Kazakhstan"), "iso3166:KAZ"));
  EXPECT_TRUE(has(ids("Kazakh"), "iso3166:KAZ"));
  EXPECT_TRUE(has(ids("Kazakhstani"), "iso3166:KAZ"));
  EXPECT_TRUE(has(ids("Azerbaijani"), "iso3166:AZE"));
  EXPECT_TRUE(has(ids("Armenian"), "iso3166:ARM"));
  EXPECT_TRUE(has(ids("U.S."), "iso3166:USA"));
  EXPECT_TRUE(has(ids("USA"), "iso3166:USA"));
  EXPECT_TRUE(has(ids("America"), "iso3166:USA"));
  EXPECT_TRUE(has(ids("Britain"), "iso3166:GBR"));
  EXPECT_TRUE(has(ids("UK"), "iso3166:GBR"));
  EXPECT_TRUE(has(ids("UAE"), "iso3166:ARE"));
  EXPECT_TRUE(has(ids("Russia"), "iso3166:RUS"));
  EXPECT_TRUE(has(ids("Astana"), "geonames:1526273"));
  EXPECT_TRUE(has(ids("Nur-Sultan"), "geonames:1526273"));
  EXPECT_TRUE(has(ids("Washington"), "geonames:4140963"));
  EXPECT_TRUE(has(ids("Washington"), "iso3166-2:US-WA"));
  EXPECT_TRUE(has(ids("Caspian Sea"), "feature:caspian-sea"));
  EXPECT_TRUE(has(ids("Nagorno-Karabakh"), "feature:nagorno-karabakh"));
  EXPECT_TRUE(ids("Qwzxv").empty());
}

TEST_F(GazetteerTest, PlaceEntitiesCarryCoordinates) {
  const std::vector<std::string> almaty = ids("Almaty");
  ASSERT_TRUE(has(almaty, "geonames:1526384"));
  const kb::Place* p = g().place_by_id(1526384);
  ASSERT_NE(p, nullptr);
  const Entity e = g().entity(g().lookup("almaty").front());
  EXPECT_EQ(e.kind, EntityKind::kPlace);
  EXPECT_EQ(e.country, "KZ");
  ASSERT_TRUE(e.lat && e.lon);
  EXPECT_NEAR(*e.lat, 43.26, 0.01);
  EXPECT_NEAR(*e.lon, 76.93, 0.01);
  EXPECT_GT(e.population, 1'000'000);
  EXPECT_EQ(e.feature_code, "PPLA");
}

TEST_F(GazetteerTest, AmbiguousWordsAreFlagged) {
  EXPECT_EQ(g().ambiguity("reading"), kb::Ambiguity::kCommonWord);
  EXPECT_EQ(g().ambiguity("police"), kb::Ambiguity::kCommonWord);
  EXPECT_EQ(g().ambiguity("florence"), kb::Ambiguity::kPersonName);
  EXPECT_EQ(g().ambiguity("almaty"), kb::Ambiguity::kNone);
}

// Load time is measured by bench/corpus_runner ("model load"), not here.
TEST_F(GazetteerTest, LoadsEveryFile) {
  auto loaded = Gazetteer::load(kGazetteerDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_FALSE((*loaded)->countries().empty());
  EXPECT_FALSE((*loaded)->places().empty());
  EXPECT_FALSE((*loaded)->subdivisions().empty());
  EXPECT_FALSE((*loaded)->features().empty());
}

// ---- Failure modes: a copy of the gazetteer with one file broken.

class BrokenGazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("caspian_gazetteer_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(kGazetteerDir)) {
      fs::copy_file(entry.path(), dir_ / entry.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file, std::ios::binary | std::ios::trunc) << text;
  }
  fs::path dir_;
};

TEST_F(BrokenGazetteerTest, MissingFileIsNotFound) {
  fs::remove(dir_ / "countries.tsv");
  auto loaded = Gazetteer::load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(loaded.status().message().find("countries.tsv"), std::string::npos);
}

TEST_F(BrokenGazetteerTest, UnknownVersionIsRefused) {
  write("features.tsv", "#caspian-gazetteer-features\t2\n");
  auto loaded = Gazetteer::load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kUnsupportedVersion);
  EXPECT_NE(loaded.status().message().find("features.tsv:1"), std::string::npos);
}

TEST_F(BrokenGazetteerTest, MissingHeaderIsCorrupt) {
  write("ambiguous.tsv", "Reading\tword\n");
  auto loaded = Gazetteer::load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorrupt);
}

TEST_F(BrokenGazetteerTest, BadRowNamesFileAndLine) {
  write("subdivisions.tsv", "#caspian-gazetteer-subdivisions\t1\n#comment\nUS-WA\tWashington\tUS\n");
  auto loaded = Gazetteer::load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(loaded.status().message().find("subdivisions.tsv:3"), std::string::npos)
      << loaded.status().message();
}

TEST_F(BrokenGazetteerTest, TruncatedGzipIsCorrupt) {
  std::ifstream in(dir_ / "places.tsv.gz", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  write("places.tsv.gz", bytes.substr(0, bytes.size() / 2));
  auto loaded = Gazetteer::load(dir_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kCorrupt) << loaded.status().to_string();
}

// ---- The stage.

class PlaceLinkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    res_.data_dir = kDataDir;
    auto stage = stages::make_place_linker(res_);
    ASSERT_TRUE(stage.ok()) << stage.status().to_string();
    stage_ = std::move(stage).value();
  }
  Document run(const std::string& title, const std::string& body) {
    Document doc = make_document(title, body);
    EXPECT_TRUE(stage_->process(doc).ok());
    return doc;
  }
  static std::vector<std::string> linked(const Document& doc, std::string_view surface) {
    std::vector<std::string> out;
    for (const Mention& m : doc.mentions) {
      if (doc.slice(m.span) == surface) out.push_back(m.entity_id);
    }
    return out;
  }
  Resources res_;
  std::unique_ptr<Stage> stage_;
};

TEST_F(PlaceLinkerTest, LoadsGazetteerIntoResources) {
  EXPECT_NE(res_.gazetteer, nullptr);
  EXPECT_EQ(stage_->name(), "gazetteer");
}

TEST_F(PlaceLinkerTest, MissingDataFailsCleanly) {
  Resources res;
  res.data_dir = "/nonexistent/caspian-data";
  auto stage = stages::make_place_linker(res);
  ASSERT_FALSE(stage.ok());
  EXPECT_EQ(stage.status().code(), ErrorCode::kNotFound);
}

TEST_F(PlaceLinkerTest, CountriesAdjectivesAndAcronyms) {
  const Document doc =
      run("", "Kazakh officials met U.S. and UAE envoys; Armenians and the Russia-Ukraine war. Tell us.");
  EXPECT_EQ(linked(doc, "Kazakh"), std::vector<std::string>{"iso3166:KAZ"});
  EXPECT_EQ(linked(doc, "U.S."), std::vector<std::string>{"iso3166:USA"});
  EXPECT_EQ(linked(doc, "UAE"), std::vector<std::string>{"iso3166:ARE"});
  EXPECT_EQ(linked(doc, "Armenians"), std::vector<std::string>{"iso3166:ARM"});
  EXPECT_EQ(linked(doc, "Russia"), std::vector<std::string>{"iso3166:RUS"});
  EXPECT_EQ(linked(doc, "Ukraine"), std::vector<std::string>{"iso3166:UKR"});
  EXPECT_TRUE(linked(doc, "us").empty());
  // A currency is no country: "US$" names dollars.
  EXPECT_TRUE(linked(run("", "The IMF lent US$1.2 billion."), "US").empty());
  for (const Mention& m : doc.mentions) {
    EXPECT_EQ(m.method, "gazetteer");
    EXPECT_FALSE(m.evidence.empty());
    EXPECT_GT(m.confidence, 0.0);
    EXPECT_LE(m.confidence, 1.0);
    EXPECT_NE(doc.find_entity(m.entity_id), nullptr);
  }
}

TEST_F(PlaceLinkerTest, WashingtonIsTheCapitalUnlessTheStateIsMeant) {
  Document doc = run("", "The United States hosted the Washington summit. Talks went on in Washington.");
  EXPECT_EQ(linked(doc, "Washington"), (std::vector<std::string>{"geonames:4140963", "geonames:4140963"}));
  doc = run("", "Wildfires spread in Washington state, officials in Seattle, Washington said.");
  EXPECT_EQ(linked(doc, "Washington"), (std::vector<std::string>{"iso3166-2:US-WA", "iso3166-2:US-WA"}));
  // One sense per article: the state named next to a city settles "eastern Washington".
  doc = run("", "Crews in Spokane, Washington, fought fires as winds swept eastern Washington on Sunday.");
  EXPECT_EQ(linked(doc, "Washington"), (std::vector<std::string>{"iso3166-2:US-WA", "iso3166-2:US-WA"}));
}

TEST_F(PlaceLinkerTest, GeorgiaByContext) {
  Document doc = run("", "Georgia, Armenia and Azerbaijan discussed transit. Tbilisi hosted the talks.");
  EXPECT_EQ(linked(doc, "Georgia"), std::vector<std::string>{"iso3166:GEO"});
  doc = run("",
            "Voters in Atlanta, Georgia went to the polls as Texas and Florida counted ballots in the United "
            "States.");
  EXPECT_EQ(linked(doc, "Georgia"), std::vector<std::string>{"iso3166-2:US-GA"});
}

TEST_F(PlaceLinkerTest, QualifierPicksThePlace) {
  const Document doc = run("", "The plant near Aktau, Kazakhstan was closed.");
  ASSERT_EQ(linked(doc, "Aktau").size(), 1U);
  const Entity* e = doc.find_entity(linked(doc, "Aktau").front());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->country, "KZ");
}

TEST_F(PlaceLinkerTest, CommonWordsAreNotPlaces) {
  const Document doc =
      run("",
          "Police said most of the reading was nice. Reading the report, May and Florence Smith "
          "left in March. Mobile phones split the vote. Of course, young people voted.");
  for (const Mention& m : doc.mentions) ADD_FAILURE() << "junk place: " << doc.slice(m.span);
}

TEST_F(PlaceLinkerTest, PlaceInsideAPersonNameIsSkipped) {
  const Document doc = run("", "The historian George Washington Carver spoke. Jordan Peterson arrived.");
  EXPECT_TRUE(linked(doc, "Washington").empty());
  EXPECT_TRUE(linked(doc, "Jordan").empty());
}

TEST_F(PlaceLinkerTest, SmallForeignTownsNeedContext) {
  // Many GeoNames towns share English names; without their country in the
  // article they stay unlinked.
  const Document doc = run("", "The Armenian delegation visited Dayton and Greenwich before flying home.");
  EXPECT_TRUE(linked(doc, "Greenwich").empty());
}

TEST_F(PlaceLinkerTest, TitleCaseHeadlineNeedsSupport) {
  const Document doc =
      run("Key Platform For Joint Accord Signed In Almaty", "Officials in Almaty, Kazakhstan met.");
  EXPECT_EQ(linked(doc, "Almaty").size(), 2U);
  EXPECT_TRUE(linked(doc, "Key").empty());
  EXPECT_TRUE(linked(doc, "Platform").empty());
}

TEST_F(PlaceLinkerTest, RespectsSentenceBoundaries) {
  // Without sentences "Abu. Dhabi" could never join; with a sentence split
  // between "Abu" and "Dhabi" the two words must not form a name either.
  Document doc = make_document("", "They met in Abu Dhabi.");
  doc.sentences.push_back({{0, 16}, 0, 0});   // "They met in Abu "
  doc.sentences.push_back({{16, 22}, 0, 0});  // "Dhabi."
  ASSERT_TRUE(stage_->process(doc).ok());
  EXPECT_TRUE(linked(doc, "Abu Dhabi").empty());
}

TEST_F(PlaceLinkerTest, ToleratesOddInput) {
  for (const std::string body :
       {"", " ", "\n\n", "U.", "'s", "A-", "-B", "Ab-Cd-", "\xC3\xA9", "U.S", "X.Y.Z."}) {
    Document doc = make_document("", body);
    EXPECT_TRUE(stage_->process(doc).ok()) << body;
  }
}

}  // namespace
}  // namespace caspian
