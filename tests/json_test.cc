// Round trips of the versioned analysis JSON (docs/schema.md).
#include "caspian/json.h"

#include <gtest/gtest.h>

namespace caspian {
namespace {

Document sample() {
  Document d = make_document("Héadline “quoted” \"ascii\" back\\slash \x01\x1f\t",
                             "Body text in Almaty on July 10.\nSecond line.");
  d.id = "sample:1";
  d.url = "https://example.org/a?b=1";
  d.source = "example.org";
  d.published =
      std::chrono::year_month_day{std::chrono::year{2025}, std::chrono::August, std::chrono::day{20}};
  d.license = "CC BY 4.0";
  d.categories = {"politics"};
  d.tokens.push_back({{0, 9}, TokenKind::kWord, true, Upos::kNoun, "NN", 0, "root", UdRel::kRoot});
  d.sentences.push_back({{0, 9}, 0, 1});
  d.entities.push_back(
      {"geonames:1526384", EntityKind::kPlace, "Almaty", "KZ", 43.25667, 76.92861, 2000900, "PPLA"});
  d.mentions.push_back({{d.body_offset + 13, d.body_offset + 19},
                        1,
                        EntityKind::kPlace,
                        "geonames:1526384",
                        "gazetteer",
                        "largest match",
                        0.9});
  d.times.push_back({{d.body_offset + 23, d.body_offset + 30},
                     1,
                     TimeType::kDate,
                     "2025-07-10",
                     TimeGranularity::kDay,
                     "",
                     true});
  d.issues.push_back({"timex", "example issue"});
  d.tone = Tone{-3.125, 1.5625, 4.6875, -0.2731, 64};
  return d;
}

// The sample with an event, scored on tone or not.
Document sample_with_event(bool scored) {
  Document d = sample();
  Event e;
  e.code = "057";
  e.source = {{0, 9}, "AZE", "iso3166:AZE"};
  if (scored) e.tone = Tone{10.0, 12.5, 2.5, 0.4404, 8};
  d.events.push_back(e);
  if (!scored) d.tone.reset();
  return d;
}

TEST(JsonTest, RoundTripPreservesEverything) {
  const Document d = sample();
  auto back = from_json(to_json(d));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, d);
  // And the one-line form too.
  auto back2 = from_json(to_json(d, -1));
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(*back2, d);
}

TEST(JsonTest, ToneRoundTripsAndStaysAbsentWhenNotScored) {
  for (const bool scored : {true, false}) {
    SCOPED_TRACE(scored);
    const Document d = sample_with_event(scored);
    const std::string json = to_json(d);
    EXPECT_EQ(json.find("\"tone\"") != std::string::npos, scored) << json;
    auto back = from_json(json);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, d);
    auto record = event_from_json(event_to_json(d, d.events[0]));
    ASSERT_TRUE(record.ok()) << record.status().to_string();
    EXPECT_EQ(record->event, d.events[0]);
    EXPECT_EQ(record->article_tone, d.tone);
  }
  const std::string broken = R"({"schema_version":1,"text":"x","tone":{"avg_tone":"high"}})";
  EXPECT_EQ(from_json(broken).status().code(), ErrorCode::kParseError);
}

TEST(JsonTest, RefusesOtherSchemaVersion) {
  std::string j = to_json(sample(), -1);
  const std::string key = "\"schema_version\":" + std::to_string(kSchemaVersion);
  j.replace(j.find(key), key.size(), "\"schema_version\":999");
  auto r = from_json(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedVersion);
  EXPECT_NE(r.status().message().find("999"), std::string::npos);
}

TEST(JsonTest, RejectsSpansOutsideText) {
  Document d = sample();
  d.mentions[0].span = {0, static_cast<uint32_t>(d.text.size() + 5)};
  auto r = from_json(to_json(d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
}

TEST(JsonTest, MalformedInputIsAStatus) {
  for (std::string_view bad :
       {"", "{", "[]", "{\"schema_version\":1}", "nul", "{\"schema_version\":1,\"text\":3}"}) {
    auto r = from_json(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(JsonTest, IsoDates) {
  EXPECT_TRUE(parse_iso_date("2025-08-20").ok());
  EXPECT_TRUE(parse_iso_date("2025-08-20T10:00:00Z").ok());
  EXPECT_TRUE(parse_iso_date("2025-08-20 10:00:00").ok());
  EXPECT_FALSE(parse_iso_date("2025-02-30").ok());
  EXPECT_FALSE(parse_iso_date("2025-8-20").ok());
  EXPECT_FALSE(parse_iso_date("20/08/2025").ok());
  EXPECT_FALSE(parse_iso_date("2025-08-20X").ok());
  EXPECT_EQ(format_date(*parse_iso_date("2024-02-29")), "2024-02-29");
}

}  // namespace
}  // namespace caspian
