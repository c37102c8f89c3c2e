// Fuzzes charset sniffing and conversion: any bytes and any Content-Type must decode to valid
// UTF-8 or fail with a Status (binary input).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/utf8.h"
#include "extract/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The bytes up to the first newline (at most 64) are the Content-Type header.
  constexpr size_t kMaxHeader = 64;
  std::string_view header;
  if (const size_t nl = bytes.substr(0, kMaxHeader).find('\n'); nl != std::string_view::npos) {
    header = bytes.substr(0, nl);
    bytes.remove_prefix(nl + 1);
  }
  auto decoded = caspian::extract::decode_to_utf8(bytes, header);
  if (decoded.ok()) {
    const std::string_view text = decoded->unchanged ? bytes : std::string_view(decoded->utf8);
    if (caspian::utf8::find_invalid(text)) __builtin_trap();
    if (decoded->charset.empty()) __builtin_trap();
  }
  if (caspian::utf8::find_invalid(caspian::extract::make_valid_utf8(bytes))) __builtin_trap();
  (void)caspian::extract::charset_from_meta(bytes);
  (void)caspian::extract::charset_from_content_type(header);
  return 0;
}
