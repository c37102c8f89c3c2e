// Internal: finding a page's character encoding and converting it to UTF-8 (ICU).
#pragma once

#include <string>
#include <string_view>

#include "caspian/result.h"

namespace caspian::extract {

struct DecodedPage {
  std::string utf8;     // valid UTF-8 (BOM removed); empty when `unchanged` is set
  bool unchanged = false;  // the input was already valid UTF-8 without a BOM: use it as is
  std::string charset;  // what it was decoded from, e.g. "UTF-8", "windows-1252", "Shift_JIS"
  std::string source;   // how the charset was found: "bom", "http", "meta", "utf8", "detected", "default"
};

// The charset parameter of a Content-Type header value ("" if none).
std::string charset_from_content_type(std::string_view content_type);

// The charset declared by <meta charset> or <meta http-equiv=Content-Type content=...> within
// the first kMetaPrescanBytes bytes ("" if none).
std::string charset_from_meta(std::string_view html);

// Decodes `bytes` to UTF-8. Order (as in the HTML5 encoding sniffing algorithm, plus detection):
// a byte-order mark; the HTTP header's charset; <meta>; valid UTF-8; ICU's detector; windows-1252.
// A declared single-byte charset is overruled when the bytes are valid UTF-8 with multi-byte
// sequences (a common mis-declaration); a declared UTF-8 that is mostly invalid is re-detected.
// Unknown charset names fall through to the next source. Invalid sequences become U+FFFD.
// Errors: kBinaryInput when the bytes are not text (NUL bytes outside UTF-16).
// Thread-safe.
Result<DecodedPage> decode_to_utf8(std::string_view bytes, std::string_view content_type);

// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string make_valid_utf8(std::string_view s);

}  // namespace caspian::extract
