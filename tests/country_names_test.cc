// Country names in other languages than English (src/kb/country_names.h, the "country-names"
// stage): the data file and its loader's errors, the matcher (whole words, runs of Han and Kana,
// longest match, Arabic proclitics), short news paragraphs in Russian, Chinese, French, German,
// Arabic and Japanese linking their countries, English articles unchanged, and a stored Russian
// article found by `search --entity`.
#include "kb/country_names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "caspian/pipeline.h"
#include "caspian/store.h"
#include "cli_runner.h"
#include "shared_pipeline.h"
#include "temp_dir_test_base.h"

namespace caspian {
namespace {

const std::string kNamesPath = CASPIAN_SOURCE_DIR "/data/gazetteer/country_names.tsv";

const kb::CountryNames& names() {
  static const auto n = kb::CountryNames::load(kNamesPath);
  EXPECT_TRUE(n.ok()) << n.status().to_string();
  return *n;
}

// The surfaces and countries find() returns.
std::vector<std::string> found(std::string_view language, std::string_view text) {
  std::vector<std::string> out;
  for (const kb::CountryNameMatch& m : names().find(language, text)) {
    out.push_back(std::string(text.substr(m.span.begin, m.span.size())) + "=" + std::string(m.alpha2));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(CountryNamesTest, TheFileHasNamesInTheLanguagesOfTheRegionAndOfTheNews) {
  EXPECT_GT(names().size(), 20000u);
  for (const char* lang :
       {"ru", "zh", "fr", "de", "ar", "ja", "es", "tr", "fa", "uk", "kk", "az", "hy", "ka"}) {
    EXPECT_GE(names().size(lang), 200u) << lang;
  }
  EXPECT_FALSE(names().has_language("en")) << "English names are the gazetteer's";
  EXPECT_TRUE(names().find("en", "Russia").empty());
  EXPECT_TRUE(names().find("xx", "Россия").empty());
}

TEST(CountryNamesTest, WholeWordsInSpacedScriptsLongestFirst) {
  EXPECT_EQ(found("ru", "Россия и Казахстан"), (V{"Россия=RU", "Казахстан=KZ"}));
  EXPECT_EQ(found("ru", "РОССИЯ"), (V{"РОССИЯ=RU"})) << "case folded";
  EXPECT_EQ(found("ru", "Российская  Федерация"), (V{"Российская  Федерация=RU"})) << "one mention, spaces";
  EXPECT_TRUE(found("ru", "Россиянин").empty()) << "not inside a word";
  EXPECT_EQ(found("ru", "России, Казахстана, Китае и Украиной"),
            (V{"России=RU", "Казахстана=KZ", "Китае=CN", "Украиной=UA"}))
      << "Russian case endings";
  EXPECT_TRUE(found("ru", "Россиями Казахстанский").empty()) << "not any ending";
  EXPECT_TRUE(found("de", "Kasachstans").empty()) << "inflected forms elsewhere are not recognised";
  EXPECT_EQ(found("fr", "la République d’Arménie"), (V{"République d’Arménie=AM"}));
  EXPECT_EQ(found("de", "(Aserbaidschan)."), (V{"Aserbaidschan=AZ"}));
  EXPECT_TRUE(found("hr", "mali grad").empty()) << "a country name that is a common word is dropped";
}

TEST(CountryNamesTest, HanAndKanaMatchInsideARunAndArabicTakesAProclitic) {
  EXPECT_EQ(found("zh", "阿塞拜疆总统与俄罗斯总统会谈"), (V{"阿塞拜疆=AZ", "俄罗斯=RU"}));
  EXPECT_EQ(found("zh", "俄罗斯联邦"), (V{"俄罗斯联邦=RU"}));
  EXPECT_EQ(found("ja", "ロシアとカザフスタンの首脳"), (V{"ロシア=RU", "カザフスタン=KZ"}));
  EXPECT_EQ(found("ar", "بين روسيا وكازاخستان"), (V{"روسيا=RU", "كازاخستان=KZ"}));
  EXPECT_EQ(found("ja", "ロシア・ウクライナ"), (V{"ロシア=RU", "ウクライナ=UA"}));
  EXPECT_TRUE(found("ja", "タイトルとネクタイ").empty()) << "inside a katakana word";
  EXPECT_EQ(found("ko", "러시아는 이란과"), (V{"러시아=RU", "이란=IR"})) << "particles attached";
  EXPECT_TRUE(found("ko", "사랑이란 무엇인가").empty()) << "Hangul names start a word";
}

TEST(CountryNamesTest, TheLoaderRefusesMalformedFiles) {
  const std::string header = "#caspian-gazetteer-country-names\t1\n#alpha2\tlanguage\tname\n";
  auto ok = kb::CountryNames::parse(header + "RU\tru\tРоссия\n\nKZ\tru\tКазахстан\r\n", "t.tsv");
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->size(), 2u);
  EXPECT_EQ(ok->find("ru", "Казахстан").size(), 1u);
  const auto code = [](const std::string& text) {
    return kb::CountryNames::parse(text, "t.tsv").status().code();
  };
  EXPECT_EQ(code(""), ErrorCode::kCorrupt);
  EXPECT_EQ(code("#caspian-gazetteer-countries\t1\n"), ErrorCode::kCorrupt);
  EXPECT_EQ(code("#caspian-gazetteer-country-names\tone\n"), ErrorCode::kCorrupt);
  EXPECT_EQ(code("#caspian-gazetteer-country-names\t2\n"), ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(code(header + "RU\tru\n"), ErrorCode::kCorrupt);
  EXPECT_EQ(code(header + "rus\tru\tРоссия\n"), ErrorCode::kCorrupt);
  EXPECT_EQ(code(header + "RU\t\tРоссия\n"), ErrorCode::kCorrupt);
  EXPECT_EQ(code(header + "RU\tru\t\xff\n"), ErrorCode::kCorrupt);
  const Status bad = kb::CountryNames::parse(header + "RU\tru\n", "t.tsv").status();
  EXPECT_NE(bad.message().find("t.tsv:3:"), std::string::npos) << bad.message();
  EXPECT_EQ(kb::CountryNames::load("/nonexistent/country_names.tsv").status().code(), ErrorCode::kNotFound);
}

// The countries the stage's mentions link to, and checks that they are well-formed.
std::set<std::string> linked(const Document& d) {
  std::set<std::string> ids;
  for (const Mention& m : d.mentions) {
    if (m.method != "country-names") continue;
    EXPECT_EQ(m.kind, EntityKind::kCountry);
    EXPECT_GT(m.confidence, 0.5);
    EXPECT_EQ(m.sentence, d.sentence_at(m.span.begin));
    const Entity* e = d.find_entity(m.entity_id);
    EXPECT_NE(e, nullptr) << m.entity_id;
    if (e == nullptr) continue;
    EXPECT_EQ(e->kind, EntityKind::kCountry);
    EXPECT_EQ(e->country.size(), 2u);
    EXPECT_TRUE(e->lat.has_value() && e->lon.has_value()) << e->id;
    ids.insert(m.entity_id);
  }
  return ids;
}

struct Paragraph {
  const char* code;
  const char* title;
  const char* body;
  std::set<std::string> countries;
};

// Written for this test.
const Paragraph kParagraphs[] = {
    {"ru",
     "Переговоры в Астане",
     "Россия и Казахстан подписали во вторник соглашение о поставках газа. Президенты двух стран "
     "встретились в Астане, где также обсудили строительство нового трубопровода через Каспийское море.",
     {"iso3166:RUS", "iso3166:KAZ"}},
    {"zh",
     "阿塞拜疆与亚美尼亚会谈",
     "阿塞拜疆和亚美尼亚两国外交部长周二举行会谈，讨论和平条约问题。俄罗斯表示支持双方继续对话，"
     "官员说下一轮谈判将于下个月举行。",
     {"iso3166:AZE", "iso3166:ARM", "iso3166:RUS"}},
    {"fr",
     "Accord de paix dans le Caucase",
     "L'Arménie et l'Azerbaïdjan ont annoncé mardi un accord de principe sur le tracé de leur frontière. "
     "Selon les responsables, la Géorgie a proposé d'accueillir la prochaine série de négociations.",
     {"iso3166:ARM", "iso3166:AZE", "iso3166:GEO"}},
    {"de",
     "Gespräche über eine Pipeline",
     "Aserbaidschan und Turkmenistan wollen eine Gasleitung durch das Kaspische Meer bauen. Die "
     "Regierungen beider Länder unterzeichneten am Dienstag eine Absichtserklärung, teilte das "
     "Außenministerium mit.",
     {"iso3166:AZE", "iso3166:TKM"}},
    {"ar",
     "محادثات في باكو",
     "التقى وزيرا خارجية أذربيجان وإيران يوم الثلاثاء في باكو لمناقشة التعاون في مجال الطاقة. وقال "
     "مسؤولون إن المحادثات كانت بناءة وإن جولة جديدة ستعقد الشهر المقبل في طهران.",
     {"iso3166:AZE", "iso3166:IRN"}},
    {"ja",
     "カザフスタンとウズベキスタンが協議",
     "カザフスタンとウズベキスタンの首脳は火曜日、水資源の共同管理について協議した。当局者によると、"
     "会談は建設的なもので、来月にも次の協議が行われる予定だという。",
     {"iso3166:KAZ", "iso3166:UZB"}},
};

TEST(CountryNameStageTest, ParagraphsInSixLanguagesLinkTheirCountries) {
  for (const Paragraph& p : kParagraphs) {
    Document d = dated_article(p.title, p.body);
    default_pipeline().run(d);
    EXPECT_EQ(d.language, p.code) << p.body;
    // The stage's countries and those the English gazetteer finds spelt as in English
    // ("Turkmenistan" in German) together.
    EXPECT_FALSE(linked(d).empty()) << p.code;
    std::set<std::string> countries;
    for (const Mention& m : d.mentions) {
      if (m.kind == EntityKind::kCountry) countries.insert(m.entity_id);
    }
    EXPECT_EQ(countries, p.countries) << p.code;
    for (const StageIssue& i : d.issues) EXPECT_NE(i.stage, "country-names") << i.message;
    // Mentions never overlap (the gazetteer's and this stage's).
    std::vector<Span> spans;
    for (const Mention& m : d.mentions) spans.push_back(m.span);
    std::sort(spans.begin(), spans.end(), [](Span a, Span b) { return a.begin < b.begin; });
    for (size_t i = 1; i < spans.size(); ++i) EXPECT_LE(spans[i - 1].end, spans[i].begin) << p.code;
  }
}

TEST(CountryNameStageTest, EnglishArticlesAreAsBefore) {
  std::vector<std::string> without = stage_names();
  without.erase(std::find(without.begin(), without.end(), "country-names"));
  auto old = Pipeline::create({.stages = without});
  ASSERT_TRUE(old.ok()) << old.status().to_string();
  Document a = dated_article(
      "Russia and Kazakhstan sign a gas deal",
      "Russia and Kazakhstan signed a gas supply agreement on Tuesday in Astana. The presidents "
      "of the two countries also discussed a new pipeline across the Caspian Sea.");
  Document b = a;
  default_pipeline().run(a);
  old->run(b);
  EXPECT_EQ(a.language, "en");
  EXPECT_EQ(a, b);
  EXPECT_TRUE(linked(a).empty());
  EXPECT_NE(a.find_entity("iso3166:KAZ"), nullptr) << "the English gazetteer links it";
}

class CountryNameStoreTest : public test_support::TempDirTest {
 protected:
  CountryNameStoreTest() : TempDirTest("caspian_country_names_test_") {}
};

TEST_F(CountryNameStoreTest, AStoredRussianArticleIsFoundByItsCountries) {
  const std::string db = (dir_ / "n.db").string();
  {
    auto store = open_store(db);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    for (const Paragraph& p : kParagraphs) {
      Document d = dated_article(p.title, p.body);
      d.url = std::string("https://example.org/") + p.code;
      default_pipeline().run(d);
      ASSERT_TRUE((*store)->put(d).ok());
    }
    SearchQuery q;
    q.entity_ids = {"iso3166:KAZ"};
    auto r = (*store)->search(q);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    std::set<std::string> urls;
    for (const SearchHit& h : *r) urls.insert(h.url);
    EXPECT_EQ(urls, (std::set<std::string>{"https://example.org/ru", "https://example.org/ja"}));
  }
  // The command line: `caspian search --entity`.
  const auto run =
      testing::run_cli("search --db " + db + " --format json --entity iso3166:RUS --language ru");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto hits = nlohmann::json::parse(run.out);
  ASSERT_EQ(hits.size(), 1u) << run.out;
  EXPECT_EQ(hits[0]["url"], "https://example.org/ru");
}

}  // namespace
}  // namespace caspian
