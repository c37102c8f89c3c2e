// Readers of untrusted input: each bad input yields one clear error naming it,
// and reading goes on.
#include "caspian/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir_test_base.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

class IngestTest : public caspian::test_support::TempDirTest {
 protected:
  IngestTest() : TempDirTest("caspian_ingest_test_") {}

  struct Record {
    std::string origin;
    Status status;
    std::optional<Document> doc;
  };

  std::vector<Record> read(const std::vector<std::string>& paths, ReadOptions opts = {}) {
    std::vector<Record> out;
    Status st = read_inputs(paths, opts, [&](const RecordOrigin& o, Result<Document> d) {
      Record r{o.to_string(), d.status(), std::nullopt};
      if (d.ok()) r.doc = std::move(d).value();
      out.push_back(std::move(r));
      return true;
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
};

TEST_F(IngestTest, PlainTextFirstLineIsHeadline) {
  const auto p = write("a.txt", "\n\nThe Headline\n\nFirst paragraph.\nSecond.\n\n");
  auto recs = read({p});
  ASSERT_EQ(recs.size(), 1U);
  ASSERT_TRUE(recs[0].doc);
  EXPECT_EQ(recs[0].doc->title, "The Headline");
  EXPECT_EQ(recs[0].doc->body(), "First paragraph.\nSecond.");
  EXPECT_EQ(recs[0].doc->text, "The Headline\n\nFirst paragraph.\nSecond.");
}

TEST_F(IngestTest, MetadataFlagsApplyToText) {
  const auto p = write("a.txt", "Body only.");
  ReadOptions o;
  o.title = "Given";
  o.date = "2025-08-20";
  o.url = "https://x.org/a";
  auto recs = read({p}, o);
  ASSERT_TRUE(recs[0].doc);
  EXPECT_EQ(recs[0].doc->title, "Given");
  EXPECT_EQ(recs[0].doc->url, "https://x.org/a");
  ASSERT_TRUE(recs[0].doc->published);
}

TEST_F(IngestTest, NewsPleaseJson) {
  const auto p =
      write("a.json", R"({"title":"T","maintext":"Body.","date_publish":"2025-08-20 09:00:00","url":"u",)"
                      R"("source_domain":"s.org","language":"en","categories":["x"]})");
  auto recs = read({p});
  ASSERT_TRUE(recs[0].doc) << recs[0].status.to_string();
  EXPECT_EQ(recs[0].doc->title, "T");
  EXPECT_EQ(recs[0].doc->source, "s.org");
  EXPECT_EQ(recs[0].doc->categories, std::vector<std::string>{"x"});
  ASSERT_TRUE(recs[0].doc->published);
}

TEST_F(IngestTest, JsonlMalformedLineIsReportedWithLineNumberAndReadingGoesOn) {
  const auto p = write(
      "a.jsonl", "{\"title\":\"one\",\"text\":\"a\"}\n{broken\n\n{\"title\":\"three\",\"text\":\"c\"}\n");
  auto recs = read({p});
  ASSERT_EQ(recs.size(), 3U);
  EXPECT_TRUE(recs[0].doc);
  EXPECT_EQ(recs[1].origin, p + ":2");
  EXPECT_EQ(recs[1].status.code(), ErrorCode::kParseError);
  EXPECT_TRUE(recs[2].doc);
  EXPECT_EQ(recs[2].origin, p + ":4");
}

TEST_F(IngestTest, JsonlDetectedByContentWithoutExtension) {
  const auto p = write("dump", "{\"title\":\"one\",\"text\":\"a\"}\n{\"title\":\"two\",\"text\":\"b\"}\n");
  auto recs = read({p});
  ASSERT_EQ(recs.size(), 2U);
  EXPECT_TRUE(recs[1].doc);
}

TEST_F(IngestTest, BadInputsEachFailAloneWithAReason) {
  const auto invalid = write("invalid.txt", "Head\nok text \xC3\x28 more");
  const auto empty = write("empty.txt", "");
  const auto blank = write("blank.txt", "  \n\t\n");
  const auto binary = write("binary.txt", std::string("Head\nabc\0def", 12));
  const auto missing = (dir_ / "missing.txt").string();
  const auto good = write("good.txt", "Head\nFine text.");
  const auto big = write("big.txt", "Head\n" + std::string(2048, 'a'));
  ReadOptions o;
  o.max_bytes = 1024;
  auto recs = read({invalid, empty, blank, binary, missing, big, good}, o);
  ASSERT_EQ(recs.size(), 7U);
  EXPECT_EQ(recs[0].status.code(), ErrorCode::kInvalidUtf8);
  EXPECT_NE(recs[0].status.message().find("byte 13"), std::string::npos) << recs[0].status.message();
  EXPECT_NE(recs[0].status.message().find("line 2"), std::string::npos);
  EXPECT_EQ(recs[1].status.code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(recs[2].status.code(), ErrorCode::kEmptyInput);
  EXPECT_EQ(recs[3].status.code(), ErrorCode::kBinaryInput);
  EXPECT_EQ(recs[4].status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(recs[4].origin, missing);
  EXPECT_EQ(recs[5].status.code(), ErrorCode::kTooLarge);
  EXPECT_TRUE(recs[6].doc);
}

TEST_F(IngestTest, OversizedJsonlLineIsSkippedNotBuffered) {
  const auto p = write("a.jsonl", "{\"title\":\"a\",\"text\":\"" + std::string(5000, 'x') +
                                      "\"}\n{\"title\":\"b\",\"text\":\"ok\"}\n");
  ReadOptions o;
  o.max_bytes = 1000;
  auto recs = read({p}, o);
  ASSERT_EQ(recs.size(), 2U);
  EXPECT_EQ(recs[0].status.code(), ErrorCode::kTooLarge);
  EXPECT_TRUE(recs[1].doc);
}

TEST_F(IngestTest, DirectoriesAreWalkedInOrderSkippingHiddenFiles) {
  fs::create_directories(dir_ / "d" / "sub");
  std::ofstream(dir_ / "d" / "b.txt") << "B\nb";
  std::ofstream(dir_ / "d" / "a.txt") << "A\na";
  std::ofstream(dir_ / "d" / ".hidden") << "H\nh";
  std::ofstream(dir_ / "d" / "sub" / "c.txt") << "C\nc";
  auto recs = read({(dir_ / "d").string()});
  ASSERT_EQ(recs.size(), 3U);
  EXPECT_EQ(recs[0].doc->title, "A");
  EXPECT_EQ(recs[1].doc->title, "B");
  EXPECT_EQ(recs[2].doc->title, "C");
}

TEST_F(IngestTest, TruncatedGzipReportsTheDamage) {
  // Write a valid gzip with the system tool, then cut it.
  const auto src = write("x.jsonl", std::string(200, '\n') + "{\"title\":\"a\",\"text\":\"b\"}\n");
  ASSERT_EQ(std::system(("gzip -kf " + src).c_str()), 0);
  const fs::path gz = src + ".gz";
  const auto size = fs::file_size(gz);
  fs::resize_file(gz, size - 8);
  auto recs = read({gz.string()});
  ASSERT_FALSE(recs.empty());
  bool saw_error = false;
  for (const auto& r : recs) saw_error = saw_error || r.status.code() == ErrorCode::kCorrupt;
  EXPECT_TRUE(saw_error);
}

}  // namespace
}  // namespace caspian

namespace caspian {
namespace {

// Found by fuzz_news_json: a number too large for a double made the JSON
// library throw out_of_range instead of parse_error.
TEST(NewsJsonTest, HugeNumbersAreAParseErrorNotACrash) {
  auto r = document_from_news_json(R"({"title": "t", "text": "x", "n": 11122e221111735267})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kParseError);
}

}  // namespace
}  // namespace caspian
