#include "kb/text_scan.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "caspian/utf8.h"
#include "kb/gazetteer.h"
#include "nlp/abbreviations.h"

namespace caspian::kb {

namespace {

// A headline counts as title case when at least this share of its longer
// words is capitalised ("Capital City Almaty Contributed as Key Platform").
constexpr double kTitleCaseShare = 0.75;
constexpr size_t kTitleCaseMinLetters = 4;

utf8proc_category_t category(char32_t cp) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool is_letter(char32_t cp) {
  const auto c = category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool is_word_char(char32_t cp) {
  const auto c = category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

bool is_hyphen(char32_t cp) {
  return cp == U'-' || cp == U'\u2010' || cp == U'\u2011';
}
bool is_apostrophe(char32_t cp) {
  return cp == U'\'' || cp == U'\u2019';
}

// Code point at `pos` without advancing; 0 at the end.
char32_t peek(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  return utf8::decode(s, pos);
}

size_t next_pos(std::string_view s, size_t pos) {
  utf8::decode(s, pos);
  return pos;
}

Gap classify_gap(std::string_view gap, bool after_abbreviation) {
  bool comma = false;
  for (char c : gap) {
    if (c == ' ' || c == '\t') continue;
    if (c == ',' && !comma) {
      comma = true;
      continue;
    }
    if (c == '.' && after_abbreviation) continue;
    return Gap::kBreak;
  }
  return comma ? Gap::kComma : Gap::kSpace;
}

bool ends_sentence(std::string_view gap) {
  return gap.find_first_of(".!?\n") != std::string_view::npos;
}

}  // namespace

bool is_name_shaped(const Word& word) {
  return word.capitalised && !word.all_caps;
}

std::vector<Word> scan_words(const Document& doc) {
  const std::string_view text = doc.text;
  std::vector<Word> words;
  size_t pos = 0;
  size_t prev_raw_end = 0;  // end of the previous word including a possessive
  size_t sentence = 0;      // next sentence whose start we have not passed
  while (pos < text.size()) {
    const char32_t cp = peek(text, pos);
    if (!is_word_char(cp)) {
      pos = next_pos(text, pos);
      continue;
    }
    Word w;
    w.span.begin = static_cast<uint32_t>(pos);
    bool dotted = false;  // "U.S." style
    size_t letters = 0;
    bool single_letters = true;  // every run between dots is one letter
    size_t run = 0;
    bool has_lower = false;
    bool has_upper = false;
    bool first = true;
    while (pos < text.size()) {
      const char32_t c = peek(text, pos);
      const size_t after = next_pos(text, pos);
      if (is_word_char(c)) {
        if (is_letter(c)) {
          ++letters;
          const auto cat = category(c);
          if (cat == UTF8PROC_CATEGORY_LL) has_lower = true;
          if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
            has_upper = true;
            if (first) w.capitalised = true;
          }
        }
        first = false;
        ++run;
        if (run > 1) single_letters = false;
        pos = after;
        continue;
      }
      const char32_t n = peek(text, after);
      if (is_hyphen(c) && is_word_char(n)) {
        w.hyphenated = true;
        run = 0;
        single_letters = false;
        pos = after;
        continue;
      }
      if (is_apostrophe(c) && is_letter(n)) {
        const size_t after_n = next_pos(text, after);
        if ((n == U's' || n == U'S') && !is_word_char(peek(text, after_n))) {
          w.possessive = true;
          break;
        }
        pos = after;
        run = 0;
        continue;
      }
      if (c == U'.' && single_letters && run == 1) {
        // "U.S." / "D.C.": a dot after a single letter joins the next single letter.
        const size_t after_n = is_letter(n) ? next_pos(text, after) : after;
        if (is_letter(n) && peek(text, after_n) == U'.') {
          dotted = true;
          run = 0;
          pos = after;
          continue;
        }
        if (dotted) {
          pos = after;  // the final dot of "U.S."
          break;
        }
      }
      break;
    }
    w.span.end = static_cast<uint32_t>(pos);
    w.all_caps = has_upper && !has_lower;
    (void)letters;
    const size_t raw_end = w.possessive ? next_pos(text, next_pos(text, pos)) : pos;
    w.period_after = !dotted && raw_end < text.size() && text[raw_end] == '.';
    w.key = Gazetteer::key(text.substr(w.span.begin, w.span.size()));
    w.in_headline = w.span.begin < doc.body_offset;

    const std::string_view gap = text.substr(prev_raw_end, w.span.begin - prev_raw_end);
    if (words.empty()) {
      w.gap = Gap::kStart;
      w.sentence_initial = true;
    } else {
      const Word& prev = words.back();
      // "Mr. Tokayev", and middle initials: "Stephen J. Townsend".
      const bool initial = prev.key.size() == 1 && prev.all_caps && !prev.sentence_initial;
      // Titles whose period does not end a sentence: the shared abbreviation list's kTitle entries.
      const bool abbrev = prev.period_after && (initial || nlp::is_title_abbreviation(prev.key));
      w.gap = classify_gap(gap, abbrev);
      const bool crosses_body = prev.span.begin < doc.body_offset && w.span.begin >= doc.body_offset;
      if (crosses_body) w.gap = Gap::kBreak;
      w.sentence_initial =
          crosses_body || (w.gap == Gap::kBreak && ends_sentence(abbrev ? std::string_view() : gap));
    }
    // Sentences from the tokenizer, when present, are authoritative breaks.
    while (sentence < doc.sentences.size() && doc.sentences[sentence].span.begin <= w.span.begin) {
      if (!words.empty() && words.back().span.begin < doc.sentences[sentence].span.begin) {
        w.gap = Gap::kBreak;
        w.sentence_initial = true;
      }
      ++sentence;
    }
    words.push_back(std::move(w));
    prev_raw_end = raw_end;
    pos = raw_end;
  }

  // Title-case headlines carry no capitalisation signal.
  size_t long_words = 0;
  size_t capitalised = 0;
  for (const Word& w : words) {
    if (!w.in_headline) break;
    if (w.key.size() >= kTitleCaseMinLetters) {
      ++long_words;
      if (w.capitalised) ++capitalised;
    }
  }
  if (long_words > 0 &&
      static_cast<double>(capitalised) >= kTitleCaseShare * static_cast<double>(long_words)) {
    for (Word& w : words) {
      if (!w.in_headline) break;
      w.title_case_line = true;
    }
  }
  return words;
}

std::string slugify(std::string_view name) {
  utf8proc_uint8_t* raw = nullptr;
  const auto opts = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                                   UTF8PROC_STRIPMARK | UTF8PROC_STABLE | UTF8PROC_IGNORE);
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                                          static_cast<utf8proc_ssize_t>(name.size()), &raw, opts);
  if (n < 0) return {};
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(raw, &std::free);
  const std::string_view folded(reinterpret_cast<const char*>(raw), static_cast<size_t>(n));
  std::string out;
  bool hyphen = false;
  size_t pos = 0;
  while (pos < folded.size()) {
    const size_t start = pos;
    const char32_t cp = utf8::decode(folded, pos);
    if (is_apostrophe(cp) || cp == U'.') continue;  // "O'Brien" -> "obrien", "U.S." -> "us"
    if (is_word_char(cp)) {
      if (hyphen && !out.empty()) out.push_back('-');
      hyphen = false;
      // Letters without an ASCII form (Cyrillic, ...) stay as they are.
      out.append(folded.substr(start, pos - start));
    } else {
      hyphen = true;
    }
  }
  return out;
}

}  // namespace caspian::kb
