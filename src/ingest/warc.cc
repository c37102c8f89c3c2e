// WARC records -> articles: a streaming record reader, an HTTP response
// parser, and the conversion of HTML responses through the article extractor.
#include "ingest/warc.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "caspian/extract.h"
#include "caspian/json.h"

namespace caspian::ingest {

namespace {

constexpr size_t kReadChunk = size_t{1} << 20;
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;  // a longer WARC or HTTP header is corrupt
constexpr size_t kInflateChunk = size_t{64} << 10;
constexpr int kGzipWindowBits = 16 + MAX_WBITS;
constexpr int kRawDeflateWindowBits = -MAX_WBITS;
constexpr std::string_view kWarcMagic = "WARC/";
constexpr std::string_view kHttpMagic = "HTTP/";
constexpr size_t kHtmlSniffBytes = 1024;
constexpr int kStatusClass = 100;
constexpr int kIsoDateChars = 10;  // "YYYY-MM-DD"

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool icontains(std::string_view s, std::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (iequals(s.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end of a header block ("\r\n\r\n", or "\n\n" from sloppy writers)
// searched from `from`: the index just past it, or npos.
size_t header_end(std::string_view s, size_t from) {
  const size_t crlf = s.find("\r\n\r\n", from);
  const size_t lf = s.find("\n\n", from);
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::string_view::npos;
  if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) return crlf + 4;
  return lf + 2;
}

// Calls fn(name, value) for each "Name: value" line of a header block (the
// first line, the WARC or HTTP version/status line, excluded).
template <class Fn>
void for_each_field(std::string_view header, Fn&& fn) {
  size_t pos = header.find('\n');
  while (pos != std::string_view::npos && pos + 1 < header.size()) {
    const size_t start = pos + 1;
    pos = header.find('\n', start);
    const std::string_view line = header.substr(start, pos == std::string_view::npos ? header.npos : pos - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || is_space(line[0])) continue;
    fn(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
}

struct WarcFields {
  std::string_view version, type, target_uri, date, record_id, content_type;
  std::optional<uint64_t> content_length;
};

WarcFields parse_warc_header(std::string_view header) {
  WarcFields f;
  f.version = trim(header.substr(0, header.find('\n')));
  for_each_field(header, [&](std::string_view name, std::string_view value) {
    if (iequals(name, "WARC-Type")) {
      f.type = value;
    } else if (iequals(name, "WARC-Target-URI")) {
      if (value.size() >= 2 && value.front() == '<' && value.back() == '>') value = value.substr(1, value.size() - 2);
      f.target_uri = value;
    } else if (iequals(name, "WARC-Date")) {
      f.date = value;
    } else if (iequals(name, "WARC-Record-ID")) {
      f.record_id = value;
    } else if (iequals(name, "Content-Type")) {
      f.content_type = value;
    } else if (iequals(name, "Content-Length")) {
      uint64_t n = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (r.ec == std::errc() && r.ptr == value.data() + value.size()) f.content_length = n;
    }
  });
  return f;
}

void fill_record(const WarcFields& f, WarcRecord& rec) {
  rec.version = f.version;
  rec.type = f.type;
  rec.target_uri = f.target_uri;
  rec.date = f.date;
  rec.record_id = f.record_id;
  rec.content_type = f.content_type;
  rec.content_length = f.content_length.value_or(0);
}

// Inflates `in` (zlib/gzip/raw deflate per `window_bits`) into `out`, at most
// `max` bytes.
Status inflate_bounded(std::string_view in, int window_bits, uint64_t max, std::string& out) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) return Status(ErrorCode::kInternal, "zlib could not be initialised");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  Status st;
  for (;;) {
    const size_t old = out.size();
    out.resize(old + kInflateChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(kInflateChunk);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.resize(old + (kInflateChunk - z.avail_out));
    if (out.size() > max) {
      st = Status(ErrorCode::kTooLarge, fmt::format("decompressed body larger than the limit of {} bytes", max));
      break;
    }
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated: keep what was decoded
    if (rc != Z_OK) {
      st = Status(ErrorCode::kCorrupt,
                  fmt::format("corrupt compressed body: {}", z.msg != nullptr ? z.msg : "inflate failed"));
      break;
    }
  }
  inflateEnd(&z);
  return st;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f'); }

// Undoes chunked transfer-encoding. False when `body` is not chunked after
// all (crawlers often store the de-chunked body with the original header).
bool dechunk(std::string_view body, uint64_t max, std::string& out) {
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) break;
    std::string_view size_text = trim(body.substr(pos, eol - pos));
    size_text = size_text.substr(0, size_text.find(';'));
    if (size_text.empty() || !std::all_of(size_text.begin(), size_text.end(), is_hex)) return pos > 0;
    uint64_t n = 0;
    const auto r = std::from_chars(size_text.data(), size_text.data() + size_text.size(), n, 16);
    if (r.ec != std::errc()) return pos > 0;
    if (n == 0) return true;
    pos = eol + 1;
    const uint64_t take = std::min<uint64_t>(n, body.size() - pos);
    if (out.size() + take > max) return true;
    out.append(body.substr(pos, take));
    pos += take;
    if (pos < body.size() && body[pos] == '\r') ++pos;
    if (pos < body.size() && body[pos] == '\n') ++pos;
  }
  return pos > 0;
}

bool looks_like_html(std::string_view body) {
  const std::string_view head = body.substr(0, kHtmlSniffBytes);
  return icontains(head, "<html") || icontains(head, "<!doctype html") || icontains(head, "<body") ||
         icontains(head, "<head");
}

bool is_html_type(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  return iequals(media, "text/html") || iequals(media, "application/xhtml+xml");
}

Result<Document> html_to_document(std::string_view html, std::string_view content_type, const WarcRecord& rec,
                                  uint64_t max_bytes) {
  ExtractOptions opts;
  opts.url = std::string(rec.target_uri);
  opts.content_type = std::string(content_type);
  opts.max_bytes = max_bytes;
  auto doc = document_from_html(html, opts);
  if (!doc.ok()) return doc;
  if (doc->url.empty()) doc->url = opts.url;
  if (!doc->published && rec.date.size() >= kIsoDateChars) {
    // The crawl date stands in when the page declares none.
    auto d = parse_iso_date(rec.date.substr(0, kIsoDateChars));
    if (d.ok()) doc->published = *d;
  }
  return doc;
}

}  // namespace

WarcReader::WarcReader(std::unique_ptr<ChunkSource> source, uint64_t max_block_bytes)
    : source_(std::move(source)), max_block_bytes_(max_block_bytes) {}

Result<bool> WarcReader::ensure(size_t n) {
  while (buf_.size() - pos_ < n) {
    const size_t want = std::max(kReadChunk, n - (buf_.size() - pos_));
    auto got = source_->append_to(buf_, want);
    if (!got.ok()) return got.status();
    if (*got == 0) return false;
  }
  return true;
}

Result<bool> WarcReader::skip(uint64_t n) {
  for (;;) {
    const uint64_t have = buf_.size() - pos_;
    if (have >= n) {
      pos_ += n;
      return true;
    }
    n -= have;
    buf_start_ += buf_.size();
    buf_.clear();
    pos_ = 0;
    auto got = source_->append_to(buf_, kReadChunk);
    if (!got.ok()) return got.status();
    if (*got == 0) return false;
  }
}

Result<bool> WarcReader::next(WarcRecord& rec) {
  if (done_) return false;
  auto fail = [&](Status st) -> Result<bool> {
    done_ = true;
    return st;
  };
  // Drop what earlier records used (the caller's views die here).
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_start_ += pos_;
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  // Skip the blank lines that end the previous record.
  for (;;) {
    auto more = ensure(1);
    if (!more.ok()) return fail(more.status());
    if (!*more) {
      done_ = true;
      return false;
    }
    while (pos_ < buf_.size() && is_space(buf_[pos_])) ++pos_;
    if (pos_ < buf_.size()) break;
  }
  const uint64_t number = count_ + 1;
  const uint64_t start = buf_start_ + pos_;
  auto where = [&] { return fmt::format("record {} at offset {}", number, start); };

  // The header, up to its blank line.
  size_t end = std::string_view::npos;
  size_t scan_from = pos_;
  for (;;) {
    end = header_end(buf_, scan_from);
    if (end != std::string_view::npos) break;
    if (buf_.size() - pos_ > kMaxHeaderBytes) {
      return fail(Status(ErrorCode::kCorrupt, fmt::format("{}: header longer than {} bytes", where(), kMaxHeaderBytes)));
    }
    scan_from = std::max(pos_, buf_.size() >= 3 ? buf_.size() - 3 : 0);
    auto more = ensure(buf_.size() - pos_ + 1);
    if (!more.ok()) return fail(Status(more.status().code(), fmt::format("{}: {}", where(), more.status().message())));
    if (!*more) return fail(Status(ErrorCode::kCorrupt, fmt::format("{}: truncated in its header", where())));
  }
  if (std::string_view(buf_).substr(pos_, kWarcMagic.size()) != kWarcMagic) {
    return fail(Status(ErrorCode::kParseError, fmt::format("{}: not a WARC record (no \"WARC/\" version line)", where())));
  }
  const size_t header_len = end - pos_;
  WarcFields fields = parse_warc_header(std::string_view(buf_).substr(pos_, header_len));
  if (!fields.content_length) {
    return fail(Status(ErrorCode::kParseError, fmt::format("{}: no valid Content-Length", where())));
  }
  const uint64_t length = *fields.content_length;
  rec = WarcRecord{};
  rec.number = number;
  rec.stream_offset = start;
  if (length > max_block_bytes_) {
    // Keep the header, skip the block without buffering it.
    header_copy_.assign(buf_, pos_, header_len);
    pos_ = end;
    auto skipped = skip(length);
    if (!skipped.ok() || !*skipped) {
      return fail(Status(ErrorCode::kCorrupt,
                         fmt::format("{}: truncated: its block of {} bytes is incomplete{}", where(), length,
                                     skipped.ok() ? "" : " (" + skipped.status().message() + ")")));
    }
    fill_record(parse_warc_header(header_copy_), rec);
    rec.oversized = true;
  } else {
    auto whole = ensure(header_len + length);
    if (!whole.ok() || !*whole) {
      return fail(Status(ErrorCode::kCorrupt,
                         fmt::format("{}: truncated: Content-Length is {} but only {} bytes follow the header{}",
                                     where(), length, buf_.size() - end,
                                     whole.ok() ? "" : " (" + whole.status().message() + ")")));
    }
    const std::string_view view(buf_);
    fill_record(parse_warc_header(view.substr(pos_, header_len)), rec);
    rec.block = view.substr(pos_ + header_len, length);
    pos_ += header_len + length;
  }
  rec.file_offset = source_->offset();
  count_ = number;
  return true;
}

Result<HttpResponse> parse_http_response(std::string_view block, uint64_t max_body_bytes) {
  HttpResponse r;
  if (!istarts_with(block, kHttpMagic)) return Status(ErrorCode::kParseError, "no HTTP status line");
  const size_t sp = block.find(' ');
  const size_t eol = block.find('\n');
  if (sp == std::string_view::npos || (eol != std::string_view::npos && sp > eol)) {
    return Status(ErrorCode::kParseError, "malformed HTTP status line");
  }
  const std::string_view code = block.substr(sp + 1, 3);
  const auto parsed = std::from_chars(code.data(), code.data() + code.size(), r.status);
  if (parsed.ec != std::errc()) return Status(ErrorCode::kParseError, "malformed HTTP status code");
  size_t end = header_end(block, 0);
  if (end == std::string_view::npos) {
    if (block.size() > kMaxHeaderBytes) return Status(ErrorCode::kParseError, "HTTP header without an end");
    end = block.size();
  }
  for_each_field(block.substr(0, end), [&](std::string_view name, std::string_view value) {
    if (iequals(name, "Content-Type")) {
      r.content_type = value;
    } else if (iequals(name, "Content-Encoding")) {
      r.content_encoding = value;
    } else if (iequals(name, "Transfer-Encoding")) {
      r.transfer_encoding = value;
    }
  });
  r.raw_body = block.substr(end);
  if (icontains(r.transfer_encoding, "chunked")) {
    std::string plain;
    if (dechunk(r.raw_body, max_body_bytes, plain)) {
      r.decoded_body = std::move(plain);
      r.decoded = true;
    }
  }
  const std::string_view encoding = trim(r.content_encoding);
  if (encoding.empty() || iequals(encoding, "identity")) return r;
  const std::string_view body = r.body();
  const bool gzip_magic = body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
                          static_cast<unsigned char>(body[1]) == 0x8b;
  std::string inflated;
  if ((iequals(encoding, "gzip") || iequals(encoding, "x-gzip")) && gzip_magic) {
    CASPIAN_RETURN_IF_ERROR(inflate_bounded(body, kGzipWindowBits, max_body_bytes, inflated));
  } else if (iequals(encoding, "deflate") && !looks_like_html(body)) {
    // "deflate" is zlib-wrapped per the RFC, raw deflate in practice: try both.
    if (!inflate_bounded(body, MAX_WBITS, max_body_bytes, inflated).ok()) {
      inflated.clear();
      CASPIAN_RETURN_IF_ERROR(inflate_bounded(body, kRawDeflateWindowBits, max_body_bytes, inflated));
    }
  } else if (gzip_magic || !looks_like_html(body)) {
    if (iequals(encoding, "gzip") || iequals(encoding, "x-gzip") || iequals(encoding, "deflate")) return r;
    return Status(ErrorCode::kInvalidArgument, fmt::format("unsupported Content-Encoding \"{}\"", encoding));
  } else {
    return r;  // the crawler stored the decoded body and kept the header
  }
  r.decoded_body = std::move(inflated);
  r.decoded = true;
  return r;
}

WarcConversion convert_warc_record(const WarcRecord& rec, uint64_t max_bytes) {
  WarcConversion out;
  const bool response = iequals(rec.type, "response");
  const bool resource = iequals(rec.type, "resource");
  if (!response && !resource) {
    // Only the standard types name their own counter: the type is untrusted text.
    constexpr std::string_view kKnownTypes[] = {"warcinfo", "request", "metadata", "revisit", "conversion",
                                                 "continuation"};
    const bool known = std::any_of(std::begin(kKnownTypes), std::end(kKnownTypes),
                                   [&](std::string_view t) { return iequals(t, rec.type); });
    out.skip_reason = known ? fmt::format("warc {} record", rec.type) : "warc record of another type";
    return out;
  }
  const bool http = istarts_with(rec.content_type, "application/http");
  if (!http && !is_html_type(rec.content_type)) {
    out.skip_reason = fmt::format("warc {} record that is not HTML", response ? "response" : "resource");
    return out;
  }
  if (rec.oversized) {
    out.document = Result<Document>(Status(
        ErrorCode::kTooLarge,
        fmt::format("record {} ({}): block of {} bytes is larger than the limit", rec.number, rec.target_uri,
                    rec.content_length)));
    return out;
  }
  if (!http) {
    out.document = html_to_document(rec.block, rec.content_type, rec, max_bytes);
    return out;
  }
  auto resp = parse_http_response(rec.block, max_bytes);
  if (!resp.ok()) {
    out.document = Result<Document>(
        Status(resp.status().code(), fmt::format("{}: {}", rec.target_uri, resp.status().message())));
    return out;
  }
  if (resp->status < 2 * kStatusClass || resp->status >= 3 * kStatusClass) {
    out.skip_reason = fmt::format("warc response with HTTP status {}xx", resp->status / kStatusClass);
    return out;
  }
  const bool html = resp->content_type.empty() ? looks_like_html(resp->body()) : is_html_type(resp->content_type);
  if (!html) {
    out.skip_reason = "warc response that is not HTML";
    return out;
  }
  out.document = html_to_document(resp->body(), resp->content_type, rec, max_bytes);
  return out;
}

bool read_warc(const std::string& path, std::unique_ptr<ChunkSource> source, const ReadOptions& options,
               const RecordSink& sink) {
  WarcReader reader(std::move(source), options.max_bytes);
  WarcRecord rec;
  for (;;) {
    auto got = reader.next(rec);
    if (!got.ok()) return sink(RecordOrigin{path, 0, rec.file_offset, reader.records_read() + 1}, got.status());
    if (!*got) return true;
    if (options.stats != nullptr) ++options.stats->warc_records;
    WarcConversion conv = convert_warc_record(rec, options.max_bytes);
    if (!conv.document) {
      if (options.stats != nullptr) ++options.stats->skipped[conv.skip_reason];
      continue;
    }
    if (!sink(RecordOrigin{path, 0, rec.file_offset, rec.number}, std::move(*conv.document))) return false;
  }
}

}  // namespace caspian::ingest
