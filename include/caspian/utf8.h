// UTF-8 validation and small text helpers used on untrusted bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace caspian::utf8 {

// The longest encoding of one code point.
inline constexpr size_t kMaxSequenceBytes = 4;

// Returns the byte offset of the first invalid sequence, or nullopt if
// `s` is valid UTF-8 (overlongs, surrogates and > U+10FFFF are invalid).
std::optional<size_t> find_invalid(std::string_view s) noexcept;

// Decodes the code point at `pos` and advances `pos`. Requires valid UTF-8
// and pos < s.size().
char32_t decode(std::string_view s, size_t& pos) noexcept;

// Appends the UTF-8 encoding of `cp`.
void append(std::string& out, char32_t cp);

// Case folding and NFKC normalisation via utf8proc; for lookup keys.
std::string fold(std::string_view s);

}  // namespace caspian::utf8
