// Tests of the CoNLL-U reader, the part-of-speech tagger and its evaluator.
// Every sentence here was written for these tests (no treebank text).
#include "nlp/pos_tagger.h"

#include <gtest/gtest.h>
#include <zlib.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "eval/pos_eval.h"
#include "nlp/conllu.h"

namespace caspian::nlp {
namespace {

// A tiny treebank: a multiword token, an empty node, comments, SpaceAfter=No.
constexpr std::string_view kTreebank =
    "# newdoc id = a\n"
    "# sent_id = a-1\n"
    "# text = The cat didn't sleep.\n"
    "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n"
    "2\tcat\tcat\tNOUN\tNN\t_\t5\tnsubj\t_\t_\n"
    "3-4\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "3\tdid\tdo\tAUX\tVBD\t_\t5\taux\t_\t_\n"
    "4\tn't\tnot\tPART\tRB\t_\t5\tadvmod\t_\t_\n"
    "5\tsleep\tsleep\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n"
    "5.1\tslept\tsleep\tVERB\tVBD\t_\t_\t_\t0:root\t_\n"
    "6\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_\n"
    "\n"
    "# newpar\n"
    "# text = Dogs run\n"
    "1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
    "2\trun\trun\tVERB\tVBP\t_\t0\troot\t_\t_\n"
    "\n";

TEST(ConlluTest, ParsesWordsMultiwordsAndComments) {
  auto parsed = parse_conllu(kTreebank);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 2u);
  const ConlluSentence& s = (*parsed)[0];
  EXPECT_TRUE(s.new_doc);
  EXPECT_EQ(s.sent_id, "a-1");
  EXPECT_EQ(s.text, "The cat didn't sleep.");
  ASSERT_EQ(s.words.size(), 6u);  // the range "3-4" and the empty node "5.1" are not words
  EXPECT_EQ(s.words[2].form, "did");
  EXPECT_EQ(s.words[2].upos, "AUX");
  EXPECT_EQ(s.words[2].xpos, "VBD");
  EXPECT_EQ(s.words[2].head, 5);
  EXPECT_EQ(s.words[2].deprel, "aux");
  EXPECT_EQ(s.words[4].head, 0);
  EXPECT_FALSE(s.words[4].space_after);
  ASSERT_EQ(s.multiwords.size(), 1u);
  EXPECT_EQ(s.multiwords[0].form, "didn't");
  EXPECT_EQ(s.multiwords[0].first, 2u);
  EXPECT_EQ(s.multiwords[0].last, 3u);
  EXPECT_TRUE((*parsed)[1].new_par);
  EXPECT_FALSE((*parsed)[1].new_doc);
}

TEST(ConlluTest, RejectsMalformedLinesWithTheirNumber) {
  const auto code_and_message = [](std::string_view text) {
    auto r = parse_conllu(text);
    return std::make_pair(r.status().code(), r.status().message());
  };
  auto [code, message] = code_and_message("# c\n1\ta\ta\tX\tX\t_\t0\troot\t_\t_\n2\tonly\ttwo\n\n");
  EXPECT_EQ(code, ErrorCode::kParseError);
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  EXPECT_EQ(code_and_message("1\ta\ta\tX\tX\t_\tnine\troot\t_\t_\n").first, ErrorCode::kParseError);
  EXPECT_EQ(code_and_message("1\ta\ta\tX\tX\t_\t7\troot\t_\t_\n").first, ErrorCode::kParseError);  // HEAD > n
  EXPECT_EQ(code_and_message("2\ta\ta\tX\tX\t_\t0\troot\t_\t_\n").first, ErrorCode::kParseError);  // id gap
  EXPECT_EQ(code_and_message("x-y\ta\t_\t_\t_\t_\t_\t_\t_\t_\n").first, ErrorCode::kParseError);
  EXPECT_EQ(code_and_message("1\t\xFF\t_\t_\t_\t_\t_\t_\t_\t_\n").first, ErrorCode::kInvalidUtf8);
  auto empty = parse_conllu("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

class PosFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caspian_pos_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void write_bytes(const std::filesystem::path& p, std::string_view bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::filesystem::path dir_;
};

TEST_F(PosFileTest, ReadsPlainAndGzipAndRejectsTruncatedGzip) {
  const std::filesystem::path plain = dir_ / "tiny.conllu";
  write_bytes(plain, kTreebank);
  auto from_plain = read_conllu(plain);
  ASSERT_TRUE(from_plain.ok()) << from_plain.status().to_string();
  EXPECT_EQ(from_plain->size(), 2u);

  // Long enough that half of the compressed stream is a truncated deflate stream.
  std::string big;
  for (int i = 0; i < 200; ++i) big += kTreebank;
  const std::filesystem::path gz = dir_ / "tiny.conllu.gz";
  {
    gzFile f = gzopen(gz.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, big.data(), static_cast<unsigned>(big.size())), static_cast<int>(big.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
  }
  auto from_gz = read_conllu(gz);
  ASSERT_TRUE(from_gz.ok()) << from_gz.status().to_string();
  EXPECT_EQ(from_gz->size(), 400u);

  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
  auto truncated = read_conllu(gz);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), ErrorCode::kIoError);
  EXPECT_NE(truncated.status().message().find(gz.string()), std::string::npos);

  const std::filesystem::path bad = dir_ / "bad.conllu";
  write_bytes(bad, "1\tfine\t_\t_\t_\t_\t_\t_\t_\t_\n1\tbroken\n");
  auto malformed = read_conllu(bad);
  EXPECT_EQ(malformed.status().code(), ErrorCode::kParseError);
  EXPECT_NE(malformed.status().message().find("line 2"), std::string::npos);
  EXPECT_EQ(read_conllu(dir_ / "missing.conllu").status().code(), ErrorCode::kNotFound);
  write_bytes(bad, "# only a comment\n");
  EXPECT_EQ(read_conllu(bad).status().code(), ErrorCode::kEmptyInput);
}

// A toy corpus: short sentences over a small vocabulary where context decides the tags
// ("run" is a noun after "a", a verb after a plural noun).
std::vector<TaggedSentence> toy_corpus() {
  const auto s = [](std::vector<std::string> w, std::vector<std::string> u, std::vector<std::string> x) {
    return TaggedSentence{std::move(w), std::move(u), std::move(x)};
  };
  return {
      s({"Dogs", "run", "."}, {"NOUN", "VERB", "PUNCT"}, {"NNS", "VBP", "."}),
      s({"Cats", "run", "fast", "."}, {"NOUN", "VERB", "ADV", "PUNCT"}, {"NNS", "VBP", "RB", "."}),
      s({"A", "run", "helps", "."}, {"DET", "NOUN", "VERB", "PUNCT"}, {"DT", "NN", "VBZ", "."}),
      s({"Anna", "saw", "a", "run", "."}, {"PROPN", "VERB", "DET", "NOUN", "PUNCT"},
        {"NNP", "VBD", "DT", "NN", "."}),
      s({"The", "dogs", "saw", "Anna", "."}, {"DET", "NOUN", "VERB", "PROPN", "PUNCT"},
        {"DT", "NNS", "VBD", "NNP", "."}),
      s({"Birds", "fly", "."}, {"NOUN", "VERB", "PUNCT"}, {"NNS", "VBP", "."}),
      s({"A", "fly", "saw", "Bob", "."}, {"DET", "NOUN", "VERB", "PROPN", "PUNCT"},
        {"DT", "NN", "VBD", "NNP", "."}),
  };
}

PosTrainOptions toy_options() {
  PosTrainOptions o;
  o.iterations = 8;
  o.tagdict_min_count = 1000;  // no dictionary: every word is scored
  o.train_source = "toy";
  return o;
}

std::vector<std::string_view> views(const TaggedSentence& s) {
  return {s.words.begin(), s.words.end()};
}

TEST(PosTaggerTest, LearnsAToyCorpusPerfectly) {
  const auto corpus = toy_corpus();
  for (const bool joint : {true, false}) {
    PosTrainOptions o = toy_options();
    o.joint_labels = joint;
    auto tagger = PosTagger::train(corpus, corpus, o, nullptr);
    ASSERT_TRUE(tagger.ok()) << tagger.status().to_string();
    const PosEvalReport report = evaluate_pos(**tagger, corpus);
    EXPECT_EQ(report.upos_correct, report.words) << format_report(report);
    EXPECT_EQ(report.xpos_correct, report.words) << format_report(report);
    EXPECT_NE((*tagger)->training_config().find("\"upos_accuracy\":1.0"), std::string::npos)
        << (*tagger)->training_config();
  }
}

TEST(PosTaggerTest, TagsEmptyAndUnseenInput) {
  auto tagger = PosTagger::train(toy_corpus(), {}, toy_options(), nullptr);
  ASSERT_TRUE(tagger.ok());
  std::vector<std::string> upos = {"stale"};
  std::vector<std::string> xpos = {"stale"};
  (*tagger)->tag({}, upos, xpos);
  EXPECT_TRUE(upos.empty());
  EXPECT_TRUE(xpos.empty());
  // Unseen words, invalid UTF-8 and non-ASCII still get a tag.
  const std::vector<std::string_view> odd = {"Zyx", "\xFF\xFE", "Éclair", "", "42"};
  (*tagger)->tag(odd, upos, xpos);
  ASSERT_EQ(upos.size(), odd.size());
  for (size_t i = 0; i < odd.size(); ++i) {
    EXPECT_FALSE(upos[i].empty());
    EXPECT_FALSE(xpos[i].empty());
  }
}

TEST(PosTaggerTest, RefusesBadTrainingData) {
  EXPECT_EQ(PosTagger::train({}, {}, toy_options(), nullptr).status().code(), ErrorCode::kEmptyInput);
  std::vector<TaggedSentence> ragged = {TaggedSentence{{"a", "b"}, {"DET"}, {"DT", "DT"}}};
  EXPECT_EQ(PosTagger::train(ragged, {}, toy_options(), nullptr).status().code(),
            ErrorCode::kInvalidArgument);
  PosTrainOptions zero = toy_options();
  zero.iterations = 0;
  EXPECT_EQ(PosTagger::train(toy_corpus(), {}, zero, nullptr).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(PosFileTest, SaveLoadRoundTripAndDeterminism) {
  const auto corpus = toy_corpus();
  auto a = PosTagger::train(corpus, corpus, toy_options(), nullptr);
  auto b = PosTagger::train(corpus, corpus, toy_options(), nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->save(dir_ / "a.bin").ok());
  ASSERT_TRUE((*b)->save(dir_ / "b.bin").ok());
  EXPECT_EQ(read_bytes(dir_ / "a.bin"), read_bytes(dir_ / "b.bin"));  // same seed: byte-identical

  auto loaded = PosTagger::load(dir_ / "a.bin");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->training_config(), (*a)->training_config());
  std::vector<std::string> u1, x1, u2, x2;
  for (const TaggedSentence& s : corpus) {
    (*a)->tag(views(s), u1, x1);
    (*loaded)->tag(views(s), u2, x2);
    EXPECT_EQ(u1, u2);
    EXPECT_EQ(x1, x2);
  }
  const std::vector<std::string_view> unseen = {"Zed", "flies", "a", "route", "."};
  (*a)->tag(unseen, u1, x1);
  (*loaded)->tag(unseen, u2, x2);
  EXPECT_EQ(u1, u2);
  EXPECT_EQ(x1, x2);

  PosTrainOptions other = toy_options();
  other.seed += 1;
  auto c = PosTagger::train(corpus, corpus, other, nullptr);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->save(dir_ / "c.bin").ok());
  EXPECT_NE(read_bytes(dir_ / "c.bin"), read_bytes(dir_ / "a.bin"));  // the seed is recorded at least
}

TEST_F(PosFileTest, RefusesBadModelFiles) {
  auto tagger = PosTagger::train(toy_corpus(), {}, toy_options(), nullptr);
  ASSERT_TRUE(tagger.ok());
  const std::filesystem::path good = dir_ / "good.bin";
  ASSERT_TRUE((*tagger)->save(good).ok());
  const std::string bytes = read_bytes(good);
  const std::filesystem::path bad = dir_ / "bad.bin";
  const auto load_code = [&](std::string_view content) {
    write_bytes(bad, content);
    auto r = PosTagger::load(bad);
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(bad.string()), std::string::npos) << r.status().message();
    }
    return r.ok() ? ErrorCode::kOk : r.status().code();
  };
  // Re-seals a modified body with a valid trailing checksum (XXH3-64 of everything before it).
  const auto reseal = [](std::string body) {
    body.resize(body.size() - 8);
    uint64_t h = XXH3_64bits(body.data(), body.size());
    for (int i = 0; i < 8; ++i, h >>= 8) body.push_back(static_cast<char>(h & 0xFF));
    return body;
  };
  EXPECT_EQ(load_code(bytes), ErrorCode::kOk);
  EXPECT_EQ(PosTagger::load(dir_ / "missing.bin").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(load_code(""), ErrorCode::kCorrupt);
  EXPECT_EQ(load_code("not a model at all"), ErrorCode::kCorrupt);
  for (const size_t cut : {size_t{9}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_EQ(load_code(bytes.substr(0, cut)), ErrorCode::kCorrupt) << "cut at " << cut;
  }
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x5A;
  EXPECT_EQ(load_code(flipped), ErrorCode::kCorrupt);

  std::string version = bytes;  // format version: the u32 after the 8 magic bytes
  version[8] = static_cast<char>(kPosModelFormatVersion + 1);
  EXPECT_EQ(load_code(version), ErrorCode::kUnsupportedVersion);

  std::string fingerprint = bytes;  // the u64 after the version
  fingerprint[12] ^= 0x01;
  EXPECT_EQ(load_code(reseal(fingerprint)), ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(load_code(fingerprint), ErrorCode::kCorrupt);  // without resealing: the checksum fails

  // A consistent checksum over inconsistent contents: the model count.
  std::string count = bytes;
  const uint32_t config_size = static_cast<uint8_t>(bytes[20]) | static_cast<uint8_t>(bytes[21]) << 8 |
                               static_cast<uint8_t>(bytes[22]) << 16 |
                               static_cast<uint32_t>(static_cast<uint8_t>(bytes[23])) << 24;
  count[24 + config_size] = 9;
  EXPECT_EQ(load_code(reseal(count)), ErrorCode::kCorrupt);
}

TEST_F(PosFileTest, EvaluatesAFile) {
  const std::filesystem::path plain = dir_ / "tiny.conllu";
  write_bytes(plain, kTreebank);
  auto gold = read_tagged_sentences(plain);
  ASSERT_TRUE(gold.ok());
  PosTrainOptions o = toy_options();
  auto tagger = PosTagger::train(*gold, {}, o, nullptr);
  ASSERT_TRUE(tagger.ok());
  auto report = evaluate_pos(**tagger, plain);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->words, 8u);
  EXPECT_EQ(report->sentences, 2u);
  EXPECT_DOUBLE_EQ(report->upos_accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report->xpos_accuracy(), 1.0);
  const std::string text = format_report(*report);
  EXPECT_NE(text.find("UPOS"), std::string::npos);
  EXPECT_NE(text.find("1.0000"), std::string::npos);
  EXPECT_EQ(evaluate_pos(**tagger, dir_ / "missing.conllu").status().code(), ErrorCode::kNotFound);
}

TEST_F(PosFileTest, LexiconClassesTeachUnseenWords) {
  // "glorped" and "blicks" never occur in training; the lexicon says what they can be, and the
  // training words with the same classes teach the model what the classes mean.
  const std::filesystem::path lexicon = dir_ / "lexicon.tsv";
  write_bytes(lexicon,
              "#caspian-lexicon\t1\n"
              "saw\tNN,VBD\nglorped\tVBD\nrun\tNN,VB\nblicks\tNNS,VBZ\ndogs\tNNS,VBZ\n"
              "cats\tNNS\nbirds\tNNS\n");
  PosTrainOptions o = toy_options();
  o.lexicon = lexicon.string();
  auto tagger = PosTagger::train(toy_corpus(), {}, o, nullptr);
  ASSERT_TRUE(tagger.ok()) << tagger.status().to_string();
  const std::vector<std::string_view> words = {"Anna", "glorped", "a", "run", "."};
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  (*tagger)->tag(words, upos, xpos);
  EXPECT_EQ(xpos[1], "VBD");
  // The lexicon travels inside the model: the reloaded model tags the same, without the file.
  ASSERT_TRUE((*tagger)->save(dir_ / "m.bin").ok());
  std::filesystem::remove(lexicon);
  auto loaded = PosTagger::load(dir_ / "m.bin");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  std::vector<std::string> upos2;
  std::vector<std::string> xpos2;
  (*loaded)->tag(words, upos2, xpos2);
  EXPECT_EQ(xpos2, xpos);
  EXPECT_EQ(upos2, upos);
}

TEST_F(PosFileTest, RefusesMalformedLexicons) {
  PosTrainOptions o = toy_options();
  o.lexicon = (dir_ / "bad.tsv").string();
  const auto fails_with = [&](std::string_view bytes, std::string_view message) {
    write_bytes(o.lexicon, bytes);
    const auto r = PosTagger::train(toy_corpus(), {}, o, nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
    EXPECT_NE(r.status().message().find(message), std::string::npos) << r.status().message();
  };
  fails_with("run\tVB\n", "bad.tsv:1: not a caspian lexicon");
  fails_with("#caspian-lexicon\t1\nrun VB\n", "bad.tsv:2: expected form<TAB>classes");
  fails_with("#caspian-lexicon\t1\nrun\tVB\nsaw\tXYZ\n", "bad.tsv:3: unknown class 'XYZ'");
  o.lexicon = (dir_ / "missing.tsv").string();
  EXPECT_EQ(PosTagger::train(toy_corpus(), {}, o, nullptr).status().code(), ErrorCode::kNotFound);
}

TEST(PosTaggerTest, WordCacheDoesNotChangeTags) {
  // The cache only precomputes sums of the same weights: with or without it, the tags agree.
  PosTrainOptions with = toy_options();
  PosTrainOptions without = toy_options();
  without.cache_words = 0;
  auto a = PosTagger::train(toy_corpus(), {}, with, nullptr);
  auto b = PosTagger::train(toy_corpus(), {}, without, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<std::vector<std::string_view>> sentences = {
      {"Dogs", "saw", "a", "fly", "."}, {"Bob", "run", "Zyx", "helps"}, {"."}, {"fly", "fly", "fly"}};
  for (const auto& words : sentences) {
    std::vector<std::string> ua, xa, ub, xb;
    (*a)->tag(words, ua, xa);
    (*b)->tag(words, ub, xb);
    EXPECT_EQ(ua, ub);
    EXPECT_EQ(xa, xb);
  }
}

}  // namespace
}  // namespace caspian::nlp
