// Fuzzes the TimeML reader of `caspian eval timex`.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eval/timeml_eval.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = caspian::nlp::parse_timeml(text);
  (void)doc;
  return 0;
}
