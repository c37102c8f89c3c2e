// The stage contract: Pipeline::create refuses an order that cannot work, each stage assigns what
// it declares and changes nothing it does not declare, and stages read their configuration from
// PipelineOptions only.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "caspian/caspian.h"
#include "seed_article.h"

namespace caspian {
namespace {

const std::filesystem::path kDataDir = CASPIAN_SOURCE_DIR "/data";

Result<Pipeline> make(std::vector<std::string> stages, AnnotationSet given = {}) {
  PipelineOptions o;
  o.data_dir = kDataDir;
  o.stages = std::move(stages);
  o.given = given;
  return Pipeline::create(o);
}

std::string create_error(std::vector<std::string> stages, AnnotationSet given = {}) {
  auto p = make(std::move(stages), given);
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument);
  return p.status().message();
}

TEST(StageContractTest, TheDefaultOrderAndEveryPrefixOfItWork) {
  const std::vector<std::string> all = stage_names();
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::vector<std::string> prefix(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_TRUE(check_stage_order(prefix).ok()) << check_stage_order(prefix).message();
  }
}

TEST(StageContractTest, AnImpossibleOrderIsRefusedWithWhatIsMissing) {
  const std::string alone = create_error({"events"});
  EXPECT_NE(alone.find("stage 'events' requires tokens, sentences, tags, trees, places, names"),
            std::string::npos)
      << alone;
  EXPECT_NE(alone.find("'tokenize', 'pos', 'parse', 'gazetteer', 'country-names', 'ner'"), std::string::npos)
      << alone;
  const std::string swapped = create_error({"tokenize", "parse", "pos"});
  EXPECT_NE(swapped.find("stage 'parse' requires tags, which no stage before it assigns (run 'pos'"),
            std::string::npos)
      << swapped;
  EXPECT_NE(create_error({"tokenize", "gazetteer", "ner", "ner"}).find("'ner' is listed twice"),
            std::string::npos);
  const std::string unknown = create_error({"tokenize", "sentiment"});
  EXPECT_NE(unknown.find("unknown stage 'sentiment' (known: language, tokenize, pos, parse"),
            std::string::npos)
      << unknown;
  EXPECT_FALSE(stage_contract("sentiment").ok());
}

TEST(StageContractTest, GivenAnnotationsSatisfyLaterStages) {
  EXPECT_NE(create_error({"parse"}), "");
  EXPECT_EQ(create_error({"parse"}, {Annotation::kTokens, Annotation::kSentences, Annotation::kTags}), "");
  EXPECT_NE(create_error({"parse"}, {Annotation::kTokens, Annotation::kSentences}), "");
}

TEST(StageContractTest, NamesOfAnnotations) {
  EXPECT_EQ(annotation_name(Annotation::kTrees), "trees");
  EXPECT_EQ((AnnotationSet{Annotation::kFlags, Annotation::kTokens}).names(), "tokens, flags");
  EXPECT_TRUE(AnnotationSet{}.empty());
  EXPECT_EQ((AnnotationSet{Annotation::kTags, Annotation::kTrees}).minus({Annotation::kTags}),
            AnnotationSet{Annotation::kTrees});
}

// A printable snapshot of one annotation of a document, to see what a stage changed.
std::string snapshot(const Document& d, Annotation a) {
  std::ostringstream s;
  switch (a) {
    case Annotation::kTokens:
      for (const Token& t : d.tokens) s << t.span.begin << '-' << t.span.end << ' ';
      break;
    case Annotation::kSentences:
      for (const Sentence& x : d.sentences) s << x.first_token << '+' << x.token_count << ' ';
      break;
    case Annotation::kTags:
      for (const Token& t : d.tokens) {
        if (t.upos != Upos::kNone || !t.xpos.empty()) s << to_string(t.upos) << '/' << t.xpos << ' ';
      }
      break;
    case Annotation::kTrees:
      for (const Token& t : d.tokens) {
        if (!t.deprel.empty()) s << t.head << ':' << t.deprel << ' ';
      }
      break;
    case Annotation::kTimes:
      for (const TimeExpression& t : d.times) s << t.span.begin << '=' << t.value << ' ';
      break;
    case Annotation::kPlaces:
    case Annotation::kNames:
      for (const Mention& m : d.mentions) {
        const bool place = m.method == "gazetteer" || m.method == "country-names";
        if (place == (a == Annotation::kPlaces))
          s << m.span.begin << '-' << m.span.end << '=' << m.entity_id << '@' << m.confidence << ' ';
      }
      break;
    case Annotation::kEvents:
      for (const Event& e : d.events)
        s << e.code << ':' << e.source.code << '>' << e.target.code << '@' << e.confidence << ' ';
      break;
    case Annotation::kFlags:
      for (const Flag& f : d.flags) s << f.kind << ' ';
      break;
    case Annotation::kTopics:
      for (const Topic& t : d.topics) s << t.id << '@' << t.score << ' ';
      break;
    case Annotation::kLanguage:
      s << d.language;
      break;
    case Annotation::kTone:
      if (d.tone) s << d.tone->avg_tone << '/' << d.tone->compound << ' ';
      for (const Event& e : d.events) {
        if (e.tone) s << e.tone->avg_tone << ' ';
      }
      break;
  }
  return s.str();
}

Document seed() {
  return test_support::seed_article();
}

TEST(StageContractTest, EachStageAssignsWhatItDeclaresAndNothingElse) {
  auto pipeline = make({});
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().message();
  Document doc = seed();
  for (const auto& stage : pipeline->stages()) {
    SCOPED_TRACE(std::string(stage->name()));
    auto contract = stage_contract(stage->name());
    ASSERT_TRUE(contract.ok());
    std::vector<std::string> before;
    for (size_t i = 0; i < kAnnotationCount; ++i) before.push_back(snapshot(doc, static_cast<Annotation>(i)));
    ASSERT_TRUE(stage->process(doc).ok());
    for (size_t i = 0; i < kAnnotationCount; ++i) {
      const auto a = static_cast<Annotation>(i);
      SCOPED_TRACE(std::string(annotation_name(a)));
      const std::string after = snapshot(doc, a);
      if (stage->name() == "country-names") {
        // Acts on other languages than English only (CountryNameStageAssignsPlacesOnly): the
        // English seed is left as it is.
        EXPECT_EQ(after, before[i]);
      } else if (contract->assigned.contains(a)) {
        EXPECT_NE(after, before[i]) << "the seed article gets some of it";
      } else if (!contract->revised.contains(a)) {
        EXPECT_EQ(after, before[i]);
      }
    }
  }
  EXPECT_TRUE(doc.issues.empty());
}

TEST(StageContractTest, CountryNameStageAssignsPlacesOnly) {
  auto pipeline = make({"language", "tokenize", "gazetteer"});
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().message();
  auto stage = make({"country-names"});
  ASSERT_TRUE(stage.ok()) << stage.status().message();
  Document doc = make_document("Россия и Казахстан подписали соглашение",
                               "Россия и Казахстан подписали во вторник соглашение о поставках газа через "
                               "Каспийское море, сообщили в правительстве Казахстана.");
  pipeline->run(doc);
  ASSERT_EQ(doc.language, "ru");
  std::vector<std::string> before;
  for (size_t i = 0; i < kAnnotationCount; ++i) before.push_back(snapshot(doc, static_cast<Annotation>(i)));
  stage->run(doc);
  for (size_t i = 0; i < kAnnotationCount; ++i) {
    const auto a = static_cast<Annotation>(i);
    SCOPED_TRACE(std::string(annotation_name(a)));
    if (a == Annotation::kPlaces) {
      EXPECT_NE(snapshot(doc, a), before[i]);
    } else {
      EXPECT_EQ(snapshot(doc, a), before[i]);
    }
  }
  EXPECT_TRUE(doc.issues.empty());
}

TEST(StageOptionsTest, ModelsComeFromTheOptionsNotTheEnvironment) {
  PipelineOptions o;
  o.data_dir = kDataDir;
  o.stages = {"tokenize", "pos"};
  ::setenv("CASPIAN_POS_MODEL", "/nonexistent/pos.bin", 1);
  EXPECT_TRUE(Pipeline::create(o).ok()) << "a stage read the environment";
  PipelineOptions from_env = o;
  models_from_environment(from_env);
  ::unsetenv("CASPIAN_POS_MODEL");
  EXPECT_EQ(from_env.pos_model, "/nonexistent/pos.bin");
  auto missing = Pipeline::create(from_env);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/pos.bin"), std::string::npos)
      << missing.status().message();
  // An option given is not overridden by the environment.
  ::setenv("CASPIAN_PARSE_MODEL", "/nonexistent/parse.bin", 1);
  PipelineOptions given = o;
  given.parse_model = "mine.bin";
  models_from_environment(given);
  ::unsetenv("CASPIAN_PARSE_MODEL");
  EXPECT_EQ(given.parse_model, "mine.bin");
  o.stages = {"tokenize", "gazetteer", "ner"};
  o.ner_model = "/nonexistent/ner.bin";
  EXPECT_FALSE(Pipeline::create(o).ok());
}

}  // namespace
}  // namespace caspian
