// Walks inputs (files, directories, stdin) and dispatches by format.
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "caspian/extract.h"
#include "caspian/ingest.h"
#include "caspian/json.h"
#include "ingest/chunk_source.h"
#include "ingest/feed.h"
#include "ingest/text_checks.h"
#include "ingest/warc.h"

namespace caspian {

namespace fs = std::filesystem;

std::string RecordOrigin::to_string() const {
  if (record != 0) return fmt::format("{}#{}", path, record);
  return line == 0 ? path : fmt::format("{}:{}", path, line);
}

namespace {
constexpr std::pair<InputFormat, std::string_view> kFormatNames[] = {
    {InputFormat::kAuto, "auto"},   {InputFormat::kText, "text"}, {InputFormat::kJson, "json"},
    {InputFormat::kJsonl, "jsonl"}, {InputFormat::kHtml, "html"}, {InputFormat::kFeed, "feed"},
    {InputFormat::kWarc, "warc"}};
}  // namespace

std::string_view to_string(InputFormat format) noexcept {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "auto";
}

Result<InputFormat> input_format_from_name(std::string_view name) {
  for (const auto& [f, n] : kFormatNames) {
    if (n == name) return f;
  }
  return Status(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown input format \"{}\" (expected auto, text, json, jsonl, html, feed or warc)",
                  name));
}

namespace {

constexpr size_t kReadChunk = size_t{1} << 16;
constexpr std::string_view kStdinName = "-";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A byte source over a plain or gzip file (zlib reads both transparently), or stdin.
class ByteSource {
 public:
  static Result<std::unique_ptr<ByteSource>> open(const std::string& path) {
    auto src = std::unique_ptr<ByteSource>(new ByteSource());
    if (path == kStdinName) {
      src->gz_ = gzdopen(dup(fileno(stdin)), "rb");
    } else {
      src->gz_ = gzopen(path.c_str(), "rb");
    }
    if (src->gz_ == nullptr) {
      return Status(ErrorCode::kIoError, fmt::format("cannot open: {}", std::strerror(errno)));
    }
    gzbuffer(src->gz_, kReadChunk);
    return src;
  }
  ~ByteSource() {
    if (gz_ != nullptr) gzclose(gz_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Bytes of the underlying file consumed so far (compressed bytes for gzip).
  uint64_t offset() const {
    const z_off_t off = gzoffset(gz_);
    return off < 0 ? 0 : static_cast<uint64_t>(off);
  }

  // Reads up to `n` bytes; returns the count (0 at end) or an error.
  Result<size_t> read(char* buf, size_t n) {
    const int got = gzread(gz_, buf, static_cast<unsigned>(n));
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      return Status(ErrorCode::kCorrupt,
                    fmt::format("read failed: {}", msg != nullptr ? msg : "unknown error"));
    }
    if (got == 0) {
      // zlib reports a truncated gzip stream as a clean end plus an error state.
      int errnum = 0;
      const char* msg = gzerror(gz_, &errnum);
      if (errnum != Z_OK && errnum != Z_STREAM_END) {
        return Status(ErrorCode::kCorrupt, fmt::format("truncated or corrupt compressed data: {}", msg));
      }
    }
    return static_cast<size_t>(got);
  }

 private:
  ByteSource() = default;
  gzFile gz_ = nullptr;
};

// The rest of a ByteSource after an already-read prefix, as a ChunkSource
// (for a WARC read from stdin, which cannot be reopened).
class ByteSourceChunks final : public ingest::ChunkSource {
 public:
  ByteSourceChunks(std::string prefix, std::unique_ptr<ByteSource> src)
      : prefix_(std::move(prefix)), src_(std::move(src)) {}
  Result<size_t> append_to(std::string& out, size_t max) override {
    if (prefix_pos_ < prefix_.size()) {
      const size_t k = std::min(max, prefix_.size() - prefix_pos_);
      out.append(prefix_, prefix_pos_, k);
      prefix_pos_ += k;
      return k;
    }
    const size_t old = out.size();
    out.resize(old + std::min(max, kReadChunk));
    auto got = src_->read(out.data() + old, out.size() - old);
    out.resize(old + (got.ok() ? *got : 0));
    return got;
  }
  uint64_t offset() const override { return src_->offset(); }

 private:
  std::string prefix_;
  size_t prefix_pos_ = 0;
  std::unique_ptr<ByteSource> src_;
};

// Reads the rest of an input, of which `already` bytes were read, up to a
// total of `limit` bytes.
Result<std::string> read_rest(ByteSource& src, uint64_t already, uint64_t limit) {
  std::string out;
  char buf[kReadChunk];
  for (;;) {
    auto got = src.read(buf, sizeof buf);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    if (already + out.size() + *got > limit) {
      return Status(ErrorCode::kTooLarge, fmt::format("larger than the limit of {} bytes (--max-mb)", limit));
    }
    out.append(buf, *got);
  }
  return out;
}

InputFormat format_from_name(std::string_view name) {
  if (ends_with(name, ".gz")) name.remove_suffix(3);
  if (ends_with(name, ".warc") || ends_with(name, ".arc")) return InputFormat::kWarc;
  if (ends_with(name, ".rss") || ends_with(name, ".atom") || ends_with(name, ".rdf") ||
      ends_with(name, ".xml")) {
    return InputFormat::kFeed;
  }
  if (ends_with(name, ".html") || ends_with(name, ".htm") || ends_with(name, ".xhtml"))
    return InputFormat::kHtml;
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return InputFormat::kJsonl;
  if (ends_with(name, ".json")) return InputFormat::kJson;
  if (ends_with(name, ".txt") || ends_with(name, ".text")) return InputFormat::kText;
  return InputFormat::kAuto;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Sniffs markup from its first element (after the XML declaration,
// comments and a doctype): a feed root, else HTML; XML of another kind goes
// to the feed reader, which names its root in a clear error.
InputFormat sniff_markup(std::string_view s) {
  const bool xml_declared = istarts_with(s, "<?xml");
  size_t pos = 0;
  while (pos < s.size()) {
    pos = s.find('<', pos);
    if (pos == std::string_view::npos) break;
    const std::string_view rest = s.substr(pos);
    if (istarts_with(rest, "<!doctype html")) return InputFormat::kHtml;
    if (istarts_with(rest, "<!--")) {
      const size_t end = s.find("-->", pos);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    if (istarts_with(rest, "<?") || istarts_with(rest, "<!")) {
      ++pos;
      continue;
    }
    for (std::string_view feed_root : {"<rss", "<feed", "<rdf:rdf", "<rdf", "<channel"}) {
      if (istarts_with(rest, feed_root)) return InputFormat::kFeed;
    }
    return xml_declared ? InputFormat::kFeed : InputFormat::kHtml;
  }
  return xml_declared ? InputFormat::kFeed : InputFormat::kText;
}

// Sniffs content: WARC by its version line, markup (feeds, HTML) by its
// first element, an object per line is JSONL, one object is JSON, else text.
InputFormat sniff(std::string_view head) {
  head = ingest::strip_bom(head);
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return InputFormat::kText;
  if (head.substr(first).rfind("WARC/", 0) == 0) return InputFormat::kWarc;
  if (head[first] == '<') return sniff_markup(head.substr(first));
  if (head[first] != '{') return InputFormat::kText;
  const size_t nl = head.find('\n', first);
  if (nl != std::string_view::npos) {
    const size_t next = head.find_first_not_of(" \t\r\n", nl);
    if (next != std::string_view::npos && head[next] == '{') return InputFormat::kJsonl;
  }
  return InputFormat::kJson;
}

// Streams a JSONL input line by line with bounded memory: a line longer
// than options.max_bytes is skipped and reported, not buffered.
// `src` may be null when all the bytes are already in `prefix`.
bool read_jsonl(const std::string& path, ByteSource* src, std::string prefix, const ReadOptions& options,
                const PendingRecordSink& sink) {
  std::string line = std::move(prefix);
  uint64_t line_no = 1;
  bool oversized = false;
  char buf[kReadChunk];
  auto emit = [&](std::string_view text) -> bool {
    RecordOrigin origin{path, line_no, src != nullptr ? src->offset() : 0};
    if (oversized) {
      oversized = false;
      return sink(ready_record(
          std::move(origin),
          Status(ErrorCode::kTooLarge,
                 fmt::format("line longer than the limit of {} bytes (--max-mb)", options.max_bytes))));
    }
    if (ingest::is_blank(text)) return true;
    auto line_bytes = std::make_shared<const std::string>(text);
    return sink(PendingRecord{std::move(origin), line_bytes->size(),
                              [line_bytes] { return document_from_news_json(*line_bytes); }});
  };
  auto consume = [&](std::string_view chunk) -> bool {
    while (!chunk.empty()) {
      const size_t nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (!oversized) {
        if (line.size() + piece.size() > options.max_bytes) {
          oversized = true;
          line.clear();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) return true;
      if (!emit(line)) return false;
      line.clear();
      ++line_no;
      chunk.remove_prefix(nl + 1);
    }
    return true;
  };
  // The sniffed prefix may itself contain complete lines.
  std::string pending = std::move(line);
  line.clear();
  if (!consume(pending)) return false;
  while (src != nullptr) {
    auto got = src->read(buf, sizeof buf);
    if (!got.ok()) {
      // Keep what was read; report the damage at the line where it happened.
      return sink(ready_record(RecordOrigin{path, line_no, src->offset()}, got.status()));
    }
    if (*got == 0) break;
    if (!consume(std::string_view(buf, *got))) return false;
  }
  if (!line.empty() || oversized) return emit(line);
  return true;
}

// A Document from the bytes of an HTML page, with the metadata of `options`.
Result<Document> html_document(const std::string& bytes, const ReadOptions& options) {
  ExtractOptions extract;
  extract.url = options.url;
  extract.max_bytes = options.max_bytes;
  auto doc = document_from_html(bytes, extract);
  if (doc.ok()) {
    if (!options.source.empty()) doc->source = options.source;
    if (!options.date.empty() && !doc->published) {
      auto d = parse_iso_date(options.date);
      if (!d.ok()) return d.status();
      doc->published = *d;
    }
  }
  return doc;
}

// Binary data is refused from its first bytes, before more of it is read: a NUL byte in the
// first chunk of a text, JSON or JSONL input.
Status check_not_binary(std::string_view head) {
  const size_t nul = head.find('\0');
  if (nul == std::string_view::npos) return Status::Ok();
  return Status(ErrorCode::kBinaryInput,
                fmt::format("binary data (NUL byte at offset {}); the rest of the input is not read", nul));
}

// The records of a whole-file input (not JSONL or WARC): `bytes` become one Document on make(),
// or several (a feed, parsed now because its items are the records).
bool emit_whole_file(const std::string& path, InputFormat format, std::string bytes, RecordOrigin origin,
                     const ReadOptions& options, const PendingRecordSink& sink) {
  if (format == InputFormat::kFeed) {
    return ingest::read_feed(
        path, bytes, origin.offset, options,
        [&](const RecordOrigin& o, Result<Document> d) { return sink(ready_record(o, std::move(d))); });
  }
  if (format == InputFormat::kJson) {
    if (auto st = ingest::check_text(bytes); !st.ok()) return sink(ready_record(std::move(origin), st));
  } else if (format != InputFormat::kHtml && bytes.empty()) {
    return sink(ready_record(std::move(origin), Status(ErrorCode::kEmptyInput, "empty file")));
  }
  auto held = std::make_shared<const std::string>(std::move(bytes));
  const uint64_t size = held->size();
  std::function<Result<Document>()> make;
  if (format == InputFormat::kJson) {
    make = [held] { return document_from_news_json(*held); };
  } else if (format == InputFormat::kHtml) {
    make = [held, options] { return html_document(*held, options); };
  } else {
    make = [held, options] { return document_from_text(*held, options); };
  }
  return sink(PendingRecord{std::move(origin), size, std::move(make)});
}

bool read_one(const std::string& path, const ReadOptions& options, const PendingRecordSink& sink) {
  RecordOrigin origin{path, 0, 0};
  auto fail = [&](Status st) { return sink(ready_record(origin, std::move(st))); };
  if (path != kStdinName) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      return fail(Status(ErrorCode::kIoError, ec.message()));
    if (ec || !fs::exists(status)) return fail(Status(ErrorCode::kNotFound, "no such file or directory"));
    if (!fs::is_regular_file(status)) return fail(Status(ErrorCode::kInvalidArgument, "not a regular file"));
  }
  auto src = ByteSource::open(path);
  if (!src.ok()) return fail(src.status());

  // Sniff the format from the name, else from the first chunk, so that a
  // large JSONL input is streamed rather than read whole.
  std::string head(kReadChunk, '\0');
  auto got = (*src)->read(head.data(), head.size());
  if (!got.ok()) return fail(got.status());
  head.resize(*got);
  InputFormat format = options.format;
  if (format == InputFormat::kAuto) format = format_from_name(path);
  if (format == InputFormat::kAuto) format = sniff(head);
  if (format == InputFormat::kWarc) {
    auto warc_sink = [&](const RecordOrigin& o, Result<Document> d) {
      return sink(ready_record(o, std::move(d)));
    };
    // Streamed record by record; a file is reopened with the fast decoder.
    if (path == kStdinName) {
      return ingest::read_warc(path, std::make_unique<ByteSourceChunks>(std::move(head), std::move(*src)),
                               options, warc_sink);
    }
    src->reset();
    auto chunks = ingest::open_chunk_source(path);
    if (!chunks.ok()) return fail(chunks.status());
    return ingest::read_warc(path, std::move(*chunks), options, warc_sink);
  }
  // Markup may be UTF-16 (NUL bytes in every other byte), which the extractor and libxml2 decode.
  const bool text_format = format != InputFormat::kHtml && format != InputFormat::kFeed;
  if (Status st = text_format ? check_not_binary(head) : Status::Ok(); !st.ok()) return fail(st);
  if (format == InputFormat::kJsonl) return read_jsonl(path, src->get(), std::move(head), options, sink);

  if (head.size() > options.max_bytes) {
    return fail(Status(ErrorCode::kTooLarge,
                       fmt::format("larger than the limit of {} bytes (--max-mb)", options.max_bytes)));
  }
  auto rest = read_rest(**src, head.size(), options.max_bytes);
  origin.offset = (*src)->offset();
  if (!rest.ok()) return fail(rest.status());
  return emit_whole_file(path, format, std::move(head) + *rest, origin, options, sink);
}

// The regular files under directory `dir`, recursively, in sorted order,
// skipping hidden files and folders.
Result<std::vector<std::string>> walk_directory(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Status(ErrorCode::kIoError, ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    // The error_code overloads: a link that loops or dangles must not throw. A link whose target
    // cannot be resolved is listed, so that reading it reports why, like any other bad input.
    std::error_code entry_ec;
    const bool dir = it->is_directory(entry_ec);
    if (!name.empty() && name.front() == '.') {
      if (dir) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(entry_ec) || (entry_ec && it->is_symlink(ec)))
      files.push_back(it->path().string());
    ec.clear();
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return path != kStdinName && fs::is_directory(path, ec);
}

}  // namespace

uint64_t input_bytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  auto add = [&](const std::string& f) {
    std::error_code ec;
    const auto size = fs::file_size(f, ec);
    if (!ec) total += size;
  };
  for (const std::string& path : paths) {
    if (path == kStdinName) continue;
    if (!is_directory(path)) {
      add(path);
      continue;
    }
    auto files = walk_directory(path);
    if (!files.ok()) continue;
    for (const std::string& f : *files) add(f);
  }
  return total;
}

PendingRecord ready_record(RecordOrigin origin, Result<Document> doc) {
  auto held = std::make_shared<Result<Document>>(std::move(doc));
  return PendingRecord{std::move(origin), 0, [held] { return std::move(*held); }};
}

Status read_input_records(const std::vector<std::string>& paths, const ReadOptions& options,
                          const PendingRecordSink& sink) {
  const Status stopped(ErrorCode::kInterrupted, "stopped");
  for (const std::string& path : paths) {
    if (!is_directory(path)) {
      if (!read_one(path, options, sink)) return stopped;
      continue;
    }
    auto files = walk_directory(path);
    if (!files.ok()) {
      if (!sink(ready_record(RecordOrigin{path, 0, 0}, files.status()))) return stopped;
      continue;
    }
    for (const std::string& f : *files) {
      if (!read_one(f, options, sink)) return stopped;
    }
  }
  return Status::Ok();
}

Status read_inputs(const std::vector<std::string>& paths, const ReadOptions& options,
                   const RecordSink& sink) {
  return read_input_records(paths, options, [&](PendingRecord rec) { return sink(rec.origin, rec.make()); });
}

}  // namespace caspian
