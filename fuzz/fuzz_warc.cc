// Fuzzes the WARC reader end to end on bytes in memory: gzip detection and
// member-by-member decoding (libdeflate, zlib fallback), record framing with a
// small record limit, HTTP response parsing (chunked, gzip/deflate bodies) and
// the conversion of HTML responses into Documents. Every record must be a
// record, a skip or an error; the reader must end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/ingest.h"
#include "ingest/chunk_source.h"
#include "ingest/warc.h"

namespace {
constexpr uint64_t kSmallLimit = 16384;
constexpr int kMaxRecords = 10000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  caspian::ingest::WarcReader reader(caspian::ingest::memory_chunk_source(bytes), kSmallLimit);
  caspian::ingest::WarcRecord rec;
  for (int i = 0; i < kMaxRecords; ++i) {
    auto got = reader.next(rec);
    if (!got.ok()) {
      if (got.status().message().empty()) __builtin_trap();
      auto again = reader.next(rec);  // finished after an error
      if (!again.ok() || *again) __builtin_trap();
      break;
    }
    if (!*got) break;
    if (rec.block.size() > kSmallLimit || (rec.oversized && !rec.block.empty())) __builtin_trap();
    auto conv = caspian::ingest::convert_warc_record(rec, kSmallLimit);
    if (!conv.document && conv.skip_reason.empty()) __builtin_trap();
    if (conv.document && conv.document->ok() && (*conv.document)->body_offset > (*conv.document)->text.size()) {
      __builtin_trap();
    }
  }
  // The HTTP parser alone, on the raw bytes.
  auto resp = caspian::ingest::parse_http_response(bytes, kSmallLimit);
  if (resp.ok() && resp->body().size() > std::max<size_t>(bytes.size(), kSmallLimit)) __builtin_trap();
  return 0;
}
