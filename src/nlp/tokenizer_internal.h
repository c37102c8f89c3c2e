// Internal to the tokenizer: character classes, the helpers both passes use, and the two passes
// (tokenizer_scanner.cc cuts the text into tokens; sentence_splitter.cc finds the sentence ends).
//
// Requires: byte offsets passed to the helpers lie inside the text they are given.
// Guarantees: never fails on input: invalid UTF-8 is classified as kInvalid, one byte at a time.
// Thread safety: the tables are immutable; the passes keep their state on the stack (the ICU
//   segmenter of dense scripts is thread_local), so tokenize() may run concurrently.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/utf8.h"
#include "nlp/abbreviations.h"

namespace caspian::nlp::tokenizer_impl {

inline constexpr size_t kNpos = std::string_view::npos;

constexpr size_t kMaxKeyBytes = 16;  // longer words are never looked up in the lists

// ---------------------------------------------------------------------------------------------
// Character classes.

enum class Cls : uint8_t {
  kSpace,      // White_Space, and the invisible separators U+200B, U+180E, U+FEFF
  kLower,      // Ll
  kUpper,      // Lu, Lt
  kUncased,    // Lm, Lo of scripts written with spaces (Arabic, Hebrew, Hangul, Ethiopic, ...)
  kDense,      // Lm, Lo of scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar)
  kDigit,      // Nd
  kNumOther,   // Nl, No
  kExtend,     // marks, format characters (ZWJ, ZWNJ, bidi marks), emoji modifiers
  kConnector,  // Pc
  kDash,       // Pd
  kOpen,       // Ps, Pi
  kClose,      // Pe, Pf
  kQuote,      // ASCII ' and ", which open or close
  kTerminal,   // Sentence_Terminal and U+2026 HORIZONTAL ELLIPSIS
  kPunct,      // other P*
  kSymbol,     // S*, private use, unassigned
  kControl,    // Cc that is not White_Space
  kInvalid,    // a byte that does not start valid UTF-8
};

constexpr bool is_letter(Cls c) {
  return c == Cls::kLower || c == Cls::kUpper || c == Cls::kUncased;
}
constexpr bool is_alnum(Cls c) {
  return is_letter(c) || c == Cls::kDigit || c == Cls::kNumOther;
}

struct Char {
  char32_t cp = 0;
  uint32_t len = 1;
  Cls cls = Cls::kInvalid;
};

constexpr std::array<Cls, 128> make_ascii_classes() {
  std::array<Cls, 128> t{};
  for (int c = 0; c < 128; ++c) {
    Cls k = Cls::kControl;
    if (c == ' ' || (c >= '\t' && c <= '\r'))
      k = Cls::kSpace;
    else if (c >= 'a' && c <= 'z')
      k = Cls::kLower;
    else if (c >= 'A' && c <= 'Z')
      k = Cls::kUpper;
    else if (c >= '0' && c <= '9')
      k = Cls::kDigit;
    else if (c == '.' || c == '!' || c == '?')
      k = Cls::kTerminal;
    else if (c == '-')
      k = Cls::kDash;
    else if (c == '(' || c == '[' || c == '{')
      k = Cls::kOpen;
    else if (c == ')' || c == ']' || c == '}')
      k = Cls::kClose;
    else if (c == '"' || c == '\'')
      k = Cls::kQuote;
    else if (c == '_')
      k = Cls::kConnector;
    else if (c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' || c == '|' ||
             c == '~')
      k = Cls::kSymbol;
    else if (c > ' ' && c < 0x7F)
      k = Cls::kPunct;  // , ; : % & * / @ # '\\'
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}
inline constexpr std::array<Cls, 128> kAsciiClasses = make_ascii_classes();

inline constexpr char32_t kHorizontalEllipsis = 0x2026;
constexpr char32_t kZeroWidthSpace = 0x200B;
constexpr char32_t kMongolianVowelSeparator = 0x180E;
constexpr char32_t kByteOrderMark = 0xFEFF;
constexpr char32_t kNextLine = 0x85;
constexpr char32_t kRightSingleQuote = 0x2019;  // ’, the usual typographic apostrophe

// The class of a non-ASCII code point (requires cp >= 0x80).
Cls classify_non_ascii(char32_t cp);

// Decodes the character at byte `i` (requires i < text.size()). Never fails: a byte that does not
// start a valid sequence is returned as a one-byte kInvalid character.
inline Char char_at(std::string_view text, size_t i) {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x80) return {b, 1, kAsciiClasses[b]};
  size_t pos = i;
  const char32_t cp = utf8::decode(text, pos);
  const auto len = static_cast<uint32_t>(pos - i);
  if (len <= 1) return {b, 1, Cls::kInvalid};  // valid non-ASCII characters take >= 2 bytes
  return {cp, len, classify_non_ascii(cp)};
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Lower-cases an ASCII word into `buf`; nullopt if it is too long or not ASCII.
std::optional<std::string_view> lower_key(std::string_view word, std::array<char, kMaxKeyBytes>& buf);

template <class Range>
bool contains_sorted(const Range& sorted, std::string_view key) {
  return std::ranges::binary_search(sorted, key);
}

// Whether `a` equals `lower` (lower case) ignoring ASCII case.
bool equals_ignore_ascii_case(std::string_view a, std::string_view lower);

//  1. a single upper-case letter is an initial ("George W. Bush"): kNonFinal;
//  2. the abbreviation list (abbreviations.h; case-insensitive);
//  3. other dotted letters, each part one or two letters ("J.R", "R.E"): kNonFinal, as they are
//     mostly initials; the dotted acronyms that often end sentences ("U.S", "D.C") are listed.
Abbrev classify_abbreviation(std::string_view text, size_t begin, size_t end);

// Pass 1: appends the tokens of `text` to `out` (see tokenizer.h for what a token is).
void scan_tokens(std::string_view text, std::vector<Token>& out);

// Pass 2: appends to `out` the sentences of tokens[first, end), which pass 1 cut from `text`.
void split_sentences(std::string_view text, const std::vector<Token>& tokens, size_t first,
                     std::vector<Sentence>& out);

}  // namespace caspian::nlp::tokenizer_impl
