// The UD vocabularies (include/caspian/ud.h): names round-trip, subtypes fall to their
// universal relation, and labels outside UD v2 are told apart from a missing one.
#include "caspian/ud.h"

#include <gtest/gtest.h>

#include <string>

#include "caspian/document.h"
#include "caspian/json.h"

namespace caspian {
namespace {

TEST(UdTest, EveryTagRoundTripsThroughItsName) {
  for (int i = static_cast<int>(Upos::kAdj); i <= static_cast<int>(Upos::kX); ++i) {
    const auto u = static_cast<Upos>(i);
    ASSERT_FALSE(to_string(u).empty()) << i;
    EXPECT_EQ(upos_from(to_string(u)), u) << to_string(u);
  }
  EXPECT_EQ(to_string(Upos::kNone), "");
  EXPECT_EQ(upos_from("PROPN"), Upos::kPropn);
}

TEST(UdTest, TagsOutsideUdAreRefused) {
  EXPECT_FALSE(upos_from("").has_value());
  EXPECT_FALSE(upos_from("noun").has_value());  // case matters, as in CoNLL-U
  EXPECT_FALSE(upos_from("NNS").has_value());   // a Penn tag is no universal one
}

TEST(UdTest, EveryRelationRoundTripsThroughItsName) {
  for (int i = static_cast<int>(UdRel::kAcl); i <= static_cast<int>(UdRel::kXcomp); ++i) {
    const auto r = static_cast<UdRel>(i);
    ASSERT_FALSE(to_string(r).empty()) << i;
    EXPECT_EQ(base_relation(to_string(r)), r) << to_string(r);
  }
}

TEST(UdTest, ASubtypeFallsToItsUniversalRelation) {
  EXPECT_EQ(base_relation("nmod:poss"), UdRel::kNmod);
  EXPECT_EQ(base_relation("acl:relcl"), UdRel::kAcl);
  EXPECT_EQ(base_relation("nsubj:pass"), UdRel::kNsubj);
  EXPECT_EQ(base_relation("root"), UdRel::kRoot);
}

TEST(UdTest, AMissingLabelIsNoneAndAForeignOneIsOther) {
  EXPECT_EQ(base_relation(""), UdRel::kNone);
  EXPECT_EQ(base_relation("neg"), UdRel::kOther);  // UD v1, gone from v2
  EXPECT_EQ(base_relation("NSUBJ"), UdRel::kOther);
  EXPECT_EQ(base_relation(":poss"), UdRel::kOther);
  EXPECT_EQ(to_string(UdRel::kOther), "");
}

TEST(UdTest, StoredJsonReadsBackIntoEnums) {
  Document doc = make_document("", "Cats sleep");
  doc.tokens.push_back(
      Token{{0, 4}, TokenKind::kWord, true, Upos::kNoun, "NNS", 2, "nsubj:pass", UdRel::kNsubj});
  auto back = from_json(to_json(doc));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_EQ(back->tokens.size(), 1U);
  EXPECT_EQ(back->tokens[0].upos, Upos::kNoun);
  EXPECT_EQ(back->tokens[0].deprel, "nsubj:pass");
  EXPECT_EQ(back->tokens[0].rel, UdRel::kNsubj);
}

TEST(UdTest, StoredJsonWithATagOutsideUdIsRefusedByName) {
  Document doc = make_document("", "Cats");
  doc.tokens.push_back(Token{{0, 4}, TokenKind::kWord, true, Upos::kNoun, "NNS", 0, "root", UdRel::kRoot});
  std::string json = to_json(doc);
  const size_t at = json.find("\"NOUN\"");
  ASSERT_NE(at, std::string::npos) << json;
  json.replace(at, 6, "\"NOUNISH\"");
  auto back = from_json(json);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().to_string().find("unknown upos 'NOUNISH'"), std::string::npos)
      << back.status().to_string();
}

}  // namespace
}  // namespace caspian
