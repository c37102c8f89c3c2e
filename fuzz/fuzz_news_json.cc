// Fuzzes the news-please JSON reader: any bytes must yield a Document or a Status.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto doc = caspian::document_from_news_json(bytes);
  if (doc.ok() && doc->body_offset > doc->text.size()) __builtin_trap();
  return 0;
}
