// Tone: VADER's scores of sentences against the reference implementation, its rules one by one,
// the data files' errors, GDELT's scales, and the "tone" stage on the seed article.
#include "nlp/tone.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "caspian/caspian.h"
#include "seed_article.h"

namespace caspian {
namespace {

const std::filesystem::path kDataDir = CASPIAN_SOURCE_DIR "/data";

class ToneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto lexicon = nlp::ToneLexicon::load(kDataDir / "tone");
    ASSERT_TRUE(lexicon.ok()) << lexicon.status().to_string();
    lexicon_ = std::make_unique<nlp::ToneLexicon>(std::move(lexicon).value());
    PipelineOptions o;
    o.data_dir = kDataDir;
    o.stages = {"tokenize"};
    auto p = Pipeline::create(o);
    ASSERT_TRUE(p.ok()) << p.status().to_string();
    tokenizer_ = std::make_unique<Pipeline>(std::move(p).value());
  }
  static void TearDownTestSuite() {
    lexicon_.reset();
    tokenizer_.reset();
  }

  // The scores of `text`, tokenised as one sentence.
  static nlp::SentenceTone score(const std::string& text) {
    Document d = make_document("", text);
    tokenizer_->run(d);
    EXPECT_EQ(d.sentences.size(), 1U) << text;
    const nlp::SentenceWords w = nlp::sentence_words(d, d.sentences.at(0));
    return nlp::score_words(*lexicon_, w.words, w.exclamations, w.questions);
  }
  static double compound(const std::string& text) { return score(text).compound; }

  static inline std::unique_ptr<nlp::ToneLexicon> lexicon_;
  static inline std::unique_ptr<Pipeline> tokenizer_;
};

// Compound scores of vader-sentiment 1.1.3 (the package data/tone comes from), rounded there to four
// decimals: SentimentIntensityAnalyzer.polarity_scores(text).compound under node.
TEST_F(ToneTest, MatchesTheReferenceImplementation) {
  const std::pair<const char*, double> cases[] = {
      {"The talks were good.", 0.4404},
      {"The talks were not good.", -0.3412},
      {"The talks were very good.", 0.4927},
      {"The talks were good, but the outcome was terrible.", -0.4939},
      {"The talks were GREAT, officials said.", 0.7034},
      {"The talks were great, officials said.", 0.6249},
      {"The talks were great!", 0.6588},
      {"The talks were great!!!", 0.7163},
      {"Was it good??", 0.504},
      {"The talks were kind of good.", 0.3832},
      {"This is the least good plan.", -0.3412},
      {"At least the plan is good.", 0.4404},
      {"The deal was never so good.", 0.7279},
      {"The attack killed 12 people and wounded dozens.", -0.8225},
      {"The ministers signed a peace agreement and praised the cooperation.", 0.872},
      {"They did not reject the offer.", 0.3089},
      {"The plan is hardly good.", 0.3832},
      {"The army is extremely powerful.", 0.4754},
      {"It was the kiss of death for the treaty.", -0.6124},
      {"Officials are really not happy with the deal.", -0.5067},
  };
  for (const auto& [text, expected] : cases) EXPECT_NEAR(compound(text), expected, 1e-4) << text;
}

TEST_F(ToneTest, NegationFlipsTheWordsWithinThreeWords) {
  EXPECT_GT(compound("The talks were good."), 0);
  EXPECT_LT(compound("The talks were not good."), 0);
  EXPECT_LT(compound("The talks were not very good."), 0);
  EXPECT_LT(compound("The talks weren't good."), 0) << "the tokenizer's \"n't\" is part of the word";
  EXPECT_LT(compound("The talks weren’t good."), 0) << "with a typographic apostrophe";
  EXPECT_GT(compound("Not that the long talks were good."), 0) << "four words before: too far";
  const nlp::SentenceTone t = score("They did not attack.");
  EXPECT_EQ(t.positive_words, 1U);
  EXPECT_EQ(t.negative_words, 0U);
}

TEST_F(ToneTest, BoostersRaiseDampenersLowerLessWithDistance) {
  const double good = compound("The plan is good.");
  EXPECT_GT(compound("The plan is very good."), good);
  EXPECT_GT(compound("The plan is very good."), compound("Very much the plan is good."));
  EXPECT_LT(compound("The plan is slightly good."), good);
  EXPECT_LT(compound("The plan is kind of good."), good);
  EXPECT_LT(compound("The plan is very bad."), compound("The plan is bad."));
}

TEST_F(ToneTest, ButWeightsTheClauseAfterIt) {
  EXPECT_LT(compound("The offer was good, but the response was bad."), 0);
  EXPECT_GT(compound("The offer was bad, but the response was good."), 0);
  EXPECT_GT(compound("But the response was good."), compound("The response was good."));
}

TEST_F(ToneTest, CapitalsEmphasiseOnlyWhenTheSentenceMixesCase) {
  EXPECT_GT(compound("The talks were GREAT."), compound("The talks were great."));
  EXPECT_NEAR(compound("THE TALKS WERE GREAT."), compound("the talks were great."), 1e-12);
  EXPECT_GT(compound("The plan is VERY good."), compound("The plan is very good."));
}

TEST_F(ToneTest, PunctuationAmplifies) {
  EXPECT_GT(compound("The talks were great!"), compound("The talks were great."));
  EXPECT_GT(compound("The talks were great!!!!"), compound("The talks were great!"));
  EXPECT_NEAR(compound("The talks were great!!!!!!"), compound("The talks were great!!!!"), 1e-12);
  EXPECT_DOUBLE_EQ(compound("The talks took place on Monday!"), 0.0);
}

TEST_F(ToneTest, GdeltScalesAreWordShares) {
  const Tone t = nlp::gdelt_tone(3, 1, 50, 0.25);
  EXPECT_DOUBLE_EQ(t.positive, 6.0);
  EXPECT_DOUBLE_EQ(t.negative, 2.0);
  EXPECT_DOUBLE_EQ(t.avg_tone, 4.0);
  EXPECT_DOUBLE_EQ(t.compound, 0.25);
  EXPECT_EQ(t.words, 50U);
  EXPECT_EQ(nlp::gdelt_tone(0, 0, 0, 0.0), Tone{});
}

TEST(ToneLexiconTest, ErrorsNameTheFileAndLine) {
  const std::array<std::string, 4> names = {"lex.tsv", "boost.tsv", "neg.txt", "idioms.tsv"};
  const auto parse = [&](std::string_view lexicon, std::string_view boosters, std::string_view negations) {
    return nlp::ToneLexicon::parse(lexicon, boosters, negations, "idiom\tvalence\n", names).status();
  };
  EXPECT_TRUE(parse("word\tvalence\ngood\t1.9\n", "word\tscalar\nvery\t0.293\n", "not\n").ok());
  const Status bad_number = parse("word\tvalence\ngood\t1.9\nbad\tlow\n", "", "");
  EXPECT_EQ(bad_number.code(), ErrorCode::kParseError);
  EXPECT_NE(bad_number.message().find("lex.tsv:3"), std::string::npos) << bad_number.message();
  const Status no_tab = parse("word\tvalence\ngood\n", "", "");
  EXPECT_NE(no_tab.message().find("lex.tsv:2: expected word<TAB>number"), std::string::npos)
      << no_tab.message();
  const Status bad_booster = parse("word\tvalence\ngood\t1.9\n", "word\tscalar\nvery 0.293\n", "");
  EXPECT_NE(bad_booster.message().find("boost.tsv:2"), std::string::npos) << bad_booster.message();
  const Status bad_negation = parse("word\tvalence\ngood\t1.9\n", "", "not\nnot at all\n");
  EXPECT_NE(bad_negation.message().find("neg.txt:2"), std::string::npos) << bad_negation.message();
  EXPECT_EQ(parse("word\tvalence\n", "", "").code(), ErrorCode::kParseError);
  const auto missing = nlp::ToneLexicon::load("/nonexistent/tone");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/tone/vader_lexicon.tsv"), std::string::npos);
}

Result<Pipeline> pipeline(std::vector<std::string> stages, const std::filesystem::path& data = kDataDir) {
  PipelineOptions o;
  o.data_dir = data;
  o.stages = std::move(stages);
  return Pipeline::create(o);
}

TEST(ToneStageTest, ScoresTheArticleOnGdeltsScales) {
  auto p = pipeline({"tokenize", "tone"});
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  Document d = make_document("", "The deal is good. The war is terrible and deadly.");
  p->run(d);
  ASSERT_TRUE(d.tone.has_value());
  EXPECT_EQ(d.tone->words, 10U);
  EXPECT_DOUBLE_EQ(d.tone->positive, 10.0);  // good
  EXPECT_DOUBLE_EQ(d.tone->negative, 20.0);  // war, terrible ("deadly" is not in the lexicon)
  EXPECT_DOUBLE_EQ(d.tone->avg_tone, -10.0);
  EXPECT_LT(d.tone->compound, 0);
  Document unscored = make_document("", "The deal is good.");
  EXPECT_FALSE(unscored.tone.has_value());
}

TEST(ToneStageTest, AMissingLexiconFailsAtCreation) {
  const auto p = pipeline({"tokenize", "tone"}, "/nonexistent");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("/nonexistent/tone"), std::string::npos) << p.status().message();
}

TEST(ToneStageTest, TheSeedArticleAndItsEventsAreScored) {
  auto p = pipeline({});
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  std::optional<Document> d = test_support::seed_article();
  p->run(*d);
  ASSERT_TRUE(d->tone.has_value());
  EXPECT_GT(d->tone->words, 300U);
  EXPECT_NE(d->tone->avg_tone, 0.0);
  EXPECT_DOUBLE_EQ(d->tone->avg_tone, d->tone->positive - d->tone->negative);
  ASSERT_FALSE(d->events.empty());
  for (const Event& e : d->events) {
    ASSERT_TRUE(e.tone.has_value()) << e.code;
    EXPECT_GT(e.tone->words, 0U);
    EXPECT_LE(e.tone->words, d->tone->words);
  }
}

}  // namespace
}  // namespace caspian
