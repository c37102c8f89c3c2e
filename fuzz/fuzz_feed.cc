// Fuzzes the feed reader (RSS/Atom/RDF through libxml2 in recovery mode), the
// HTML-fragment-to-text reducer and the feed date parser: any bytes must give
// items or one Status, every Document must be valid UTF-8, and nothing may
// crash, hang or blow up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/ingest.h"
#include "caspian/utf8.h"
#include "ingest/feed.h"

namespace {
constexpr size_t kMaxDateInput = 256;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  caspian::ReadStats stats;
  auto docs = caspian::documents_from_feed(bytes, &stats);
  if (docs.ok()) {
    if (docs->empty()) __builtin_trap();  // an ok result has items
    for (const caspian::Document& d : *docs) {
      if (d.body_offset > d.text.size()) __builtin_trap();
      if (caspian::utf8::find_invalid(d.text) || caspian::utf8::find_invalid(d.url) ||
          caspian::utf8::find_invalid(d.source) || caspian::utf8::find_invalid(d.attribution)) {
        __builtin_trap();
      }
    }
  } else if (docs.status().message().empty()) {
    __builtin_trap();  // errors must say why
  }
  if (caspian::utf8::find_invalid(caspian::ingest::html_fragment_to_text(bytes))) __builtin_trap();
  if (auto d = caspian::ingest::parse_feed_date(bytes.substr(0, kMaxDateInput)); d && !d->ok()) __builtin_trap();
  return 0;
}
