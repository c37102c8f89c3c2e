// The "checks" stage: capital claims against the gazetteer, and headlines against the body's events.
// Sentences here are written for these tests; the seed article is data/corpus/almaty.txt.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "caspian/json.h"
#include "caspian/pipeline.h"
#include "shared_pipeline.h"

namespace caspian {
namespace {

class ChecksTest : public SharedPipelineTest {
 protected:
  static Document analyse(const std::string& title, const std::string& body) {
    return SharedPipelineTest::analyse(title, body, "2025-08-20");
  }
  static size_t count(const Document& doc, const std::string& kind) {
    size_t n = 0;
    for (const Flag& f : doc.flags) n += f.kind == kind ? 1 : 0;
    return n;
  }
};

TEST_F(ChecksTest, CapitalClaimsAreCheckedAgainstTheGazetteer) {
  for (const char* wrong :
       {"Almaty, the capital of Kazakhstan, hosted the talks.", "Almaty is the capital of Kazakhstan.",
        "The Kazakh capital Almaty hosted the talks.", "Delegates met in the capital city Almaty."}) {
    const Document doc = analyse("", wrong);
    ASSERT_EQ(count(doc, "gazetteer-contradiction"), 1U) << wrong;
    const Flag& f = doc.flags.front();
    EXPECT_NE(f.message.find("Astana"), std::string::npos) << f.message;
    ASSERT_FALSE(f.evidence.empty());
    EXPECT_NE(doc.slice(f.evidence.front()).find("Almaty"), std::string::npos);
  }
  for (const char* right : {"Astana, the capital of Kazakhstan, hosted the talks.",
                            "Almaty, the former capital of Kazakhstan, hosted the talks.",
                            "Almaty, the country's financial capital, hosted the talks.",
                            "Hohhot, the capital of Inner Mongolia, is cold in winter.",
                            "Goma, the capital of the DRC's North Kivu province, fell.",
                            "Raqqa, the self-proclaimed capital of the group, was retaken."}) {
    EXPECT_EQ(count(analyse("", right), "gazetteer-contradiction"), 0U) << right;
  }
}

TEST_F(ChecksTest, SeedArticleRaisesBothFlagsWithEvidence) {
  std::ifstream in(CASPIAN_SOURCE_DIR "/data/corpus/almaty.txt", std::ios::binary);
  std::string title;
  std::getline(in, title);
  std::ostringstream body;
  body << in.rdbuf();
  const Document doc = analyse(title, body.str());
  ASSERT_EQ(count(doc, "gazetteer-contradiction"), 1U);
  ASSERT_EQ(count(doc, "headline-contradicted"), 1U);
  for (const Flag& f : doc.flags) {
    ASSERT_FALSE(f.evidence.empty());
    if (f.kind == "gazetteer-contradiction") {
      EXPECT_EQ(doc.slice(f.evidence.front()), "Capital City Almaty");
      EXPECT_LT(f.evidence.front().end, doc.body_offset);  // in the headline
    } else {
      EXPECT_LT(f.evidence.front().end, doc.body_offset);  // the claim, in the headline
      bool denial = false;
      bool abu_dhabi = false;
      for (const Span& s : f.evidence) {
        denial = denial || doc.slice(s).find("has not been the primary host") != std::string_view::npos;
        abu_dhabi = abu_dhabi || doc.slice(s).find("Abu Dhabi") != std::string_view::npos;
      }
      EXPECT_TRUE(denial) << f.message;
      EXPECT_TRUE(abu_dhabi) << f.message;
    }
  }
  // The contradicted headline event stays, with little trust left.
  for (const Event& e : doc.events) {
    if (doc.sentences[e.sentence].span.begin < doc.body_offset) EXPECT_LT(e.confidence, 0.5) << e.code;
  }
  // The flags survive the JSON round trip.
  auto back = from_json(to_json(doc));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->flags, doc.flags);
}

TEST_F(ChecksTest, SupportedHeadlineAndNoHeadlineRaiseNothing) {
  const Document supported = analyse(
      "Russian troops attack Ukrainian soldiers",
      "Russian troops attacked Ukrainian soldiers near the border on Monday. Ukraine accused Russia of "
      "shelling. Poland condemned Russia. Germany criticized Russia.");
  EXPECT_EQ(count(supported, "headline-unsupported") + count(supported, "headline-contradicted"), 0U);
  EXPECT_TRUE(analyse("", "Russia attacked Ukraine. Poland condemned Russia.").flags.empty());
  const Document unsupported = analyse(
      "Russia attacks Ukraine", "Poland condemned Germany. France criticized Spain. Italy accused Greece.");
  EXPECT_EQ(count(unsupported, "headline-unsupported"), 1U);
}

TEST_F(ChecksTest, HeadlineEventAndPlaceMustMatchTheBody) {
  // The same countries, but the body has them cooperating, not fighting.
  const Document side =
      analyse("Russia attacks Ukraine",
              "Russia met Ukraine in Geneva on Monday. Poland praised Russia. France praised "
              "Ukraine. Germany thanked Poland.");
  EXPECT_EQ(count(side, "headline-unsupported"), 1U);
  // The same cooperation, placed elsewhere by the body.
  const Document place =
      analyse("Armenia and Azerbaijan met in Almaty",
              "Armenia and Azerbaijan met in Geneva on Monday. Poland praised Armenia. France "
              "praised Azerbaijan. Germany thanked Poland.");
  EXPECT_EQ(count(place, "headline-unsupported"), 1U);
  const Document right =
      analyse("Armenia and Azerbaijan met in Geneva",
              "Armenia and Azerbaijan met in Geneva on Monday. Poland praised Armenia. France "
              "praised Azerbaijan. Germany thanked Poland.");
  EXPECT_EQ(count(right, "headline-unsupported"), 0U);
}

}  // namespace
}  // namespace caspian
