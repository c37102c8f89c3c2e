// Reading articles from files, directories, JSONL dumps and stdin.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian {

enum class InputFormat { kAuto, kText, kJson, kJsonl };

struct ReadOptions {
  InputFormat format = InputFormat::kAuto;
  uint64_t max_bytes = uint64_t{64} << 20;  // per file (or per JSONL line)
  // Metadata applied to plain-text input (ignored where the input has its own).
  std::string title, url, source, date;
};

// Where a record came from: "path" or "path:line".
struct RecordOrigin {
  std::string path;
  uint64_t line = 0;    // 0 when not line-based
  uint64_t offset = 0;  // bytes of the file as stored (compressed, if it is) consumed so far
  std::string to_string() const;
};

// Receives each record: a Document or the reason it could not be read.
// Return false to stop reading.
using RecordSink = std::function<bool(const RecordOrigin&, Result<Document>)>;

// Reads every input in `paths` ("-" is stdin; directories are walked in
// sorted order, skipping hidden files). Errors in one input are passed to
// `sink` and reading continues. Returns non-ok only if the sink asked to stop.
Status read_inputs(const std::vector<std::string>& paths, const ReadOptions& options, const RecordSink& sink);

// The total size in bytes of the files that read_inputs() would read from
// `paths` (directories walked the same way; stdin and missing paths count 0).
// For progress reports.
uint64_t input_bytes(const std::vector<std::string>& paths);

// Parses one news-please style JSON object (title, maintext|text,
// date_publish|date, url, source_domain|source, language, license, ...).
Result<Document> document_from_news_json(std::string_view json);

// Builds a Document from plain text: the first non-empty line is the headline
// unless options.title is set.
Result<Document> document_from_text(std::string_view bytes, const ReadOptions& options);

}  // namespace caspian
