// WARC reading: synthetic archives written by the tests themselves (plain,
// gzip per record, one gzip member, truncated, oversized), HTTP payload
// decoding, and the counting of skipped records.
#include "ingest/warc.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "caspian/ingest.h"
#include "ingest/chunk_source.h"
#include "temp_dir_test_base.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

constexpr int kGzipWindowBits = 31;
constexpr int kMemLevel = 8;

// One gzip member holding `data`.
std::string gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(
      deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string record(std::string_view type, std::string_view uri, std::string_view content_type,
                   std::string_view block, std::string_view version = "WARC/1.0") {
  std::string r(version);
  r += "\r\nWARC-Type: ";
  r += type;
  r += "\r\nWARC-Date: 2025-03-04T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:";
  r += std::to_string(block.size());
  r += ">\r\n";
  if (!uri.empty()) {
    r += "WARC-Target-URI: ";
    r += uri;
    r += "\r\n";
  }
  r += "Content-Type: ";
  r += content_type;
  r += "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  r += block;
  r += "\r\n\r\n";
  return r;
}

const std::string kArticleHtml =
    "<!DOCTYPE html><html><head><title>Talks resume in Yerevan</title></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Talks resume in Yerevan</h1>"
    "<p>Armenian and Azerbaijani negotiators met in Yerevan on Monday to resume talks on the border, "
    "officials "
    "said, after a pause of several months in which both sides traded accusations.</p>"
    "<p>The meeting, hosted by the foreign ministry, lasted four hours and ended with an agreement to meet "
    "again next month in Baku, according to a joint statement.</p></article></body></html>";

std::string http_response(std::string_view content_type, std::string_view body, std::string_view extra = "",
                          std::string_view status = "200 OK") {
  std::string r = "HTTP/1.1 ";
  r += status;
  r += "\r\nContent-Type: ";
  r += content_type;
  r += "\r\n";
  r += extra;
  r += "\r\n";
  r += body;
  return r;
}

// warcinfo, request, response (HTML), metadata, response (image).
std::vector<std::string> sample_records() {
  return {
      record("warcinfo", "", "application/warc-fields", "software: caspian test\r\n"),
      record("request", "<https://news.example.org/a>", "application/http; msgtype=request",
             "GET /a HTTP/1.1\r\nHost: news.example.org\r\n\r\n"),
      record("response", "<https://news.example.org/a>", "application/http; msgtype=response",
             http_response("text/html; charset=utf-8", kArticleHtml)),
      record("metadata", "https://news.example.org/a", "application/warc-fields", "fetchTimeMs: 12\r\n"),
      record("response", "https://news.example.org/logo.png", "application/http; msgtype=response",
             http_response("image/png", std::string("\x89PNG\r\n\x1a\n\0\0", 10))),
  };
}

class WarcTest : public caspian::test_support::TempDirTest {
 protected:
  WarcTest() : TempDirTest("caspian_warc_test_") {}

  struct Record {
    std::string origin;
    Status status;
    std::optional<Document> doc;
  };

  std::vector<Record> read(const std::vector<std::string>& paths, ReadOptions opts = {},
                           ReadStats* stats = nullptr) {
    std::vector<Record> out;
    opts.stats = stats;
    Status st = read_inputs(paths, opts, [&](const RecordOrigin& o, Result<Document> d) {
      Record r{o.to_string(), d.status(), std::nullopt};
      if (d.ok()) r.doc = std::move(d).value();
      out.push_back(std::move(r));
      return true;
    });
    EXPECT_TRUE(st.ok());
    return out;
  }

  // Checks the outcome of reading sample_records(): one article, the rest
  // skipped and counted.
  void expect_sample(const std::vector<Record>& recs, const ReadStats& stats, const std::string& path) {
    ASSERT_EQ(recs.size(), 1U);
    ASSERT_TRUE(recs[0].doc) << recs[0].status.to_string();
    EXPECT_EQ(recs[0].origin, path + "#3");
    EXPECT_EQ(recs[0].doc->url, "https://news.example.org/a");
    EXPECT_NE(recs[0].doc->text.find("negotiators met in Yerevan"), std::string::npos);
    EXPECT_EQ(stats.warc_records, 5U);
    const std::map<std::string, uint64_t> expected = {{"warc metadata record", 1},
                                                      {"warc request record", 1},
                                                      {"warc response that is not HTML", 1},
                                                      {"warc warcinfo record", 1}};
    EXPECT_EQ(stats.skipped, expected);
  }
};

TEST_F(WarcTest, PlainWarcYieldsHtmlResponsesAndCountsTheRest) {
  std::string warc;
  for (const auto& r : sample_records()) warc += r;
  const auto p = write("sample.warc", warc);
  ReadStats stats;
  expect_sample(read({p}, {}, &stats), stats, p);
}

TEST_F(WarcTest, GzipPerRecordIsDetectedByNameAndByContent) {
  std::string warc;
  for (const auto& r : sample_records()) warc += gzip(r);
  const auto named = write("sample.warc.gz", warc);
  ReadStats stats;
  expect_sample(read({named}, {}, &stats), stats, named);
  const auto unnamed = write("sample.bin", warc);
  ReadStats stats2;
  expect_sample(read({unnamed}, {}, &stats2), stats2, unnamed);
}

TEST_F(WarcTest, OneGzipMemberForTheWholeFile) {
  std::string warc;
  for (const auto& r : sample_records()) warc += r;
  const auto p = write("whole.warc.gz", gzip(warc));
  ReadStats stats;
  expect_sample(read({p}, {}, &stats), stats, p);
}

TEST_F(WarcTest, TruncatedGzipRecordDeliversTheCompleteOnesThenOneError) {
  const auto recs_in = sample_records();
  std::string warc = gzip(recs_in[0]) + gzip(recs_in[1]) + gzip(recs_in[2]);
  const std::string last = gzip(recs_in[2]);
  warc += last.substr(0, last.size() / 2);  // a fourth record cut in half
  const auto p = write("clipped.warc.gz", warc);
  ReadStats stats;
  const auto recs = read({p}, {}, &stats);
  ASSERT_EQ(recs.size(), 2U);
  ASSERT_TRUE(recs[0].doc);
  EXPECT_EQ(recs[0].origin, p + "#3");
  EXPECT_FALSE(recs[1].status.ok());
  EXPECT_EQ(recs[1].origin, p + "#4");
  EXPECT_EQ(recs[1].status.code(), ErrorCode::kCorrupt);
  EXPECT_NE(recs[1].status.message().find("record 4 at offset"), std::string::npos)
      << recs[1].status.message();
  EXPECT_NE(recs[1].status.message().find("truncated"), std::string::npos) << recs[1].status.message();
}

TEST_F(WarcTest, TruncatedPlainRecordNamesItsOffset) {
  const auto recs_in = sample_records();
  const std::string warc = recs_in[0] + recs_in[2].substr(0, recs_in[2].size() - 100);
  const auto p = write("cut.warc", warc);
  const auto recs = read({p});
  ASSERT_EQ(recs.size(), 1U);
  EXPECT_EQ(recs[0].status.code(), ErrorCode::kCorrupt);
  EXPECT_NE(recs[0].status.message().find("record 2 at offset " + std::to_string(recs_in[0].size())),
            std::string::npos)
      << recs[0].status.message();
}

TEST_F(WarcTest, OversizedRecordIsSkippedWithAnErrorAndReadingGoesOn) {
  const std::string big_page = "<html><body><p>" + std::string(5000, 'x') + "</p></body></html>";
  std::string warc = record("response", "https://big.example.org/", "application/http; msgtype=response",
                            http_response("text/html", big_page));
  for (const auto& r : sample_records()) warc += r;
  const auto p = write("big.warc.gz", gzip(warc));
  ReadOptions opts;
  opts.max_bytes = 4096;
  ReadStats stats;
  const auto recs = read({p}, opts, &stats);
  ASSERT_EQ(recs.size(), 2U);
  EXPECT_EQ(recs[0].status.code(), ErrorCode::kTooLarge);
  EXPECT_EQ(recs[0].origin, p + "#1");
  ASSERT_TRUE(recs[1].doc);
  EXPECT_EQ(recs[1].doc->url, "https://news.example.org/a");
  EXPECT_EQ(stats.warc_records, 6U);
}

TEST_F(WarcTest, ForcedFormatAndGarbageAfterRecords) {
  std::string warc = sample_records()[2] + "this is not a WARC record\r\n\r\n";
  const auto p = write("x.txt", warc);
  ReadOptions opts;
  opts.format = InputFormat::kWarc;
  const auto recs = read({p}, opts);
  ASSERT_EQ(recs.size(), 2U);
  EXPECT_TRUE(recs[0].doc);
  EXPECT_EQ(recs[1].status.code(), ErrorCode::kParseError);
  EXPECT_NE(recs[1].status.message().find("not a WARC record"), std::string::npos);
}

TEST(WarcReaderTest, ParsesHeaderFieldsOfAllVersionsAndLooseLineEnds) {
  std::string warc = record("response", "<https://a.example/x>", "application/http; msgtype=response",
                            http_response("text/html", "<p>hi</p>"), "WARC/1.1");
  warc += "WARC/0.18\nWARC-Type: resource\nwarc-target-uri: https://b.example/\ncontent-length: 3\n\nabc\n\n";
  ingest::WarcReader reader(ingest::memory_chunk_source(warc), 1 << 20);
  ingest::WarcRecord rec;
  auto got = reader.next(rec);
  ASSERT_TRUE(got.ok() && *got) << got.status().to_string();
  EXPECT_EQ(rec.version, "WARC/1.1");
  EXPECT_EQ(rec.type, "response");
  EXPECT_EQ(rec.target_uri, "https://a.example/x");
  EXPECT_EQ(rec.date, "2025-03-04T10:00:00Z");
  EXPECT_EQ(rec.content_type, "application/http; msgtype=response");
  EXPECT_EQ(rec.number, 1U);
  EXPECT_EQ(rec.stream_offset, 0U);
  got = reader.next(rec);
  ASSERT_TRUE(got.ok() && *got) << got.status().to_string();
  EXPECT_EQ(rec.type, "resource");
  EXPECT_EQ(rec.target_uri, "https://b.example/");
  EXPECT_EQ(rec.block, "abc");
  got = reader.next(rec);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(*got);
}

TEST(WarcReaderTest, MissingContentLengthIsAnError) {
  const std::string warc = "WARC/1.0\r\nWARC-Type: response\r\n\r\nabc";
  ingest::WarcReader reader(ingest::memory_chunk_source(warc), 1 << 20);
  ingest::WarcRecord rec;
  auto got = reader.next(rec);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kParseError);
  got = reader.next(rec);  // finished after an error
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(*got);
}

TEST(HttpResponseTest, DechunksAndInflates) {
  const std::string body = "<html><body><p>Hello chunked world</p></body></html>";
  const std::string rest = body.substr(16);
  char hex[16];
  std::snprintf(hex, sizeof hex, "%zx", rest.size());
  const std::string chunked =
      "10\r\n" + body.substr(0, 16) + "\r\n" + hex + ";ext=1\r\n" + rest + "\r\n0\r\n\r\n";
  auto r = ingest::parse_http_response(http_response("text/html", chunked, "Transfer-Encoding: chunked\r\n"),
                                       1 << 20);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body(), body);

  // A short decoded body lives in the string's inline buffer: it must
  // survive the move out of the parser (a fuzz finding).
  auto tiny = ingest::parse_http_response(
      http_response("text/html", "5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding: chunked\r\n"), 1 << 20);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->body(), "hello");

  auto gz = ingest::parse_http_response(http_response("text/html", gzip(body), "Content-Encoding: gzip\r\n"),
                                        1 << 20);
  ASSERT_TRUE(gz.ok()) << gz.status().to_string();
  EXPECT_EQ(gz->body(), body);

  // Common Crawl stores the decoded body but keeps the original header.
  // (The response's views point into the block, which must outlive it.)
  const std::string stored_block =
      http_response("text/html", body, "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n");
  auto stored = ingest::parse_http_response(stored_block, 1 << 20);
  ASSERT_TRUE(stored.ok()) << stored.status().to_string();
  EXPECT_EQ(stored->body(), body);

  auto br = ingest::parse_http_response(
      http_response("text/html", "\x1b\x02\x03", "Content-Encoding: br\r\n"), 1 << 20);
  EXPECT_EQ(br.status().code(), ErrorCode::kInvalidArgument);

  auto bomb = ingest::parse_http_response(
      http_response("text/html", gzip(std::string(100000, 'a')), "Content-Encoding: gzip\r\n"), 1000);
  EXPECT_EQ(bomb.status().code(), ErrorCode::kTooLarge);

  EXPECT_EQ(ingest::parse_http_response("GET / HTTP/1.1\r\n\r\n", 1 << 20).status().code(),
            ErrorCode::kParseError);
}

TEST(HttpResponseTest, NonSuccessStatusIsSkipped) {
  ingest::WarcRecord rec;
  const std::string block = http_response("text/html", kArticleHtml, "", "404 Not Found");
  rec.type = "response";
  rec.content_type = "application/http; msgtype=response";
  rec.block = block;
  const auto conv = ingest::convert_warc_record(rec, 1 << 20);
  EXPECT_FALSE(conv.document.has_value());
  EXPECT_EQ(conv.skip_reason, "warc response with HTTP status 4xx");
}

TEST(ChunkSourceTest, MultiMemberGzipAndPlainGiveTheSameBytes) {
  std::string plain;
  std::string gz;
  for (int i = 0; i < 50; ++i) {
    const std::string part =
        "part " + std::to_string(i) + " " + std::string(static_cast<size_t>(i) * 997, 'z');
    plain += part;
    gz += gzip(part);
  }
  for (const std::string& input : {plain, gz}) {
    auto src = ingest::memory_chunk_source(input);
    std::string out;
    for (;;) {
      auto got = src->append_to(out, 4096);
      ASSERT_TRUE(got.ok()) << got.status().to_string();
      if (*got == 0) break;
    }
    EXPECT_EQ(out, plain);
  }
}

}  // namespace
}  // namespace caspian
