#include "nlp/language.h"

// clang-format off
#include <cstdio>  // first: compact_lang_det.h uses FILE without including <cstdio>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
// clang-format on

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace caspian::nlp {

namespace {

// How much of an article is read: the language of a news article is settled long before.
constexpr size_t kMaxBytes = 64 * 1024;
// An unreliable guess without a declared language still labels the text when it covers this
// share of the letters (short English text is often "unreliable" yet plainly English).
constexpr int kMajorityPercent = 60;
// A declared language CLD2 finds in this share of the text is kept (decide_language).
constexpr int kDeclaredKeptPercent = 20;
// Below this many bytes of letters, a declared Latin-script language holds against CLD2 on text
// that is mostly Latin (decide_language), and at least this share of its letters.
constexpr int kShortLetters = 400;
constexpr int kMostlyLatinPercent = 80;

// The share of the letters of `text` in Latin script, 0..100 (0 without letters).
int latin_share(std::string_view text) {
  int letters = 0;
  int latin = 0;
  int32_t i = 0;
  const auto size = static_cast<int32_t>(text.size());
  while (i < size) {
    UChar32 c = 0;
    U8_NEXT(text.data(), i, size, c);
    if (c < 0 || !u_isalpha(c)) continue;
    ++letters;
    UErrorCode err = U_ZERO_ERROR;
    if (uscript_getScript(c, &err) == USCRIPT_LATIN) ++latin;
  }
  return letters == 0 ? 0 : latin * 100 / letters;
}

// Whether CLD2 recognises the language of ISO 639 code `code` in Latin script first.
bool latin_language(const std::string& code) {
  const CLD2::Language lang = CLD2::GetLanguageFromName(code.c_str());
  return lang != CLD2::UNKNOWN_LANGUAGE && CLD2::LanguageRecognizedScript(lang, 0) == CLD2::ULScript_Latin;
}

// The longest prefix of `text` of at most `max` bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// The primary subtag of a BCP 47 tag, lower case ("pt-BR" -> "pt"), for CLD2's hint.
std::string primary_subtag(std::string_view tag) {
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string iso639_code(std::string_view cld2_code) {
  const std::string_view primary = cld2_code.substr(0, cld2_code.find('-'));
  if (primary.empty() || primary == "un" || primary == "xx" || primary == "xxx" || primary.starts_with("zz"))
    return std::string(kUndetermined);
  // CLD2 keeps codes ISO 639-1 has since replaced.
  if (primary == "iw") return "he";
  if (primary == "jw") return "jv";
  if (primary == "in") return "id";
  if (primary == "ji") return "yi";
  if (primary == "mo") return "ro";
  return std::string(primary);
}

LanguageGuess identify_language(std::string_view text, std::string_view hint) {
  const std::string_view input = utf8_prefix(text, kMaxBytes);
  const std::string hint_code = primary_subtag(hint);
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  if (!hint_code.empty() && hint_code != kUndetermined) hints.content_language_hint = hint_code.c_str();
  CLD2::Language top3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE};
  int percent3[3] = {0, 0, 0};
  double scores3[3];
  int letters = 0;
  bool reliable = false;
  int valid = 0;
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      input.data(), static_cast<int>(input.size()), /*is_plain_text=*/true, &hints, /*flags=*/0, top3,
      percent3, scores3, nullptr, &letters, &reliable, &valid);
  if (valid < static_cast<int>(input.size()) && valid > 0) {
    // Bytes CLD2 does not accept as interchange UTF-8 (some control characters): read up to them.
    lang = CLD2::ExtDetectLanguageSummary(input.data(), valid, true, &hints, 0, top3, percent3, scores3,
                                          nullptr, &letters, &reliable);
  }
  LanguageGuess g;
  g.code = iso639_code(CLD2::LanguageCode(lang));
  g.reliable = reliable && g.code != kUndetermined;
  g.letters = letters;
  g.latin_percent = latin_share(input);
  for (int i = 0; i < 3; ++i) {
    if (top3[i] == lang) g.percent = std::max(g.percent, percent3[i]);
    std::string code = iso639_code(CLD2::LanguageCode(top3[i]));
    if (code != kUndetermined && percent3[i] > 0) g.top.emplace_back(std::move(code), percent3[i]);
  }
  return g;
}

int LanguageGuess::percent_of(std::string_view language) const {
  int sum = 0;  // "zh" and "zh-Hant" both map to "zh"
  for (const auto& [c, p] : top) sum += c == language ? p : 0;
  return sum;
}

std::string decide_language(const LanguageGuess& guess, std::string_view declared) {
  const std::string primary = primary_subtag(declared);
  if (!primary.empty() && guess.percent_of(primary) >= kDeclaredKeptPercent) return primary;
  if (!primary.empty() && guess.letters < kShortLetters && guess.latin_percent >= kMostlyLatinPercent &&
      latin_language(primary))
    return primary;
  if (guess.reliable) return guess.code;
  if (!primary.empty()) return primary;
  if (guess.code != kUndetermined && guess.percent >= kMajorityPercent) return guess.code;
  return std::string(kUndetermined);
}

}  // namespace caspian::nlp
