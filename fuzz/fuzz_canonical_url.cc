// Fuzzes URL canonicalisation: idempotent on its own output.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caspian/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string once = caspian::canonical_url(bytes);
  const std::string twice = caspian::canonical_url(once);
  if (once != twice) __builtin_trap();
  return 0;
}
