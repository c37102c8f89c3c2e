// Reading articles from files, directories, JSONL dumps, feeds, web pages,
// WARC archives and stdin.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian {

enum class InputFormat { kAuto, kText, kJson, kJsonl, kHtml, kFeed, kWarc };

// The names used by --input-format: "auto", "text", "json", "jsonl", "html",
// "feed", "warc".
std::string_view to_string(InputFormat format) noexcept;
// Parses one of those names. Errors: kInvalidArgument for any other name.
Result<InputFormat> input_format_from_name(std::string_view name);

// What the readers passed over without producing a record (WARC records that
// are not HTML responses, feed items without text), for reports. Counts are
// added to, never reset, so one ReadStats can cover many inputs.
struct ReadStats {
  std::map<std::string, uint64_t> skipped;  // reason ("warc request record") -> count
  uint64_t warc_records = 0;                // WARC records read (articles and skipped)
  uint64_t feed_items = 0;                  // feed items read (articles and skipped)
};

struct ReadOptions {
  InputFormat format = InputFormat::kAuto;
  uint64_t max_bytes = uint64_t{64} << 20;  // per file (or per JSONL line)
  // Metadata applied to plain-text input (ignored where the input has its own).
  std::string title, url, source, date;
  // If set, readers add their counts of skipped records here. Not owned.
  ReadStats* stats = nullptr;
};

// Where a record came from: "path", "path:line" (JSONL) or "path#record"
// (feed items and WARC records, numbered from 1).
struct RecordOrigin {
  std::string path;
  uint64_t line = 0;    // 0 when not line-based
  uint64_t offset = 0;  // bytes of the file as stored (compressed, if it is) consumed so far
  uint64_t record = 0;  // 1-based item or record number in a feed or WARC file; 0 otherwise
  std::string to_string() const;
};

// Receives each record: a Document or the reason it could not be read.
// Return false to stop reading.
using RecordSink = std::function<bool(const RecordOrigin&, Result<Document>)>;

// Reads every input in `paths` ("-" is stdin; directories are walked in
// sorted order, skipping hidden files and links that loop). Errors in one
// input are passed to `sink` and reading continues. Returns non-ok only if
// the sink asked to stop.
Status read_inputs(const std::vector<std::string>& paths, const ReadOptions& options, const RecordSink& sink);

// A record read but not yet parsed: make() turns its bytes into a Document (JSON parsing, HTML
// extraction), so that the ingest runner can do that work on its analysis threads.
// Thread safety: make() may run on any thread, once; it touches nothing shared.
struct PendingRecord {
  RecordOrigin origin;
  uint64_t bytes = 0;  // the raw bytes it holds (for the runner's memory bound)
  std::function<Result<Document>()> make;
};
// Receives each pending record in input order. Return false to stop reading.
using PendingRecordSink = std::function<bool(PendingRecord)>;

// As read_inputs(), but hands over records before parsing them. Byte checks (binary input, size
// limits, invalid UTF-8 of whole files) still happen while reading; a record that failed them
// comes with a make() that returns the error.
Status read_input_records(const std::vector<std::string>& paths, const ReadOptions& options,
                          const PendingRecordSink& sink);

// A pending record that is already made (or already failed).
PendingRecord ready_record(RecordOrigin origin, Result<Document> doc);

// The total size in bytes of the files that read_inputs() would read from
// `paths` (directories walked the same way; stdin and missing paths count 0).
// For progress reports.
uint64_t input_bytes(const std::vector<std::string>& paths);

// Parses one news-please style JSON object (title, maintext|text,
// date_publish|date, url, source_domain|source, language, license, ...).
Result<Document> document_from_news_json(std::string_view json);

// Parses an RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 or Atom 1.0 feed (also
// ill-formed ones: libxml2 recovers what it can). Each item with a title or
// text becomes a Document: title, url (the item's link), published (pubDate,
// dc:date, Atom published/updated), source (the feed's title), body (the
// summary, description or content, HTML reduced to text; authors are listed
// in the document's `attribution`). Items without any text are skipped and
// counted in `stats` (may be null). External entities and the network are
// never used.
// Errors: kEmptyInput (no bytes, or a feed without any usable item),
// kParseError (not XML, or XML that is not a feed), kTooLarge.
Result<std::vector<Document>> documents_from_feed(std::string_view bytes, ReadStats* stats = nullptr);

// Builds a Document from plain text: the first non-empty line is the headline
// unless options.title is set.
Result<Document> document_from_text(std::string_view bytes, const ReadOptions& options);

}  // namespace caspian
