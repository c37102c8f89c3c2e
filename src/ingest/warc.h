// Internal: streaming WARC 1.0/1.1 reader (also tolerates 0.x headers) and
// the HTTP response parser for its records.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "caspian/ingest.h"
#include "caspian/result.h"
#include "ingest/chunk_source.h"

namespace caspian::ingest {

// One WARC record. The views point into the reader's buffer and stay valid
// until the next call to WarcReader::next().
struct WarcRecord {
  uint64_t number = 0;          // 1-based position in the file
  uint64_t stream_offset = 0;   // where the record starts in the decoded stream
  uint64_t file_offset = 0;     // bytes of the file (compressed, if it is) consumed when the record was read
  std::string_view version;     // "WARC/1.0"
  std::string_view type;        // WARC-Type, e.g. "response"
  std::string_view target_uri;  // WARC-Target-URI (angle brackets removed)
  std::string_view date;        // WARC-Date
  std::string_view record_id;   // WARC-Record-ID
  std::string_view content_type;
  uint64_t content_length = 0;
  std::string_view block;  // the content block; empty when `oversized`
  bool oversized = false;  // the block was larger than the limit and was skipped
};

// Reads records one by one in memory bounded by the record size limit (plus
// a few MiB of buffers), never the whole file.
// Not thread-safe.
class WarcReader {
 public:
  // `max_block_bytes`: larger content blocks are skipped (the record is
  // returned with `oversized` set and an empty block).
  WarcReader(std::unique_ptr<ChunkSource> source, uint64_t max_block_bytes);

  // Reads the next record into `rec`. Returns true for a record, false at
  // the clean end of the input. Errors (kCorrupt, kParseError, kIoError) name
  // the record number and offset; after an error the reader is finished
  // (further calls return false).
  Result<bool> next(WarcRecord& rec);

  // Records returned so far.
  uint64_t records_read() const { return count_; }

 private:
  // Makes at least `n` bytes available after pos_; false if the input ended first.
  Result<bool> ensure(size_t n);
  // Discards `n` bytes from pos_ on, reading past the buffer as needed.
  Result<bool> skip(uint64_t n);

  std::unique_ptr<ChunkSource> source_;
  uint64_t max_block_bytes_;
  std::string buf_;
  std::string header_copy_;  // the header of an oversized record, whose block was skipped
  size_t pos_ = 0;
  uint64_t buf_start_ = 0;  // stream offset of buf_[0]
  uint64_t count_ = 0;
  bool done_ = false;
};

// The parts of an HTTP/1.x response message that extraction needs. Views
// point into the parsed block; a de-chunked or decompressed body is owned
// (so the struct can be moved freely) and body() returns whichever applies.
struct HttpResponse {
  int status = 0;
  std::string_view content_type;
  std::string_view content_encoding;
  std::string_view transfer_encoding;
  std::string_view raw_body;  // the body as stored in the block
  std::string decoded_body;   // set when `decoded`
  bool decoded = false;
  std::string_view body() const { return decoded ? std::string_view(decoded_body) : raw_body; }
};

// Parses an HTTP response (status line, headers, body) and undoes chunked
// transfer-encoding and gzip/deflate content-encoding (bodies already decoded
// by the crawler, as Common Crawl stores them, are recognised and kept).
// The decoded body is limited to `max_body_bytes`.
// Errors: kParseError (no status line), kTooLarge, kCorrupt (bad gzip),
// kInvalidArgument (an unsupported content-encoding such as br).
Result<HttpResponse> parse_http_response(std::string_view block, uint64_t max_body_bytes);

// The outcome for one record: an article (or the reason extraction failed),
// or a skip with its reason (e.g. "warc request record").
struct WarcConversion {
  std::optional<Result<Document>> document;  // empty when the record was skipped
  std::string skip_reason;                   // why, when skipped
};
// `response` (and `resource`) records whose payload is HTML go through the
// article extractor; everything else is skipped.
WarcConversion convert_warc_record(const WarcRecord& rec, uint64_t max_bytes);

// Reads a whole WARC stream, passing each article (or the error of a record
// that could not be read) to `sink`, and counting skipped records in
// options.stats. Returns false if the sink asked to stop.
bool read_warc(const std::string& path, std::unique_ptr<ChunkSource> source, const ReadOptions& options,
               const RecordSink& sink);

}  // namespace caspian::ingest
