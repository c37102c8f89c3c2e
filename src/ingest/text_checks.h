// Internal: checks shared by the readers of untrusted text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "caspian/result.h"

namespace caspian::ingest {

// Ok when `bytes` is usable text: no NUL byte (binary), valid UTF-8. Errors
// name the byte offset and line (1-based) of the first bad byte.
Status check_text(std::string_view bytes);

// True when `s` holds only ASCII whitespace.
bool is_blank(std::string_view s) noexcept;

// `s` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view s) noexcept;

// Collapses runs of whitespace (including newlines) to one space and trims.
std::string normalize_line(std::string_view s);

}  // namespace caspian::ingest
