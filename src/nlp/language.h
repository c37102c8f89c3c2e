// Language identification of article text, wrapping CLD2 (Google's Compact Language Detector 2,
// Debian's libcld2-dev).
//
// Why CLD2: it is the detector Chrome shipped for years, recognises 83 languages in its default
// tables (every language of the Caspian region among them: ru, kk, az, hy, ka, fa, tr, uk, ...),
// reads UTF-8 directly, needs no model file at run time (its tables are compiled into the
// library), takes a few microseconds per kilobyte, and gives a reliability bit and the share of
// the text in each of its top three languages. Its detection calls keep no global mutable state,
// so they are safe to call from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace caspian::nlp {

// The code given to text whose language cannot be decided (ISO 639-2 "undetermined").
inline constexpr std::string_view kUndetermined = "und";

struct LanguageGuess {
  // ISO 639-1 code ("en", "zh" for Chinese in either script, "he" for Hebrew); the ISO 639-2/3
  // code for the few languages without a two-letter one ("haw", "ceb"); kUndetermined when CLD2
  // knows no language for the text (empty, digits only, an unknown script).
  std::string code;
  int percent = 0;        // share of the text's letters in that language, 0..100
  bool reliable = false;  // CLD2's verdict: clearly more probable than the runner-up
  int letters = 0;        // bytes of letters CLD2 scored (text without digits and punctuation)
  // CLD2's top three languages (ISO 639 codes as `code`) with their shares, best first; languages
  // CLD2 did not find are left out.
  std::vector<std::pair<std::string, int>> top;
  int latin_percent = 0;  // share of the letters (code points) in Latin script, 0..100

  // The share of the text CLD2 gives to `language` (an ISO 639 code), 0 when not in `top`.
  int percent_of(std::string_view language) const;
};

// Identifies the main language of `text` (UTF-8; invalid bytes end the text looked at). `hint` is
// a declared language ("fr", "pt-BR", from the record's metadata, ignored when empty): CLD2 gives
// it a prior, so it decides between close languages, while the text still wins when it clearly
// says otherwise. Reads at most the first 64 KiB. Thread-safe.
LanguageGuess identify_language(std::string_view text, std::string_view hint = {});

// The ISO 639 code of a CLD2 language code: "zh-Hant" -> "zh", "iw" -> "he", "jw" -> "jv",
// "sr-ME" -> "sr", "un" and the script-only "xx-Cyrl" -> kUndetermined; others as they are.
std::string iso639_code(std::string_view cld2_code);

// The language a document is labelled with, from a guess and its declared language (may be
// empty), in order:
//  1. the declared language when CLD2 finds it in at least a fifth of the text, or when it is
//     written in Latin script, the text is mostly Latin and short (under 400 bytes of letters).
//     On short English news full of names CLD2 is sometimes "reliably" wrong (Uzbek, 99%, for a
//     sentence on Tashkent; Malagasy for one on Madagascar); a declaration the script of the text
//     contradicts (a Chinese or Russian page declared "en") never holds;
//  2. the guess when it is reliable;
//  3. the declared language when there is one;
//  4. the guess when it covers most of the text;
//  5. kUndetermined.
std::string decide_language(const LanguageGuess& guess, std::string_view declared);

}  // namespace caspian::nlp
