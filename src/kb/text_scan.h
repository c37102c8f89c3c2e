// Word scanning for the knowledge-base stages.
//
// The gazetteer stage must work on a bare Document (no tokens,
// no sentences), so they scan `doc.text` themselves. A "word" here is what a
// name is made of: letters and digits with inner hyphens and apostrophes
// ("Kassym-Jomart", "O'Brien") and dotted abbreviations ("U.S.", "D.C.").
// A trailing possessive ('s / ’s) is not part of the word.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"

namespace caspian::kb {

// What separates a word from the one before it.
enum class Gap : uint8_t {
  kStart,  // first word of the text
  kSpace,  // spaces or tabs only (also "Mr. " after a known abbreviation)
  kComma,  // a comma and spaces: "Almaty, Kazakhstan"
  kBreak,  // anything else: sentence end, newline, quote, bracket, dash, ...
};

struct Word {
  Span span;
  Gap gap = Gap::kStart;
  bool capitalised = false;       // first letter is upper or title case
  bool all_caps = false;          // at least one letter and no lower-case letter
  bool sentence_initial = false;  // first word of a sentence (or of the headline/body)
  bool in_headline = false;       // before doc.body_offset
  bool title_case_line = false;   // in a headline where nearly every word is capitalised
  bool possessive = false;        // followed by 's
  bool period_after = false;      // immediately followed by '.' (not part of the word)
  bool hyphenated = false;        // contains an inner hyphen
  std::string key;                // Gazetteer::key() of the word
};

// Splits `doc.text` into words. When `doc.sentences` is non-empty, a word
// that starts a new sentence gets Gap::kBreak and sentence_initial.
// Requires: doc.text is valid UTF-8. Guarantees: spans are in order, disjoint.
[[nodiscard]] std::vector<Word> scan_words(const Document& doc);

// True when `word` begins with an upper-case letter followed by lower-case
// ones ("Almaty"), i.e. an ordinary capitalised name rather than an acronym.
[[nodiscard]] bool is_name_shaped(const Word& word);

// Lower-case ASCII-folded slug of a name: "The Astana Times" -> "the-astana-times".
[[nodiscard]] std::string slugify(std::string_view name);

}  // namespace caspian::kb
