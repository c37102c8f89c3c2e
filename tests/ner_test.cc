// The named-entity recogniser: CoNLL readers, conlleval-style scoring, training, tagging, and the
// model file. Fixtures under tests/data/ner/ are synthetic sentences written for these tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eval/ner_eval.h"
#include "nlp/conll_ner.h"
#include "nlp/ner_tagger.h"

namespace caspian::nlp {
namespace {

const std::filesystem::path kDataDir = std::filesystem::path(CASPIAN_SOURCE_DIR) / "tests" / "data" / "ner";

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("caspian_ner_test_" + std::to_string(::getpid()) + "_" + name);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string_view>> views(const NerDocument& d) {
  std::vector<std::vector<std::string_view>> out;
  for (const NerSentence& s : d.sentences) out.emplace_back(s.words.begin(), s.words.end());
  return out;
}

TEST(ConllNer, ReadsFourColumnDocuments) {
  auto docs = read_conll_ner(kDataDir / "synthetic-train.conll");
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->size(), 2U);
  EXPECT_EQ((*docs)[0].sentences.size(), 2U);
  EXPECT_EQ((*docs)[1].sentences.size(), 3U);
  EXPECT_EQ((*docs)[0].sentences[0].words[0], "Maria");
  EXPECT_EQ((*docs)[0].sentences[0].tags[0], "I-PER");
  EXPECT_EQ((*docs)[0].sentences[0].line, 3U);
  EXPECT_EQ(ner_types(*docs), (std::vector<std::string>{"LOC", "MISC", "ORG", "PER"}));
}

TEST(ConllNer, DetectsTwoColumnAndTabFormats) {
  auto two = read_conll_ner(kDataDir / "synthetic-2col.txt");
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ((*two)[0].sentences[0].words.size(), 7U);
  auto tab = read_conll_ner(kDataDir / "synthetic-re3d.tab");
  ASSERT_TRUE(tab.ok()) << tab.status().message();
  ASSERT_EQ((*tab)[0].sentences.size(), 2U);
  EXPECT_EQ((*tab)[0].sentences[0].tags[0], "B-Organisation");
  // Forcing the wrong format is an error naming the line.
  auto forced = read_conll_ner(kDataDir / "synthetic-2col.txt", NerFormat::kConll4);
  ASSERT_FALSE(forced.ok());
  EXPECT_NE(forced.status().message().find("synthetic-2col.txt:1"), std::string::npos)
      << forced.status().message();
}

TEST(ConllNer, MalformedLineNamesFileAndLine) {
  auto docs = read_conll_ner(kDataDir / "malformed.conll");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), ErrorCode::kParseError);
  EXPECT_NE(docs.status().message().find("malformed.conll:2"), std::string::npos) << docs.status().message();
  auto bad_tag = parse_conll_ner("a X-PER\n", "mem", NerFormat::kConll2);
  ASSERT_FALSE(bad_tag.ok());
  EXPECT_NE(bad_tag.status().message().find("mem:1: malformed entity tag"), std::string::npos);
  EXPECT_EQ(parse_conll_ner("\n\n", "mem").status().code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(parse_conll_ner("a\xff O\n", "mem").status().code(), ErrorCode::kInvalidUtf8);
}

TEST(ConllNer, ChunksFollowConllevalRules) {
  // IOB1: B- separates two adjacent entities of one type.
  const std::vector<std::string> iob1 = {"I-LOC", "B-LOC", "O", "I-PER", "I-PER", "I-ORG"};
  const std::vector<NerChunk> expected = {{0, 1, "LOC"}, {1, 2, "LOC"}, {3, 5, "PER"}, {5, 6, "ORG"}};
  EXPECT_EQ(chunks_of(iob1), expected);
  // BIO and BILOU.
  EXPECT_EQ(chunks_of({"B-PER", "I-PER", "B-PER"}), (std::vector<NerChunk>{{0, 2, "PER"}, {2, 3, "PER"}}));
  EXPECT_EQ(chunks_of({"B-PER", "L-PER", "U-PER", "I-PER"}),
            (std::vector<NerChunk>{{0, 2, "PER"}, {2, 3, "PER"}, {3, 4, "PER"}}));
  EXPECT_TRUE(chunks_of({"O", "O"}).empty());
}

TEST(NerEval, ExactSpanScoring) {
  NerEvalReport r;
  // Gold: PER [0,2), LOC [3,4); predicted: PER [0,1) (wrong boundary), LOC [3,4) (right), ORG [5,6).
  add_to_report({{0, 2, "PER"}, {3, 4, "LOC"}}, {{0, 1, "PER"}, {3, 4, "LOC"}, {5, 6, "ORG"}}, {}, r);
  EXPECT_EQ(r.overall.gold, 2U);
  EXPECT_EQ(r.overall.predicted, 3U);
  EXPECT_EQ(r.overall.correct, 1U);
  EXPECT_DOUBLE_EQ(r.overall.f1(), 2.0 / 5.0);
  EXPECT_EQ(r.by_type["LOC"].correct, 1U);
  EXPECT_EQ(r.by_type["PER"].correct, 0U);
  // Restricting the scored types drops other types on both sides.
  NerEvalReport only_loc;
  add_to_report({{0, 2, "PER"}, {3, 4, "LOC"}}, {{0, 1, "PER"}, {3, 4, "LOC"}, {5, 6, "ORG"}}, {"LOC"},
                only_loc);
  EXPECT_EQ(only_loc.overall.gold, 1U);
  EXPECT_EQ(only_loc.overall.predicted, 1U);
  EXPECT_DOUBLE_EQ(only_loc.overall.f1(), 1.0);
}

TEST(NerEval, MapsRe3dTypes) {
  auto docs = read_conll_ner(kDataDir / "synthetic-re3d.tab");
  ASSERT_TRUE(docs.ok());
  map_ner_types(*docs, {{"Person", "PER"}, {"Organisation", "ORG"}, {"Location", "LOC"}}, false);
  EXPECT_EQ(ner_types(*docs), (std::vector<std::string>{"LOC", "ORG", "PER"}));
}

class NerTaggerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto docs = read_conll_ner(kDataDir / "synthetic-train.conll");
    ASSERT_TRUE(docs.ok());
    train_ = new std::vector<NerDocument>(std::move(docs).value());
    NerTrainOptions options;
    options.iterations = 8;
    auto tagger = NerTagger::train(*train_, {}, options, nullptr);
    ASSERT_TRUE(tagger.ok()) << tagger.status().message();
    tagger_ = tagger->release();
  }
  static void TearDownTestSuite() {
    delete tagger_;
    delete train_;
  }
  static std::vector<NerDocument>* train_;
  static NerTagger* tagger_;
};
std::vector<NerDocument>* NerTaggerTest::train_ = nullptr;
NerTagger* NerTaggerTest::tagger_ = nullptr;

TEST_F(NerTaggerTest, LearnsTheTrainingData) {
  size_t gold = 0;
  size_t correct = 0;
  for (const NerDocument& d : *train_) {
    const std::vector<NerSpan> spans = tagger_->tag_document(views(d));
    for (size_t s = 0; s < d.sentences.size(); ++s) {
      const std::vector<NerChunk> predicted =
          chunks_of(spans_to_tags(spans, static_cast<uint32_t>(s), d.sentences[s].words.size()));
      for (const NerChunk& g : chunks_of(d.sentences[s].tags)) {
        ++gold;
        correct += std::find(predicted.begin(), predicted.end(), g) != predicted.end() ? 1 : 0;
      }
    }
  }
  EXPECT_EQ(gold, 12U);
  EXPECT_GE(correct, 11U);
  EXPECT_EQ(tagger_->types(), (std::vector<std::string>{"LOC", "MISC", "ORG", "PER"}));
}

TEST_F(NerTaggerTest, SpansAreWellFormed) {
  const std::vector<std::vector<std::string_view>> doc = {
      {}, {"Maria", "Lindqvist", "went", "to", "Oslo", "."}, {"\xff\xfe", "", "Zephyr"}};
  const std::vector<NerSpan> spans = tagger_->tag_document(doc);
  for (size_t i = 0; i < spans.size(); ++i) {
    EXPECT_LT(spans[i].begin, spans[i].end);
    EXPECT_LE(spans[i].end, doc[spans[i].sentence].size());
    EXPECT_GT(spans[i].confidence, 0.0F);
    EXPECT_LE(spans[i].confidence, 1.0F);
    if (i > 0) {
      const bool ordered = spans[i - 1].sentence < spans[i].sentence ||
                           (spans[i - 1].sentence == spans[i].sentence && spans[i - 1].end <= spans[i].begin);
      EXPECT_TRUE(ordered);
    }
  }
  EXPECT_TRUE(tagger_->tag_document({}).empty());
}

TEST_F(NerTaggerTest, SaveLoadRoundTripAndDeterminism) {
  const auto a = temp_path("a.bin");
  const auto b = temp_path("b.bin");
  ASSERT_TRUE(tagger_->save(a).ok());
  NerTrainOptions options;
  options.iterations = 8;
  auto again = NerTagger::train(*train_, {}, options, nullptr);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->save(b).ok());
  EXPECT_EQ(slurp(a), slurp(b)) << "training is not deterministic";
  auto loaded = NerTagger::load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  for (const NerDocument& d : *train_) {
    const auto x = tagger_->tag_document(views(d));
    const auto y = (*loaded)->tag_document(views(d));
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].begin, y[i].begin);
      EXPECT_EQ(x[i].end, y[i].end);
      EXPECT_EQ(x[i].type, y[i].type);
    }
  }
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST_F(NerTaggerTest, RefusesDamagedModels) {
  const auto path = temp_path("damaged.bin");
  ASSERT_TRUE(tagger_->save(path).ok());
  std::string bytes = slurp(path);
  const auto write = [&](const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  write(flipped);
  auto r = NerTagger::load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
  write(bytes.substr(0, bytes.size() / 3));
  EXPECT_EQ(NerTagger::load(path).status().code(), ErrorCode::kCorrupt);
  std::string other_version = bytes;
  other_version[8] = 9;
  write(other_version);
  EXPECT_EQ(NerTagger::load(path).status().code(), ErrorCode::kUnsupportedVersion);
  write("CSPNPOS\0 not an NER model");
  r = NerTagger::load(path);
  EXPECT_NE(r.status().message().find("not a caspian NER model"), std::string::npos);
  EXPECT_EQ(NerTagger::load(temp_path("missing.bin")).status().code(), ErrorCode::kNotFound);
  std::filesystem::remove(path);
}

TEST_F(NerTaggerTest, EvaluatesFilesWithMapping) {
  const auto path = temp_path("eval.bin");
  ASSERT_TRUE(tagger_->save(path).ok());
  auto report = evaluate_ner(*tagger_, kDataDir / "synthetic-re3d.tab");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->mapping.empty());
  EXPECT_EQ(report->overall.gold, 3U);  // the Quantity is ignored
  EXPECT_EQ(report->by_type.count("MISC"), 0U);
  auto two = evaluate_ner(*tagger_, kDataDir / "synthetic-2col.txt");
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(two->mapping.empty());
  EXPECT_EQ(two->overall.gold, 2U);
  EXPECT_NE(format_report(*two).find("overall"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(NerTaggerTrain, RejectsBadInput) {
  EXPECT_EQ(NerTagger::train({}, {}, {}, nullptr).status().code(), ErrorCode::kEmptyInput);
  NerDocument d;
  d.sentences.push_back(NerSentence{{"a", "b"}, {"O"}, 1});
  EXPECT_EQ(NerTagger::train({d}, {}, {}, nullptr).status().code(), ErrorCode::kInvalidArgument);
  NerTrainOptions zero;
  zero.iterations = 0;
  EXPECT_EQ(NerTagger::train({d}, {}, zero, nullptr).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace caspian::nlp
