// Tests of the dependency parser: its oracle, training, model files and robustness. The treebank is
// tests/data/dep_parser_tiny.conllu (hand-written sentences).
#include "nlp/dep_parser.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "eval/parse_eval.h"
#include "nlp/conllu.h"
#include "nlp/pos_tagger.h"
#include "train/parse_train_data.h"

namespace caspian::nlp {
namespace {

const std::filesystem::path kTreebank =
    std::filesystem::path(CASPIAN_SOURCE_DIR) / "tests/data/dep_parser_tiny.conllu";

std::vector<ParsedSentence> tiny_treebank() {
  auto sentences = read_parsed_sentences(kTreebank);
  EXPECT_TRUE(sentences.ok()) << sentences.status().to_string();
  return sentences.ok() ? std::move(sentences).value() : std::vector<ParsedSentence>{};
}

ParseTrainOptions tiny_options(int beam = 1) {
  ParseTrainOptions o;
  o.iterations = 10;
  o.beam = beam;
  o.dev_every_pass = false;
  // Ten passes over 73 words leave averaged weights far below the default threshold, tuned for a
  // full treebank.
  o.prune_below = 1e-3F;
  return o;
}

std::unique_ptr<DepParser> train_tiny(int beam = 1) {
  auto parser = DepParser::train(tiny_treebank(), {}, tiny_options(beam), nullptr);
  EXPECT_TRUE(parser.ok()) << parser.status().to_string();
  return parser.ok() ? std::move(parser).value() : nullptr;
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::filesystem::path temp_path(std::string_view name) {
  return std::filesystem::temp_directory_path() / ("caspian_dep_parser_test_" + std::string(name));
}

// `s` with the heads and labels `parser` gives its words and tags.
ParsedSentence reparsed(const DepParser& parser, ParsedSentence s) {
  const std::vector<std::string_view> w(s.words.begin(), s.words.end());
  const std::vector<std::string_view> u(s.upos.begin(), s.upos.end());
  const std::vector<std::string_view> x(s.xpos.begin(), s.xpos.end());
  parser.parse(w, u, x, s.heads, s.deprels);
  return s;
}

// Parses `words` with placeholder tags; checks the output is one tree with one root.
void expect_tree(const DepParser& parser, const std::vector<std::string>& words) {
  const std::vector<std::string_view> w(words.begin(), words.end());
  const std::vector<std::string_view> tags(words.size(), "NN");
  std::vector<int> heads;
  std::vector<std::string> deprels;
  parser.parse(w, tags, tags, heads, deprels);
  ASSERT_EQ(heads.size(), words.size());
  ASSERT_EQ(deprels.size(), words.size());
  const int n = static_cast<int>(words.size());
  int roots = 0;
  for (int i = 0; i < n; ++i) {
    const int h = heads[static_cast<size_t>(i)];
    ASSERT_GE(h, 0);
    ASSERT_LE(h, n);
    ASSERT_NE(h, i + 1);
    roots += h == 0 ? 1 : 0;
    EXPECT_FALSE(deprels[static_cast<size_t>(i)].empty());
    // Acyclic: the root is reached within n steps.
    int x = i + 1;
    for (int steps = 0; x != 0; ++steps) {
      ASSERT_LE(steps, n) << "cycle through word " << i + 1;
      x = heads[static_cast<size_t>(x - 1)];
    }
  }
  if (n > 0) EXPECT_EQ(roots, 1);
}

TEST(DepParserTest, OracleReproducesProjectiveGoldTrees) {
  const std::vector<ParsedSentence> treebank = tiny_treebank();
  ASSERT_EQ(treebank.size(), 12u);
  for (size_t i = 0; i < treebank.size(); ++i) {
    const auto derived = oracle_parse(treebank[i]);
    ASSERT_TRUE(derived.has_value()) << "sentence " << i + 1;
    if (i == 7) continue;  // the non-projective one
    EXPECT_EQ(derived->heads, treebank[i].heads) << "sentence " << i + 1;
    EXPECT_EQ(derived->deprels, treebank[i].deprels) << "sentence " << i + 1;
  }
}

TEST(DepParserTest, OracleProjectivizesNonProjectiveTrees) {
  const ParsedSentence gold = tiny_treebank().at(7);  // hearing -> issue crosses is/scheduled
  const auto derived = oracle_parse(gold);
  ASSERT_TRUE(derived.has_value());
  // "issue" (7) is lifted from "hearing" (2) to its head "scheduled" (4); the rest is kept.
  std::vector<int> expected = gold.heads;
  expected[6] = 4;
  EXPECT_EQ(derived->heads, expected);
  EXPECT_EQ(derived->deprels, gold.deprels);
}

TEST(DepParserTest, OracleRejectsNonTrees) {
  ParsedSentence cyclic = tiny_treebank().at(0);
  cyclic.heads = {2, 1, 0, 3};  // 1 <-> 2
  EXPECT_FALSE(oracle_parse(cyclic).has_value());
  ParsedSentence unannotated = tiny_treebank().at(0);
  unannotated.heads[1] = kConlluNoHead;
  EXPECT_FALSE(oracle_parse(unannotated).has_value());
}

// Greedy (beam 1, dynamic oracle) and beam search (global max-violation training).
class DepParserBeamTest : public testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Beams, DepParserBeamTest, testing::Values(1, 4),
                         [](const testing::TestParamInfo<int>& info) {
                           return "beam" + std::to_string(info.param);
                         });

TEST_P(DepParserBeamTest, TrainsOnATinyTreebankAndParsesItBack) {
  const std::vector<ParsedSentence> treebank = tiny_treebank();
  auto parser = train_tiny(GetParam());
  ASSERT_NE(parser, nullptr);
  const AttachmentScore score = parser->score(treebank);
  EXPECT_EQ(score.words, 73u);
  EXPECT_GE(score.uas(), 0.95);
  EXPECT_GE(score.las(), 0.9);
  // Sentence 1 exactly.
  const ParsedSentence parsed = reparsed(*parser, treebank[0]);
  EXPECT_EQ(parsed.heads, treebank[0].heads);
  EXPECT_EQ(parsed.deprels, treebank[0].deprels);
  EXPECT_EQ(parser->labels().size(), 21u);
  EXPECT_EQ(parser->beam(), GetParam());
}

TEST_P(DepParserBeamTest, TrainingIsDeterministicAndSaveLoadRoundTrips) {
  auto a = train_tiny(GetParam());
  auto b = train_tiny(GetParam());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const auto pa = temp_path("a.bin");
  const auto pb = temp_path("b.bin");
  const auto pc = temp_path("c.bin");
  ASSERT_TRUE(a->save(pa).ok());
  ASSERT_TRUE(b->save(pb).ok());
  EXPECT_EQ(read_bytes(pa), read_bytes(pb));
  auto loaded = DepParser::load(pa);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  ASSERT_TRUE((*loaded)->save(pc).ok());
  EXPECT_EQ(read_bytes(pa), read_bytes(pc));
  EXPECT_EQ((*loaded)->training_config(), a->training_config());
  EXPECT_EQ((*loaded)->beam(), GetParam());
  const std::vector<ParsedSentence> treebank = tiny_treebank();
  EXPECT_EQ((*loaded)->score(treebank).label_correct, a->score(treebank).label_correct);
  for (const auto& p : {pa, pb, pc}) std::filesystem::remove(p);
}

TEST(DepParserTest, RefusesBadModelFilesPrecisely) {
  auto parser = train_tiny();
  ASSERT_NE(parser, nullptr);
  const auto good = temp_path("good.bin");
  const auto bad = temp_path("bad.bin");
  ASSERT_TRUE(parser->save(good).ok());
  const std::string bytes = read_bytes(good);

  auto missing = DepParser::load(temp_path("missing.bin"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  write_bytes(bad, "CSPNPOS\0 not a parser");
  auto magic = DepParser::load(bad);
  EXPECT_EQ(magic.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(magic.status().message().find("not a caspian parser model"), std::string::npos);

  std::string version = bytes;
  version[8] = 99;  // the u32 format version follows the 8 magic bytes
  write_bytes(bad, version);
  auto v = DepParser::load(bad);
  EXPECT_EQ(v.status().code(), ErrorCode::kUnsupportedVersion);
  EXPECT_NE(v.status().message().find("format version 99, this build reads versions 2 to 3"),
            std::string::npos)
      << v.status().message();

  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x40);
  write_bytes(bad, flipped);
  auto f = DepParser::load(bad);
  EXPECT_EQ(f.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(f.status().message().find("checksum"), std::string::npos) << f.status().message();
  EXPECT_NE(f.status().message().find(bad.string()), std::string::npos);

  // A beam width out of range, in a file whose checksum is right: the u32 after the training config.
  constexpr size_t kHeader = 8 + 4 + 8;  // magic, format version, fingerprint
  constexpr size_t kChecksum = 8;
  std::string wide = bytes;
  uint32_t config_size = 0;
  std::memcpy(&config_size, wide.data() + kHeader, sizeof(config_size));  // little-endian host
  const size_t beam_at = kHeader + 4 + config_size;
  const uint32_t too_wide = kMaxParseBeam + 1;
  std::memcpy(wide.data() + beam_at, &too_wide, sizeof(too_wide));
  const uint64_t sum = XXH3_64bits(wide.data(), wide.size() - kChecksum);
  std::memcpy(wide.data() + wide.size() - kChecksum, &sum, sizeof(sum));
  write_bytes(bad, wide);
  auto w = DepParser::load(bad);
  EXPECT_EQ(w.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(w.status().message().find("bad beam width 65"), std::string::npos) << w.status().message();

  write_bytes(bad, std::string_view(bytes).substr(0, bytes.size() - 100));
  EXPECT_EQ(DepParser::load(bad).status().code(), ErrorCode::kCorrupt);
  write_bytes(bad, std::string_view(bytes).substr(0, 10));
  EXPECT_EQ(DepParser::load(bad).status().code(), ErrorCode::kCorrupt);
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

TEST(DepParserTest, BeamMarginIsStoredAndMatchesTrainingWithIt) {
  constexpr int kBeam = 4;
  constexpr float kMargin = 5.0F;
  auto full = train_tiny(kBeam);
  ParseTrainOptions o = tiny_options(kBeam);
  o.beam_margin = kMargin;
  auto trained = DepParser::train(tiny_treebank(), {}, o, nullptr);
  ASSERT_TRUE(trained.ok()) << trained.status().to_string();
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->beam_margin(), 0.0F);
  EXPECT_EQ((*trained)->beam_margin(), kMargin);
  // Setting the margin afterwards gives the very file training with it writes.
  ASSERT_TRUE(full->set_beam_margin(kMargin).ok());
  const auto pa = temp_path("margin_a.bin");
  const auto pb = temp_path("margin_b.bin");
  ASSERT_TRUE(full->save(pa).ok());
  ASSERT_TRUE((*trained)->save(pb).ok());
  const std::string bytes = read_bytes(pa);
  EXPECT_EQ(bytes, read_bytes(pb));
  auto loaded = DepParser::load(pa);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->beam_margin(), kMargin);
  // A margin wider than any score gap is the full beam; a tiny one still yields trees.
  const std::vector<ParsedSentence> treebank = tiny_treebank();
  const size_t full_correct = (*loaded)->score(treebank).label_correct;
  ASSERT_TRUE((*loaded)->set_beam_margin(0.0F).ok());
  const size_t unpruned = (*loaded)->score(treebank).label_correct;
  ASSERT_TRUE((*loaded)->set_beam_margin(1e9F).ok());
  EXPECT_EQ((*loaded)->score(treebank).label_correct, unpruned);
  ASSERT_TRUE((*loaded)->set_beam_margin(1e-6F).ok());
  expect_tree(**loaded, {"The", "minister", "met", "his", "counterpart", "in", "Almaty", "."});
  EXPECT_GT(full_correct, 0u);
  EXPECT_EQ((*loaded)->set_beam_margin(-1.0F).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*loaded)->set_beam_margin(std::nanf("")).code(), ErrorCode::kInvalidArgument);

  // A version 2 file (no margin field) still loads, with the full beam.
  constexpr size_t kHeader = 8 + 4 + 8;  // magic, format version, fingerprint
  constexpr size_t kChecksum = 8;
  uint32_t config_size = 0;
  std::memcpy(&config_size, bytes.data() + kHeader, sizeof(config_size));  // little-endian host
  const size_t margin_at = kHeader + 4 + config_size + 4;                  // after the beam width
  std::string v2 = bytes.substr(0, margin_at) + bytes.substr(margin_at + 4);
  const uint32_t version2 = 2;
  std::memcpy(v2.data() + 8, &version2, sizeof(version2));
  const uint64_t sum = XXH3_64bits(v2.data(), v2.size() - kChecksum);
  std::memcpy(v2.data() + v2.size() - kChecksum, &sum, sizeof(sum));
  write_bytes(pb, v2);
  auto old = DepParser::load(pb);
  ASSERT_TRUE(old.ok()) << old.status().to_string();
  EXPECT_EQ((*old)->beam(), kBeam);
  EXPECT_EQ((*old)->beam_margin(), 0.0F);
  EXPECT_EQ((*old)->score(treebank).label_correct, unpruned);
  std::filesystem::remove(pa);
  std::filesystem::remove(pb);
}

TEST_P(DepParserBeamTest, NeverFailsOnEmptyShortOrLongSentences) {
  auto parser = train_tiny(GetParam());
  ASSERT_NE(parser, nullptr);
  expect_tree(*parser, {});
  expect_tree(*parser, {"Hello"});
  expect_tree(*parser, {"\xff\xfe", ""});  // invalid UTF-8 and an empty word
  std::vector<std::string> long_sentence;
  constexpr size_t kLong = 5000;
  for (size_t i = 0; i < kLong; ++i)
    long_sentence.push_back(i % 7 == 6 ? "." : "word" + std::to_string(i % 13));
  expect_tree(*parser, long_sentence);
  // Missing tags are read as empty.
  const std::vector<std::string_view> words = {"a", "b", "c"};
  std::vector<int> heads;
  std::vector<std::string> deprels;
  parser->parse(words, {}, {}, heads, deprels);
  EXPECT_EQ(heads.size(), 3u);
  const std::vector<std::string> single = {"Hello"};
  const std::vector<std::string_view> one(single.begin(), single.end());
  parser->parse(one, one, one, heads, deprels);
  EXPECT_EQ(heads, std::vector<int>{0});
  EXPECT_EQ(deprels, std::vector<std::string>{"root"});
}

TEST(DepParserTest, TrainingRejectsBadInput) {
  ParseTrainOptions o = tiny_options();
  EXPECT_EQ(DepParser::train({}, {}, o, nullptr).status().code(), ErrorCode::kEmptyInput);
  std::vector<ParsedSentence> treebank = tiny_treebank();
  o.iterations = 0;
  EXPECT_EQ(DepParser::train(treebank, {}, o, nullptr).status().code(), ErrorCode::kInvalidArgument);
  o.iterations = 1;
  for (const int beam : {0, kMaxParseBeam + 1}) {
    o.beam = beam;
    EXPECT_EQ(DepParser::train(treebank, {}, o, nullptr).status().code(), ErrorCode::kInvalidArgument)
        << beam;
  }
  o.beam = 1;
  treebank[0].heads.pop_back();
  EXPECT_EQ(DepParser::train(treebank, {}, o, nullptr).status().code(), ErrorCode::kInvalidArgument);
}

TEST(DepParserTest, ScoresUniversalAndFullLabels) {
  ParsedSentence gold;
  gold.words = {"My", "car", "runs"};
  gold.heads = {2, 3, 0};
  gold.deprels = {"nmod:poss", "nsubj", "root"};
  AttachmentScore score;
  const std::vector<int> heads = {2, 3, 1};
  const std::vector<std::string> deprels = {"nmod", "nsubj", "root"};
  score.add(gold, heads, deprels);
  EXPECT_EQ(score.words, 3u);
  EXPECT_EQ(score.head_correct, 2u);
  EXPECT_EQ(score.label_correct, 2u);       // nmod:poss vs nmod: the universal relation agrees
  EXPECT_EQ(score.full_label_correct, 1u);  // ... the full label does not
}

TEST(DepParserTest, SilverParsesAreTheTeachersTreesOverTheTaggersTags) {
  const std::vector<ParsedSentence> treebank = tiny_treebank();
  std::vector<TaggedSentence> tagged;
  for (const ParsedSentence& s : treebank) tagged.push_back({s.words, s.upos, s.xpos});
  PosTrainOptions tag_options;
  tag_options.iterations = 4;
  auto tagger = PosTagger::train(tagged, {}, tag_options, nullptr);
  ASSERT_TRUE(tagger.ok()) << tagger.status().to_string();
  const std::unique_ptr<DepParser> teacher = train_tiny(2);
  ASSERT_NE(teacher, nullptr);
  const std::vector<std::vector<std::string>> text = {
      {"The", "dog", "sleeps", "."},
      {"Hi", "."},  // too short
      {"Cats", "chase", "the", "red", "dog", "."},
      {"The", "dog", "sleeps", "."},        // a repeat
      std::vector<std::string>(9, "ball"),  // too long for max_words below
  };
  SilverOptions options;
  options.max_words = 8;
  std::ostringstream log;
  const std::vector<const DepParser*> teachers = {teacher.get()};
  const std::vector<ParsedSentence> silver = silver_parses(**tagger, teachers, text, options, &log);
  ASSERT_EQ(silver.size(), 2u) << log.str();
  EXPECT_EQ(silver[0].words, text[0]);
  EXPECT_EQ(silver[1].words, text[2]);
  EXPECT_NE(log.str().find("2 sentences, 10 words"), std::string::npos) << log.str();
  for (const ParsedSentence& s : silver) {
    const std::vector<std::string_view> w(s.words.begin(), s.words.end());
    std::vector<std::string> upos;
    std::vector<std::string> xpos;
    (*tagger)->tag(w, upos, xpos);
    EXPECT_EQ(s.upos, upos);
    EXPECT_EQ(s.xpos, xpos);
    const ParsedSentence by_teacher = reparsed(*teacher, s);
    EXPECT_EQ(s.heads, by_teacher.heads);
    EXPECT_EQ(s.deprels, by_teacher.deprels);
  }
  // Silver trees are training data: a parser trains on them.
  ParseTrainOptions student = tiny_options();
  EXPECT_TRUE(DepParser::train(silver, {}, student, nullptr).ok());
  // With two teachers, only the sentences on which both give the same tree are kept.
  const std::unique_ptr<DepParser> greedy = train_tiny(1);
  ASSERT_NE(greedy, nullptr);
  const std::vector<const DepParser*> two = {teacher.get(), greedy.get()};
  const std::vector<ParsedSentence> agreed = silver_parses(**tagger, two, text, options, nullptr);
  const std::vector<const DepParser*> twice = {teacher.get(), teacher.get()};
  EXPECT_EQ(silver_parses(**tagger, twice, text, options, nullptr).size(), silver.size());
  size_t same = 0;
  for (const ParsedSentence& s : silver) {
    const ParsedSentence by_greedy = reparsed(*greedy, s);
    same += by_greedy.heads == s.heads && by_greedy.deprels == s.deprels ? 1 : 0;
  }
  EXPECT_EQ(agreed.size(), same);
  // every = 3 reads sentences 0 and 3 of the text, the second a repeat of the first.
  options.every = 3;
  const std::vector<ParsedSentence> sample = silver_parses(**tagger, teachers, text, options, nullptr);
  ASSERT_EQ(sample.size(), 1u);
  EXPECT_EQ(sample[0].words, text[0]);
}

}  // namespace
}  // namespace caspian::nlp
