// The tokenizer's character classes (Unicode general category via utf8proc, script and
// Sentence_Terminal via ICU) and the word helpers both passes use. See tokenizer_internal.h.
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <utf8proc.h>

#include "nlp/tokenizer_internal.h"

namespace caspian::nlp::tokenizer_impl {

namespace {

// Scripts whose words are not separated by spaces; their letter runs go to ICU.
bool is_dense_script(char32_t cp) {
  UErrorCode status = U_ZERO_ERROR;
  const auto c = static_cast<UChar32>(cp);
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_KATAKANA_OR_HIRAGANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    case USCRIPT_COMMON:  // e.g. U+30FC KATAKANA-HIRAGANA PROLONGED SOUND MARK
    case USCRIPT_INHERITED:
      return uscript_hasScript(c, USCRIPT_HAN) || uscript_hasScript(c, USCRIPT_HIRAGANA) ||
             uscript_hasScript(c, USCRIPT_KATAKANA);
    default:
      return false;
  }
}

}  // namespace

Cls classify_non_ascii(char32_t cp) {
  if (cp == kZeroWidthSpace || cp == kMongolianVowelSeparator || cp == kByteOrderMark) return Cls::kSpace;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  switch (p->category) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return Cls::kSpace;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
      return Cls::kUpper;
    case UTF8PROC_CATEGORY_LL:
      return Cls::kLower;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return is_dense_script(cp) ? Cls::kDense : Cls::kUncased;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
      return Cls::kExtend;
    case UTF8PROC_CATEGORY_ND:
      return Cls::kDigit;
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return Cls::kNumOther;
    case UTF8PROC_CATEGORY_PC:
      return Cls::kConnector;
    case UTF8PROC_CATEGORY_PD:
      return Cls::kDash;
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PI:
      return Cls::kOpen;
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PF:
      return Cls::kClose;
    case UTF8PROC_CATEGORY_PO:
      return (cp == kHorizontalEllipsis || u_hasBinaryProperty(static_cast<UChar32>(cp), UCHAR_S_TERM))
                 ? Cls::kTerminal
                 : Cls::kPunct;
    case UTF8PROC_CATEGORY_SK:  // emoji skin-tone modifiers are Sk but extend the emoji before them
      return p->boundclass == UTF8PROC_BOUNDCLASS_E_MODIFIER || p->boundclass == UTF8PROC_BOUNDCLASS_EXTEND
                 ? Cls::kExtend
                 : Cls::kSymbol;
    case UTF8PROC_CATEGORY_CC:
      return cp == kNextLine ? Cls::kSpace : Cls::kControl;
    default:  // Sm, Sc, So, Co (private use), Cs, Cn (unassigned)
      return Cls::kSymbol;
  }
}

std::optional<std::string_view> lower_key(std::string_view word, std::array<char, kMaxKeyBytes>& buf) {
  if (word.empty() || word.size() > buf.size()) return std::nullopt;
  for (size_t i = 0; i < word.size(); ++i) {
    if (static_cast<unsigned char>(word[i]) >= 0x80) return std::nullopt;
    buf[i] = ascii_lower(word[i]);
  }
  return std::string_view(buf.data(), word.size());
}

bool equals_ignore_ascii_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

Abbrev classify_abbreviation(std::string_view text, size_t begin, size_t end) {
  if (begin >= end) return Abbrev::kNone;
  const Char first = char_at(text, begin);
  if (first.cls == Cls::kUpper) {
    size_t j = begin + first.len;
    while (j < end && char_at(text, j).cls == Cls::kExtend) j += char_at(text, j).len;
    if (j == end) return Abbrev::kNonFinal;
  }
  std::array<char, kMaxKeyBytes> buf{};
  if (const auto key = lower_key(text.substr(begin, end - begin), buf)) {
    if (const Abbrev listed = listed_abbreviation(*key); listed != Abbrev::kNone) return listed;
  }
  constexpr size_t kMaxDottedPart = 2;
  bool dotted = false;
  size_t part = 0;
  for (size_t j = begin; j < end;) {
    const Char c = char_at(text, j);
    if (c.cp == '.') {
      if (part == 0) return Abbrev::kNone;
      dotted = true;
      part = 0;
    } else if (is_letter(c.cls)) {
      if (++part > kMaxDottedPart) return Abbrev::kNone;
    } else if (c.cls != Cls::kExtend) {
      return Abbrev::kNone;
    }
    j += c.len;
  }
  return dotted && part > 0 ? Abbrev::kNonFinal : Abbrev::kNone;
}

}  // namespace caspian::nlp::tokenizer_impl
