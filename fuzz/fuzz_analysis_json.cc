// Fuzzes the analysis JSON reader (caspian::from_json), which also reads what
// the store holds: spans must stay inside the text whatever the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto doc = caspian::from_json(bytes);
  if (!doc.ok()) return 0;
  for (const auto& m : doc->mentions) {
    if (m.span.end > doc->text.size()) __builtin_trap();
  }
  (void)caspian::to_json(*doc);
  return 0;
}
