// Language identification (src/nlp/language.h, the "language" stage): short news paragraphs in
// fifteen languages, the code mapping and fallbacks, English-only stages skipping other languages
// with the skip recorded, non-Latin articles stored and found by search, and the Chinese and
// Russian pages of the Common Crawl WARC fixture (tests/data/warc, from resiliparse, Apache-2.0).
#include "nlp/language.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "caspian/ingest.h"
#include "caspian/pipeline.h"
#include "caspian/store.h"
#include "shared_pipeline.h"
#include "store/fts_tokenizer.h"
#include "temp_dir_test_base.h"

namespace caspian {
namespace {

struct Sample {
  const char* code;
  const char* text;
};

// Two or three sentences of news in each language, written for this test.
const Sample kSamples[] = {
    {"en",
     "The foreign ministers of Armenia and Azerbaijan met in Geneva on Tuesday to discuss a peace treaty. "
     "Officials said the talks were constructive and that a further round would follow next month."},
    {"fr",
     "Les ministres des Affaires étrangères se sont réunis mardi à Genève pour discuter d'un traité de paix. "
     "Selon des responsables, les négociations ont été constructives et une nouvelle série de discussions "
     "aura lieu le mois prochain."},
    {"de",
     "Die Außenminister beider Länder trafen sich am Dienstag in Genf, um über einen Friedensvertrag zu "
     "sprechen. Nach Angaben von Beamten verliefen die Gespräche konstruktiv, eine weitere Runde soll im "
     "nächsten Monat folgen."},
    {"es",
     "Los ministros de Asuntos Exteriores se reunieron el martes en Ginebra para debatir un tratado de paz. "
     "Según los funcionarios, las conversaciones fueron constructivas y la próxima ronda se celebrará el mes "
     "que viene."},
    {"ru",
     "Министры иностранных дел двух стран встретились во вторник в Женеве, чтобы обсудить мирный договор. "
     "По словам официальных лиц, переговоры прошли конструктивно, а следующий раунд состоится в следующем "
     "месяце."},
    {"zh",
     "两国外交部长周二在日内瓦举行会谈，讨论和平条约问题。官员表示，会谈富有建设性，下一轮谈判将于下个月举行"
     "。"},
    {"ja",
     "両国の外相は火曜日、ジュネーブで会談し、平和条約について協議した。当局者によると、会談は建設的なもので"
     "、"
     "来月にも次の協議が行われる予定だという。"},
    {"ar",
     "التقى وزيرا خارجية البلدين يوم الثلاثاء في جنيف لمناقشة معاهدة السلام. وقال مسؤولون إن المحادثات كانت "
     "بناءة وإن جولة جديدة ستعقد الشهر المقبل."},
    {"tr",
     "İki ülkenin dışişleri bakanları salı günü Cenevre'de bir araya gelerek barış anlaşmasını görüştü. "
     "Yetkililer, görüşmelerin yapıcı geçtiğini ve yeni bir turun gelecek ay yapılacağını açıkladı."},
    {"hy",
     "Երկու երկրների արտաքին գործերի նախարարները երեքշաբթի օրը Ժնևում հանդիպել են՝ քննարկելու խաղաղության "
     "պայմանագիրը։ Պաշտոնյաների խոսքով՝ բանակցությունները կառուցողական են եղել։"},
    {"az",
     "İki ölkənin xarici işlər nazirləri çərşənbə axşamı Cenevrədə görüşərək sülh müqaviləsini müzakirə "
     "ediblər. Rəsmilərin sözlərinə görə, danışıqlar konstruktiv keçib və növbəti raund gələn ay "
     "keçiriləcək."},
    {"fa",
     "وزیران امور خارجه دو کشور روز سه‌شنبه در ژنو دیدار کردند تا درباره پیمان "
     "صلح "
     "گفتگو "
     "کنند. "
     "به "
     "گفته "
     "مقامات، این گفتگوها سازنده بود و دور بعدی ماه آینده برگزار خواهد شد."},
    {"uk",
     "Міністри закордонних справ двох країн зустрілися у вівторок у Женеві, щоб обговорити мирний договір. "
     "За словами посадовців, переговори були конструктивними, а наступний раунд відбудеться наступного "
     "місяця."},
    {"kk",
     "Екі елдің сыртқы істер министрлері сейсенбі күні Женевада кездесіп, бейбітшілік келісімін талқылады. "
     "Ресми өкілдердің айтуынша, келіссөздер сындарлы өтті, келесі кезең келесі айда өтеді."},
    {"ka",
     "ორი ქვეყნის საგარეო საქმეთა მინისტრები სამშაბათს ჟენევაში შეხვდნენ და სამშვიდობო ხელშეკრულება "
     "განიხილეს. ოფიციალური პირების თქმით, მოლაპარაკებები კონსტრუქციული იყო."},
};

TEST(LanguageTest, ShortNewsParagraphsInFifteenLanguages) {
  int right = 0;
  for (const Sample& s : kSamples) {
    const nlp::LanguageGuess g = nlp::identify_language(s.text);
    EXPECT_EQ(g.code, s.code) << s.text;
    EXPECT_TRUE(g.reliable) << s.code;
    EXPECT_GE(g.percent, 80) << s.code;
    right += g.code == s.code ? 1 : 0;
  }
  EXPECT_EQ(right, static_cast<int>(std::size(kSamples)));
}

TEST(LanguageTest, CodesAreIso639) {
  EXPECT_EQ(nlp::iso639_code("zh-Hant"), "zh");
  EXPECT_EQ(nlp::iso639_code("zh"), "zh");
  EXPECT_EQ(nlp::iso639_code("iw"), "he");
  EXPECT_EQ(nlp::iso639_code("jw"), "jv");
  EXPECT_EQ(nlp::iso639_code("sr-ME"), "sr");
  EXPECT_EQ(nlp::iso639_code("un"), "und");
  EXPECT_EQ(nlp::iso639_code("xx-Cyrl"), "und");
  EXPECT_EQ(nlp::iso639_code("haw"), "haw");
  EXPECT_EQ(nlp::identify_language("臺灣的總統今天在臺北發表談話，呼籲兩岸恢復對話與交流。").code, "zh");
}

TEST(LanguageTest, UndecidableTextFallsBackToTheDeclaredLanguageThenUnd) {
  const nlp::LanguageGuess digits = nlp::identify_language("2025-08-20 14:00 +1 (555) 0100");
  EXPECT_EQ(digits.code, "und");
  EXPECT_FALSE(digits.reliable);
  EXPECT_EQ(nlp::decide_language(digits, ""), "und");
  EXPECT_EQ(nlp::decide_language(digits, "fr-CA"), "fr");
  EXPECT_EQ(nlp::identify_language("").code, "und");
  // Short English news full of names: CLD2 may call it Uzbek, but English holds a share of it,
  // so the declared language stands.
  const char* names =
      "Uzbek president Shavkat Mirziyoyev and Tajik president Emomali Rahmon open the "
      "Tajikistan embassy in Tashkent during a state visit to Uzbekistan.";
  EXPECT_EQ(nlp::decide_language(nlp::identify_language(names, "en"), "en"), "en");
  // Reliable detection wins over a wrong declaration.
  const nlp::LanguageGuess ru = nlp::identify_language(kSamples[4].text, "en");
  EXPECT_EQ(nlp::decide_language(ru, "en"), "ru");
}

TEST(LanguageStageTest, IsFirstAndLabelsTheDocument) {
  EXPECT_EQ(stage_names().front(), "language");
  Document d = dated_article("Talks in Geneva", kSamples[0].text);
  default_pipeline().run(d);
  EXPECT_EQ(d.language, "en");
  EXPECT_TRUE(d.issues.empty());
  EXPECT_FALSE(d.events.empty() && d.mentions.empty());
}

TEST(LanguageStageTest, EnglishOnlyStagesSkipARussianArticleAndSaySo) {
  Document d = dated_article("Переговоры в Женеве", kSamples[4].text);
  d.language = "en";  // a wrong declaration: the text decides
  default_pipeline().run(d);
  EXPECT_EQ(d.language, "ru");
  EXPECT_FALSE(d.tokens.empty()) << "the tokenizer runs on every language";
  EXPECT_FALSE(d.sentences.empty());
  std::vector<std::string> skipped;
  for (const StageIssue& i : d.issues) {
    EXPECT_EQ(i.message, "skipped: language 'ru' is not supported (English only)") << i.stage;
    skipped.push_back(i.stage);
  }
  EXPECT_EQ(skipped,
            (std::vector<std::string>{"pos", "parse", "timex", "ner", "events", "checks", "tone", "topics"}));
  for (const Token& t : d.tokens) EXPECT_TRUE(t.xpos.empty());
  EXPECT_TRUE(d.times.empty());
  EXPECT_TRUE(d.events.empty());
  for (const Mention& m : d.mentions) EXPECT_EQ(m.method, "gazetteer");
}

TEST(LanguageStageTest, ChineseIsTokenizedWithoutAnalysisByEnglishModels) {
  Document d = dated_article("日内瓦会谈", kSamples[5].text);
  default_pipeline().run(d);
  EXPECT_EQ(d.language, "zh");
  EXPECT_GT(d.tokens.size(), 10u) << "ICU's dictionary breaks the words";
  EXPECT_EQ(d.issues.size(), 8u);  // pos, parse, timex, ner, events, checks, tone, topics
}

class LanguageStoreTest : public test_support::TempDirTest {
 protected:
  LanguageStoreTest() : TempDirTest("caspian_language_test_") {}
};

TEST_F(LanguageStoreTest, NonLatinArticlesAreStoredAndFoundByAWordOfThem) {
  auto store = open_store((dir_ / "l.db").string());
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  const std::map<std::string, Sample> by_code = [] {
    std::map<std::string, Sample> m;
    for (const Sample& s : kSamples) m.emplace(s.code, s);
    return m;
  }();
  for (const char* code : {"en", "zh", "ja", "ru", "ar", "hy"}) {
    Document d = dated_article(std::string("Article ") + code, by_code.at(code).text);
    d.url = std::string("https://example.org/") + code;
    default_pipeline().run(d);
    ASSERT_EQ(d.language, code);
    ASSERT_TRUE((*store)->put(d).ok());
  }
  const auto hits = [&](const std::string& query, const std::string& language = "") {
    SearchQuery q;
    q.text = query;
    q.language = language;
    auto r = (*store)->search(q);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    std::vector<std::string> urls;
    for (const SearchHit& h : *r) urls.push_back(h.url.substr(h.url.rfind('/') + 1));
    std::sort(urls.begin(), urls.end());
    return urls;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(hits("日内瓦"), V{"zh"});    // Geneva, inside a run of characters
  EXPECT_EQ(hits("和平条约"), V{"zh"});  // peace treaty
  EXPECT_EQ(hits("会谈"), V{"zh"});      // talks, simplified
  EXPECT_EQ(hits("会談"), V{"ja"});      // talks, in Japanese kanji
  EXPECT_EQ(hits("会谈", "ja"), V{});
  EXPECT_EQ(hits("会談", "ja"), V{"ja"});
  EXPECT_EQ(hits("ジュネーブ"), V{"ja"});
  EXPECT_EQ(hits("平和条約"), V{"ja"});
  EXPECT_EQ(hits("日内瓦 会谈"), V{"zh"});
  EXPECT_EQ(hits("Женеве"), V{"ru"});
  EXPECT_EQ(hits("женеве"), V{"ru"}) << "Cyrillic is case folded";
  EXPECT_EQ(hits("معاهدة"), V{"ar"});
  EXPECT_EQ(hits("Ժնևում"), V{"hy"});
  EXPECT_EQ(hits("Geneva"), V{"en"});
  EXPECT_EQ(hits("geneva treaty"), V{"en"});
  EXPECT_EQ(hits("", "ru"), V{"ru"});
  EXPECT_TRUE(hits("北京").empty());
  // Snippets mark the characters matched.
  SearchQuery q;
  q.text = "日内瓦";
  auto r = (*store)->search(q);
  ASSERT_TRUE(r.ok() && r->size() == 1);
  EXPECT_NE((*r)[0].snippet.find("[日内瓦]"), std::string::npos) << (*r)[0].snippet;
}

// Schema 4 -> 5: a store whose index was built by unicode61 is re-indexed, and its Chinese words
// are found.
TEST_F(LanguageStoreTest, TheMigrationToSchema5ReindexesStoredArticles) {
  const std::string path = (dir_ / "old.db").string();
  {
    auto store = open_store(path);
    ASSERT_TRUE(store.ok());
    Document d = dated_article("会谈", kSamples[5].text);
    default_pipeline().run(d);
    ASSERT_TRUE((*store)->put(d).ok());
  }
  // Back to schema 4: articles_fts as migration 1 made it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(store::register_fts_tokenizer(db).ok());
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE articles_fts; CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, "
                         "content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'); "
                         "INSERT INTO articles_fts(articles_fts) VALUES('rebuild'); PRAGMA user_version=4;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = open_store(path);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  EXPECT_EQ((*store)->stats()->schema_version, 6);
  SearchQuery q;
  q.text = "日内瓦";
  auto r = (*store)->search(q);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->size(), 1u);
}

TEST(LanguageWarcTest, CommonCrawlPagesGetTheirLanguages) {
  // The archive's four HTML responses, in order: 01spb.ru (windows-1251), 044545.com (zh-CN),
  // 06.live-radsport.ch (iso-8859-1), 0900-hovenier.nl.
  const std::string path = CASPIAN_SOURCE_DIR "/tests/data/warc/common-crawl-languages.warc.gz";
  auto language_only = Pipeline::create({.stages = {"language"}});
  ASSERT_TRUE(language_only.ok());
  std::vector<std::string> found;
  const Status st = read_inputs({path}, {}, [&](const RecordOrigin& origin, Result<Document> d) {
    EXPECT_TRUE(d.ok()) << origin.to_string() << ": " << d.status().to_string();
    if (!d.ok()) return true;
    language_only->run(*d);
    found.push_back(d->language);
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.to_string();
  EXPECT_EQ(found, (std::vector<std::string>{"ru", "zh", "de", "nl"}));
}

}  // namespace
}  // namespace caspian
