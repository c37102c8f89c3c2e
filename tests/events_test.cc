// The event coder: the PETRARCH dictionary readers (actors with dated roles, agents, verb
// patterns), the code ontology, the CAMEO table, the validation-record reader, and coding through
// the whole pipeline. Sentences here are written for these tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "caspian/event_export.h"
#include "caspian/json.h"
#include "caspian/pipeline.h"
#include "eval/events_eval.h"
#include "events/actor_dictionary.h"
#include "events/cameo.h"
#include "events/coder.h"
#include "events/ontology.h"
#include "events/verb_dictionary.h"
#include "shared_pipeline.h"

namespace caspian::events {
namespace {

namespace fs = std::filesystem;
const fs::path kDataDir = CASPIAN_SOURCE_DIR "/data";

std::vector<std::string> words(std::initializer_list<const char*> ws) {
  return {ws.begin(), ws.end()};
}

Day day(int y, unsigned m, unsigned d) {
  return ActorDictionary::day_of(y, m, d);
}

TEST(ActorDictionaryTest, DatedRolesSynonymsAndOverrides) {
  ActorDictionary dict;
  ASSERT_TRUE(dict.add_actors("# leaders\n"
                              "KASSYM-JOMART_TOKAYEV_  # comment\n"
                              "+TOKAYEV_\n"
                              "\t[KAZGOV 991001-020128]\n"
                              "\t[KAZLEG 20131016-20190319]\n"
                              "\t[KAZGOV >20190320]\n"
                              "\t[KAZELI]\n"
                              "KAZAKHSTAN_ [KAZ]\n"
                              "+KAZAKH_\n"
                              "XI_JINPING_\n"
                              "\t[CHNGOV >080401]\n",
                              "test")
                  .ok());
  EXPECT_EQ(dict.actor_count(), 3U);
  const auto tokayev = words({"tokayev", "said"});
  const NameMatch m = dict.match_actor(tokayev, day(2025, 8, 20));
  ASSERT_EQ(m.length, 1U);
  EXPECT_EQ(m.actor->code_on(day(2025, 8, 20)), "KAZGOV");
  EXPECT_EQ(m.actor->code_on(day(2015, 1, 1)), "KAZLEG");
  EXPECT_EQ(m.actor->code_on(day(2000, 1, 1)), "KAZGOV");   // six-digit dates: 99 is 1999, 02 is 2002
  EXPECT_EQ(m.actor->code_on(day(2010, 1, 1)), "KAZELI");   // outside every role: the fallback
  EXPECT_EQ(m.actor->code_on(day(2019, 3, 20)), "KAZGOV");  // both ends of a range count
  EXPECT_EQ(dict.match_actor(words({"kassym-jomart", "tokayev"}), day(2025, 1, 1)).length, 2U);
  EXPECT_EQ(dict.match_actor(words({"kazakh", "troops"}), day(2025, 1, 1)).actor->code_on(0), "KAZ");
  // A person with only dated roles is no actor outside them.
  EXPECT_EQ(dict.match_actor(words({"xi", "jinping"}), day(2005, 1, 1)).length, 0U);
  EXPECT_EQ(dict.match_actor(words({"xi", "jinping"}), day(2015, 1, 1)).actor->code_on(day(2015, 1, 1)),
            "CHNGOV");
  EXPECT_EQ(dict.match_actor(words({"unknown"}), 0).length, 0U);

  // A later file replaces a name's entry.
  ASSERT_TRUE(dict.add_actors("TOKAYEV_\n\t[IGOUNO]\n", "user").ok());
  EXPECT_EQ(dict.match_actor(tokayev, day(2025, 8, 20)).actor->code_on(day(2025, 8, 20)), "IGOUNO");
  EXPECT_EQ(dict.match_actor(words({"kassym-jomart", "tokayev"}), day(2025, 8, 20))
                .actor->code_on(day(2025, 8, 20)),
            "KAZGOV");
}

TEST(ActorDictionaryTest, MalformedInputNamesTheLineAndMistypedDatesAreSkipped) {
  ActorDictionary dict;
  const Status code_first = dict.add_actors("\n[USA]\n", "a.txt");
  EXPECT_FALSE(code_first.ok());
  EXPECT_NE(code_first.message().find("a.txt:2"), std::string::npos) << code_first.message();
  EXPECT_FALSE(dict.add_actors("ARMENIA_ [ARM\n", "b.txt").ok());
  EXPECT_FALSE(dict.add_actors("+SYNONYM_\n", "c.txt").ok());
  ASSERT_TRUE(dict.add_actors("ARMENIA_\n\t[ARMUNR 9008223-911221]\n\t[ARM >911221]\n", "d.txt").ok());
  EXPECT_EQ(dict.skipped_codes(), 1U);
  EXPECT_EQ(dict.match_actor(words({"armenia"}), day(1991, 1, 1)).length, 0U);
  // Spaces inside a range, as in PETRARCH-2's validation actors.
  ASSERT_TRUE(dict.add_actors("SMEAGOL\n\t[HOB < 950601]\n\t[HOBGOV 19950601 - 19990815]\n", "e.txt").ok());
  const NameMatch smeagol = dict.match_actor(words({"smeagol"}), day(1996, 1, 1));
  ASSERT_EQ(smeagol.length, 1U);
  EXPECT_EQ(smeagol.actor->code_on(day(1996, 1, 1)), "HOBGOV");
  EXPECT_EQ(smeagol.actor->code_on(day(1994, 1, 1)), "HOB");
  EXPECT_EQ(ActorDictionary::parse_day("20250230"), std::nullopt);
  EXPECT_EQ(ActorDictionary::parse_day("2025"), std::nullopt);
  EXPECT_EQ(ActorDictionary::parse_day("x50101"), std::nullopt);
}

TEST(ActorDictionaryTest, AgentsWithPluralsAndSubstitutionSets) {
  ActorDictionary dict;
  ASSERT_TRUE(dict.add_agents("!PERSON! = MAN, MEN, WOMAN\n"
                              "POLICE!PERSON! [~COP]\n"
                              "POLICE {} [~COP]\n"
                              "TROOP [~MIL]\n"
                              "ARMY {ARMIES} [~MIL]\n"
                              "PEACEKEEPING_TROOPS {} [IGO~]\n"
                              "ISLAMIC_EXTREMIST\n"
                              "GREEN_PARTY [~ENV}\n",
                              "agents")
                  .ok());
  EXPECT_EQ(dict.match_agent(words({"troops"})).agent->code, "MIL");
  EXPECT_EQ(dict.match_agent(words({"armies"})).agent->code, "MIL");
  EXPECT_EQ(dict.match_agent(words({"policewoman"})).agent->code, "COP");
  EXPECT_EQ(dict.match_agent(words({"polices"})).length, 0U);  // "{}": no plural
  const NameMatch pk = dict.match_agent(words({"peacekeeping", "troops"}));
  EXPECT_EQ(pk.length, 2U);
  EXPECT_TRUE(pk.agent->prefix);
  EXPECT_EQ(dict.match_agent(words({"green", "party"})).agent->code, "ENV");
  EXPECT_FALSE(dict.add_agents("X!NOSET! [~GOV]\n", "bad").ok());
}

TEST(VerbDictionaryTest, BlocksFormsPatternsAndSynsets) {
  auto d = VerbDictionary::parse(
      "<!-- PETRARCH-2's validation dictionaries open with XML comments -->\n"
      "<!-- one\n   over two lines -->\n"
      "&MILITARY\n+ARMY\n+ARMED_FORCES\n\n"
      "####### VERB PATTERNS #######\n"
      "---  HOST   [043:042]  ---\n"
      "HOST   # comment\n"
      "- * TALKS (BETWEEN)    [039]  # HOST\n"
      "- WILL *               [036:036]\n"
      "- * {&MILITARY CONFERENCE} [0332]\n"
      "- * &UNDEFINED         [111]\n"
      "---  ASK   [---]  ---\n"
      "+ASK_FOR {+ASKED_FOR +ASKING_FOR +ASKS_FOR} [020]\n"
      "TELL {TELLS TOLD TELLING}\n"
      "STOP [191]\n",
      "verbs");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->block_count(), 2U);
  EXPECT_EQ(d->pattern_count(), 4U);
  ASSERT_EQ(d->unknown_synsets().size(), 1U);
  ASSERT_EQ(d->lookup("hosted").size(), 1U);
  EXPECT_EQ(d->lookup("hosting")[0].code, "043");
  EXPECT_EQ(d->lookup("hosting")[0].reverse_code, "042");
  EXPECT_EQ(d->lookup("told").size(), 1U);
  EXPECT_TRUE(d->lookup("telled").empty());  // irregular forms replace the regular ones
  EXPECT_EQ(d->lookup("stopped")[0].code, "191");
  ASSERT_EQ(d->lookup("asked").size(), 1U);
  EXPECT_EQ(d->lookup("asked")[0].particles, std::vector<std::string>{"for"});
  const VerbBlock& host = d->block(d->lookup("host")[0].block);
  ASSERT_EQ(host.patterns.size(), 4U);
  EXPECT_EQ(host.patterns[0].code, "039");
  EXPECT_EQ(host.patterns[0].after.size(), 2U);
  EXPECT_EQ(host.patterns[1].code, "036");
  EXPECT_EQ(host.patterns[1].target_code, "036");
  EXPECT_EQ(host.patterns[1].before.size(), 1U);
  const PatternItem& synset = host.patterns[2].after[0];
  ASSERT_EQ(synset.kind, PatternItem::Kind::kSynset);
  EXPECT_EQ(d->match(synset, words({"armed", "forces", "conference"})), 2U);
  EXPECT_EQ(d->match(synset, words({"armies"})), 1U);  // a stem takes a short ending
  EXPECT_EQ(d->match(synset, words({"armistice"})), 0U);
  EXPECT_EQ(d->match(host.patterns[3].after[0], words({"&undefined"})), 0U);

  const auto bad = VerbDictionary::parse("---  X   [010]  ---\n- TALKS [010]\n", "v.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("v.txt:2"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(VerbDictionary::parse("HOST\n", "v.txt").ok());
}

TEST(CodeOntologyTest, ComposesAndNegatesCodes) {
  auto o = CodeOntology::load(kDataDir / "events/petrarch2/PETR.Internal.Coding.Ontology.txt");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->combine("030", "060"), "031");  // intend + cooperate: express intent to cooperate
  EXPECT_EQ(o->combine("030", "190"), "138");  // intend + attack: threaten with military force
  EXPECT_EQ(o->combine("010", "190"), "190");  // said + attacked: the attack
  EXPECT_EQ(o->negate("060"), "121");          // did not cooperate: reject
  EXPECT_EQ(o->negate("010"), "011");
  EXPECT_TRUE(o->is_frame("030"));
  EXPECT_FALSE(o->is_frame("190"));
  EXPECT_FALSE(CodeOntology::parse("010:0xZZ\n", "o").ok());
  EXPECT_FALSE(CodeOntology::parse("# nothing\n", "o").ok());
}

TEST(CameoTableTest, NamesGoldsteinQuadClassAndPlover) {
  auto t = CameoTable::load(kDataDir / "events/cameo_codes.tsv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_GT(t->size(), 300U);
  const CameoCode* visit = t->find("042");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->quad_class, 1);
  EXPECT_DOUBLE_EQ(visit->goldstein, 1.9);
  EXPECT_EQ(visit->plover_type, "CONSULT");
  EXPECT_EQ(visit->plover_mode, "visit");
  EXPECT_EQ(t->find("190")->quad_class, 4);
  EXPECT_EQ(t->find("0841")->quad_class, 2);
  EXPECT_DOUBLE_EQ(t->find("155")->goldstein, t->find("15")->goldstein);  // not in GDELT: the parent's
  EXPECT_EQ(t->find_nearest("0429")->code, "042");
  EXPECT_EQ(t->find("9999"), nullptr);
}

TEST(CameoTableTest, TheRootNamesAreTheCodebooks) {
  auto t = CameoTable::load(kDataDir / "events/cameo_codes.tsv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  for (int root = 1; root <= 20; ++root) {
    const std::string code = (root < 10 ? "0" : "") + std::to_string(root);
    const CameoCode* c = t->find(code);
    ASSERT_NE(c, nullptr) << code;
    std::string upper(cameo_root_name(code));
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return std::toupper(ch); });
    EXPECT_EQ(upper, c->name) << code;
  }
  EXPECT_EQ(cameo_root_name("00"), "");
  EXPECT_EQ(cameo_root_name("21"), "");
  EXPECT_EQ(cameo_root_name("042"), "");
  EXPECT_EQ(cameo_root_name("x4"), "");
}

TEST(ValidationRecordsTest, ReadsRecordsLineByLine) {
  const std::string xml =
      "<Validation>\n# header <EventCoding eventcode=\"999\"/>\n<Sentences>\n"
      "<Sentence date=\"20150609\" id=\"T_1\" category=\"TEST\" evaluate=\"true\"/>\n"
      "<EventCoding eventcode=\"042\" sourcecode=\"USA\" targetcode=\"CHN\" />\n"
      "<EventCoding eventcode=\"140\" sourcecode=\"RWALEG\" targetcode=\"\" />\n"
      "<Text>\nThe US leader visited\nChina &amp; Japan.\n</Text>\n<Parse>\n1\tx\n</Parse>\n</Sentence>\n"
      "<Sentence date=\"950101\" id=\"T_2\" category=\"DEMO\" sentence=\"false\">\n"
      "<EventCoding noevents = \"True\"></EventCoding>\n<Text>Nothing.</Text>\n</Sentence>\n</Sentences>\n";
  auto records = read_validation_records(xml, "v.xml");
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ(records->size(), 2U);
  const ValidationRecord& r = (*records)[0];
  EXPECT_EQ(r.id, "T_1");
  EXPECT_EQ(r.date, "20150609");
  EXPECT_EQ(r.text, "The US leader visited China & Japan.");
  ASSERT_EQ(r.gold.size(), 2U);
  EXPECT_EQ(r.gold[1].target, "---");
  EXPECT_FALSE((*records)[1].evaluate);
  EXPECT_TRUE((*records)[1].noevents);
  EXPECT_EQ((*records)[1].text, "Nothing.");

  const auto unclosed = read_validation_records("<Sentences>\n<Sentence id=\"a\">\n<Text>\nwords\n", "u.xml");
  EXPECT_FALSE(unclosed.ok());
  const auto orphan = read_validation_records("<Sentences>\n<EventCoding eventcode=\"010\"/>\n", "o.xml");
  ASSERT_FALSE(orphan.ok());
  EXPECT_NE(orphan.status().message().find("o.xml:2"), std::string::npos);
}

// Coding through the whole default pipeline.
class CoderTest : public SharedPipelineTest {
 protected:
  static Document analyse(const std::string& text, const std::string& date) {
    return SharedPipelineTest::analyse("", text, date);
  }
  static const Event* find(const Document& doc, const std::string& source, const std::string& target) {
    for (const Event& e : doc.events) {
      if (e.source.code == source && e.target.code == target) return &e;
    }
    return nullptr;
  }
  static std::string list(const Document& doc) {
    std::string s;
    for (const Event& e : doc.events) s += e.code + " " + e.source.code + " " + e.target.code + "; ";
    return s;
  }
};

TEST_F(CoderTest, CodesSourceTargetAndCodeFromTheDictionaries) {
  const Document doc = analyse("Russian troops attacked Ukrainian soldiers near the border.", "2024-03-01");
  const Event* e = find(doc, "RUSMIL", "UKRMIL");
  ASSERT_NE(e, nullptr) << list(doc);
  EXPECT_EQ(e->root_code, "19");
  EXPECT_EQ(e->quad_class, 4);
  EXPECT_LT(e->goldstein, 0.0);
  EXPECT_EQ(e->plover_type, "ASSAULT");
  EXPECT_EQ(e->method, "dictionary");
  EXPECT_EQ(doc.slice(e->source.span), "Russian troops");
  EXPECT_TRUE(std::any_of(e->evidence.begin(), e->evidence.end(),
                          [&](Span s) { return doc.slice(s) == "attacked"; }));
  EXPECT_EQ(e->date, "2024-03-01");
  EXPECT_FALSE(e->date_from_text);
}

TEST_F(CoderTest, DatedRolesOfferModalityDateAndPlace) {
  const Document doc = analyse(
      "President Kassym-Jomart Tokayev of Kazakhstan offered to host peace talks between Azerbaijan and "
      "Armenia in Almaty in late 2024.",
      "2024-11-02");
  const Event* e = find(doc, "KAZGOV", "AZE");
  ASSERT_NE(e, nullptr) << list(doc);
  EXPECT_EQ(e->modality, EventModality::kOffered);
  EXPECT_EQ(e->root_code, "03");  // express intent to meet, negotiate or mediate
  EXPECT_NE(find(doc, "KAZGOV", "ARM"), nullptr) << list(doc);
  EXPECT_EQ(e->date, "2024");
  EXPECT_TRUE(e->date_from_text);
  EXPECT_EQ(e->location_id, "geonames:1526384");  // Almaty
  EXPECT_FALSE(e->source.entity_id.empty());
  // The same man, years earlier, chaired the Senate.
  const Document old = analyse("Tokayev criticized Russia.", "2015-05-01");
  ASSERT_FALSE(old.events.empty()) << list(old);
  EXPECT_EQ(old.events.front().source.code, "KAZLEG");
}

TEST_F(CoderTest, NegationComplementsAndPairedCooperation) {
  const Document neg = analyse("Russia did not yield to Ukraine.", "2015-06-09");
  ASSERT_NE(find(neg, "RUS", "UKR"), nullptr) << list(neg);
  EXPECT_EQ(find(neg, "RUS", "UKR")->code, "124");  // not yield: refuse to yield
  EXPECT_FALSE(find(neg, "RUS", "UKR")->negated);   // the code says it
  const Document unmapped = analyse("Turkey did not support Armenia.", "2015-06-09");
  ASSERT_NE(find(unmapped, "TUR", "ARM"), nullptr) << list(unmapped);
  EXPECT_TRUE(find(unmapped, "TUR", "ARM")->negated);  // CAMEO has no code for it
  // A time after a noun is no object that makes the noun a verb: "the ISIL attack this morning"
  // attacks nothing.
  const Document morning = analyse(
      "The United States condemns in the strongest terms both the ISIL attack this morning at a crowded "
      "market place in Baghdad, and the car bomb attacks in Diyala Province on Monday.",
      "2016-07-04");
  for (const Event& e : morning.events) EXPECT_NE(e.root_code, "19") << list(morning);
  // What an actor failed to do did not happen.
  const Document failed = analyse("Armenia failed to reach an agreement with Azerbaijan.", "2015-06-09");
  ASSERT_NE(find(failed, "ARM", "AZE"), nullptr) << list(failed);
  EXPECT_TRUE(find(failed, "ARM", "AZE")->negated);
  // The infinitive of a noun of plans is a plan.
  const Document plan =
      analyse("The United States rules out Israel's plan to annex the West Bank.", "2025-10-23");
  ASSERT_NE(find(plan, "ISR", "PSE"), nullptr) << list(plan);
  EXPECT_EQ(find(plan, "ISR", "PSE")->modality, EventModality::kPlanned);
  // Kept from doing it: the object did not do it.
  const Document kept = analyse("Israel prevented Hamas from attacking Jordan.", "2015-06-09");
  ASSERT_NE(find(kept, "PSEREBHMS", "JOR"), nullptr) << list(kept);
  EXPECT_TRUE(find(kept, "PSEREBHMS", "JOR")->negated);
  const Document refused = analyse("Armenia refused to cooperate with Azerbaijan.", "2015-06-09");
  ASSERT_NE(find(refused, "ARM", "AZE"), nullptr) << list(refused);
  EXPECT_EQ(find(refused, "ARM", "AZE")->modality, EventModality::kDenied);
  const Document intent = analyse("Obama wants to attack Switzerland.", "2015-06-09");
  ASSERT_NE(find(intent, "USAGOV", "CHE"), nullptr) << list(intent);
  EXPECT_EQ(find(intent, "USAGOV", "CHE")->code, "138");
  const Document met = analyse("Armenia and Azerbaijan met in Abu Dhabi.", "2025-07-10");
  ASSERT_NE(find(met, "ARM", "AZE"), nullptr) << list(met);
  EXPECT_NE(find(met, "AZE", "ARM"), nullptr) << list(met);
  EXPECT_EQ(find(met, "ARM", "AZE")->location_id, "geonames:292968");  // Abu Dhabi, the place
  EXPECT_EQ(find(met, "ARM", "ARE"), nullptr) << list(met);
}

TEST_F(CoderTest, DatelinePlacesTheEventsAndNamesNoActor) {
  const Document doc = SharedPipelineTest::analyse(
      "Talks go on", "MOSCOW, May 1 - Armenia criticized Azerbaijan on Monday. Russia met Turkey in Ankara.",
      "2024-05-01");
  const Event* e = find(doc, "ARM", "AZE");
  ASSERT_NE(e, nullptr) << list(doc);
  EXPECT_EQ(e->location_id, "geonames:524901");  // Moscow, where the report was filed
  const Event* ankara = find(doc, "RUS", "TUR");
  ASSERT_NE(ankara, nullptr) << list(doc);
  EXPECT_EQ(ankara->location_id, "geonames:323786");  // the sentence's own place wins
  for (const Event& x : doc.events) EXPECT_NE(doc.slice(x.source.span), "MOSCOW") << list(doc);
}

// The golden records (tests/data/events/golden.xml): each sentence must yield exactly its events.
TEST_F(CoderTest, GoldenRecords) {
  const auto report =
      evaluate_events(pipeline(), std::string(CASPIAN_SOURCE_DIR) + "/tests/data/events/golden.xml", true);
  ASSERT_TRUE(report.ok()) << report.status().message();
  std::string details;
  for (const std::string& d : report->details) details += d + "\n";
  EXPECT_GT(report->records, 0U);
  EXPECT_EQ(report->exact, report->records) << details;
  EXPECT_EQ(report->crashed, 0U);
}

TEST_F(CoderTest, SeedArticleEvents) {
  std::ifstream in(std::string(CASPIAN_SOURCE_DIR) + "/data/corpus/almaty.txt", std::ios::binary);
  std::string title;
  std::getline(in, title);
  std::ostringstream body;
  body << in.rdbuf();
  const Document doc = SharedPipelineTest::analyse(title, body.str(), "2025-08-20");
  // Tokayev offers to host talks between Azerbaijan and Armenia in Almaty, late 2024.
  const Event* offer = find(doc, "KAZGOV", "ARM");
  ASSERT_NE(offer, nullptr) << list(doc);
  EXPECT_EQ(offer->modality, EventModality::kOffered);
  EXPECT_EQ(offer->date, "2024");
  EXPECT_EQ(offer->location_id, "geonames:1526384");
  EXPECT_NE(find(doc, "KAZGOV", "AZE"), nullptr) << list(doc);
  // Kazakhstan prepares to host Pashinyan, late 2025.
  const Event* visit = find(doc, "KAZ", "ARMGOV");
  ASSERT_NE(visit, nullptr) << list(doc);
  EXPECT_EQ(visit->base_code, "043");
  EXPECT_EQ(visit->modality, EventModality::kPlanned);
  EXPECT_EQ(visit->date, "2025");
  // The agreement finalised on July 10 in Abu Dhabi, by a rule: the dictionaries lack "finalize".
  const Event* accord = find(doc, "AZE", "ARM");
  ASSERT_NE(accord, nullptr) << list(doc);
  EXPECT_EQ(accord->code, "057");
  EXPECT_EQ(accord->date, "2025-07-10");
  EXPECT_EQ(accord->location_id, "geonames:292968");
  EXPECT_EQ(accord->method, "rules");
  // Armenia and the United States prepare the route's framework.
  EXPECT_NE(find(doc, "ARM", "USA"), nullptr) << list(doc);
  // The United States' role: the negotiations "occurred primarily under U.S. auspices", between
  // Armenia and Azerbaijan (named in the sentence before).
  const Event* mediation = find(doc, "USA", "ARM");
  ASSERT_NE(mediation, nullptr) << list(doc);
  EXPECT_EQ(mediation->code, "045");
  EXPECT_NE(find(doc, "USA", "AZE"), nullptr) << list(doc);
  // Nothing puts the Washington accord in Almaty.
  for (const Event& e : doc.events) {
    EXPECT_FALSE(e.sentence == 0 && e.location_id == "geonames:1526384") << list(doc);
  }
}

TEST_F(CoderTest, PronounsAndTitlesReferToEarlierActors) {
  const Document title = analyse(
      "President Kassym-Jomart Tokayev arrived in Baku. The president met Ilham Aliyev.", "2025-08-20");
  const Event* met = find(title, "KAZGOV", "AZEGOV");
  ASSERT_NE(met, nullptr) << list(title);
  EXPECT_EQ(met->sentence, 1U);
  const Document it = analyse("Armenia signed the deal. It criticized Russia a day later.", "2025-08-20");
  ASSERT_NE(find(it, "ARM", "RUS"), nullptr) << list(it);
  // "he" wants a person: the country named last does not do.
  const Document he =
      analyse("Nikol Pashinyan flew to Moscow. In Kazakhstan, he criticized Russia.", "2025-08-20");
  EXPECT_NE(find(he, "ARMGOV", "RUS"), nullptr) << list(he);
  EXPECT_EQ(find(he, "KAZ", "RUS"), nullptr) << list(he);
}

TEST_F(CoderTest, NothingToCodeAndBadInputNeverFail) {
  EXPECT_TRUE(analyse("The weather was pleasant on Sunday.", "2024-01-01").events.empty());
  EXPECT_TRUE(analyse("", "2024-01-01").events.empty());
  const std::string junk(5000, '(');
  const Document long_one = analyse("Russia attacked Ukraine. " + junk + " attacked " + junk, "2024-01-01");
  ASSERT_EQ(long_one.issues.size(), 1U);  // the run-on sentence is reported and skipped
  EXPECT_EQ(long_one.issues.front().stage, "events");
  EXPECT_NE(find(long_one, "RUS", "UKR"), nullptr) << list(long_one);  // the others are coded
}

TEST_F(CoderTest, EventsSurviveTheJsonRoundTrip) {
  const Document doc = analyse("Russian troops attacked Ukrainian soldiers.", "2024-03-01");
  ASSERT_FALSE(doc.events.empty());
  auto back = from_json(to_json(doc));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->events, doc.events);
}

}  // namespace
}  // namespace caspian::events
