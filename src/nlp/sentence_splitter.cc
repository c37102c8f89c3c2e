// The tokenizer's second pass: SentenceSplitter decides, between each pair of consecutive tokens,
// whether a sentence ends there (terminators, abbreviations, line breaks, the case of the next
// word). See tokenizer.cc for the design and tokenizer.h for the contract.
#include <utf8proc.h>

#include <algorithm>
#include <string_view>

#include "nlp/tokenizer_internal.h"

namespace caspian::nlp::tokenizer_impl {

namespace {

// Capitalised words that commonly follow a sentence-final-capable abbreviation inside a sentence
// ("U.S. President", "Acme Inc. Chief Executive", "10 a.m. Monday"). After "U.S." and its kind, a
// capitalised next word ends the sentence unless it is one of these. Sorted, case-sensitive.
// clang-format off
constexpr std::string_view kNameFollowers[] = {
    "Adm.",           "Administration", "Agency",         "Air",            "Ambassador",     "April",
    "Army",           "Attorney",       "August",         "Border",         "Bureau",         "CDT",
    "CEO",            "CET",            "CST",            "Capitol",        "Census",         "Central",
    "Chairman",       "Chamber",        "Chief",          "Coast",          "Command",        "Commerce",
    "Congress",       "Congressman",    "Consulate",      "Court",          "Customs",        "December",
    "Defence",        "Defense",        "Department",     "District",       "Dollar",         "EDT",
    "EST",            "ET",             "Eastern",        "Embassy",        "Energy",         "Envoy",
    "February",       "Federal",        "Forces",         "Friday",         "GMT",            "Gen.",
    "Government",     "Homeland",       "House",          "Immigration",    "Intelligence",   "Interior",
    "January",        "July",           "June",           "Justice",        "MDT",            "MST",
    "March",          "Marine",         "Marines",        "May",            "Military",       "Mission",
    "Monday",         "Mountain",       "National",       "Navy",           "November",       "October",
    "Open",           "PDT",            "PST",            "Pacific",        "Postal",         "President",
    "Rep.",           "Representative", "Saturday",       "Secretary",      "Sen.",           "Senate",
    "Senator",        "September",      "Special",        "State",          "Steel",          "Sunday",
    "Supreme",        "Thursday",       "Trade",          "Treasury",       "Tuesday",        "UTC",
    "Vice",           "Wednesday",
};
// clang-format on
static_assert(std::ranges::is_sorted(kNameFollowers));

constexpr size_t kMaxOpenersSkipped = 3;   // quotes/brackets skipped to find the next word
constexpr size_t kMaxListMarkerBytes = 3;  // "1." .. "999." alone at a sentence start

// ---------------------------------------------------------------------------------------------
// Pass 2: sentences.

// What a token says about a sentence ending after it.
enum class Ending : uint8_t {
  kNone,
  kStrong,          // ! ? and other terminators (。 ！ ？ ؟), alone or in a run ("?!", "!!!")
  kPeriod,          // a lone "."
  kEllipsis,        // "...", "…", ".."
  kAbbrevFinal,     // "Inc.", "etc.", "U.S."
  kAbbrevNonFinal,  // "Dr.", "e.g.", "W."
};

// The case of a token's first character, as evidence for a sentence start.
enum class Initial : uint8_t { kUpper, kLower, kUncased, kDigit, kOther };

class SentenceSplitter {
 public:
  SentenceSplitter(std::string_view text, const std::vector<Token>& tokens, size_t first)
      : text_(text), tokens_(tokens), first_(first) {}

  // Rules, for consecutive tokens A and B (whitespace between them counted in line breaks):
  //  * a blank line (two or more line breaks) between A and B always ends a sentence;
  //  * A is a terminator: closing quotes and brackets right after it join its sentence; the
  //    sentence then ends unless the next word shows it does not (ends_after());
  //  * otherwise one line break ends the sentence unless the next line continues it: it starts
  //    with a lower-case letter, or A is a comma, semicolon, dash or opening bracket or quote.
  void run(std::vector<Sentence>& out) const {
    const size_t n = tokens_.size();
    size_t start = first_;
    size_t k = first_;
    while (k < n) {
      size_t last = k;
      bool boundary = false;
      if (k + 1 == n) {
        boundary = true;
      } else if (const Ending e = ending_of(k); e != Ending::kNone) {
        size_t m = k + 1;
        bool closed = false;
        for (; m < n; ++m) {
          if (is_closer_after(m)) {
            closed = true;
          } else if (!is_trailing_emoticon(m)) {
            break;
          }
        }
        last = m - 1;
        boundary = m == n || ends_after(e, start, last, m, closed);
      } else {
        const int breaks = line_breaks(k, k + 1);
        boundary = breaks >= 2 || (breaks == 1 && !continues_line(k, k + 1));
      }
      if (boundary) {
        out.push_back(Sentence{Span{tokens_[start].span.begin, tokens_[last].span.end},
                               static_cast<uint32_t>(start), static_cast<uint32_t>(last - start + 1)});
        start = last + 1;
      }
      k = last + 1;
    }
  }

 private:
  std::string_view slice(size_t t) const {
    return text_.substr(tokens_[t].span.begin, tokens_[t].span.size());
  }
  Char first_char(size_t t) const { return char_at(text_, tokens_[t].span.begin); }

  // Line breaks in the whitespace between tokens a and b: CR LF, LF, CR, NEL and LINE SEPARATOR
  // count one; form feed and PARAGRAPH SEPARATOR count two (they always end a sentence).
  int line_breaks(size_t a, size_t b) const {
    constexpr int kParagraph = 2;
    int count = 0;
    const size_t end = tokens_[b].span.begin;
    for (size_t i = tokens_[a].span.end; i < end && count < kParagraph; ++i) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (c == '\n' || c == '\v') {
        ++count;
      } else if (c == '\r') {
        ++count;
        if (i + 1 < end && text_[i + 1] == '\n') ++i;
      } else if (c == '\f') {
        count += kParagraph;
      } else if (c == 0xC2 && i + 1 < end && static_cast<unsigned char>(text_[i + 1]) == 0x85) {
        ++count;  // U+0085 NEXT LINE
      } else if (c == 0xE2 && i + 2 < end && static_cast<unsigned char>(text_[i + 1]) == 0x80) {
        const auto third = static_cast<unsigned char>(text_[i + 2]);
        if (third == 0xA8) ++count;              // U+2028 LINE SEPARATOR
        if (third == 0xA9) count += kParagraph;  // U+2029 PARAGRAPH SEPARATOR
      }
    }
    return count;
  }

  Ending ending_of(size_t t) const {
    const Token& tok = tokens_[t];
    const std::string_view s = slice(t);
    if (tok.kind == TokenKind::kPunct) {
      if (first_char(t).cls != Cls::kTerminal) return Ending::kNone;
      if (s == ".") return Ending::kPeriod;
      for (size_t i = 0; i < s.size();) {
        const Char c = char_at(s, i);
        if (c.cls == Cls::kTerminal && c.cp != '.' && c.cp != kHorizontalEllipsis) return Ending::kStrong;
        i += c.len;
      }
      return Ending::kEllipsis;
    }
    if (tok.kind == TokenKind::kWord && s.size() >= 2 && s.back() == '.') {
      switch (classify_abbreviation(text_, tok.span.begin, tok.span.end - 1)) {
        case Abbrev::kFinal:
          return Ending::kAbbrevFinal;
        case Abbrev::kNonFinal:
        case Abbrev::kBeforeNumber:
          return Ending::kAbbrevNonFinal;
        case Abbrev::kNone:
          return Ending::kNone;
      }
    }
    return Ending::kNone;
  }

  // Whether token m closes what came before a terminator: a closing bracket or quote touching
  // the previous token ( ." !) ’ ), or a ” » ) ] on the same line.
  bool is_closer_after(size_t m) const {
    if (tokens_[m].kind != TokenKind::kPunct) return false;
    const Char c = first_char(m);
    const bool touching = tokens_[m - 1].span.end == tokens_[m].span.begin;
    if (touching) return c.cls == Cls::kClose || c.cls == Cls::kQuote || c.cp == 0x201C;  // “ closes German
    if (line_breaks(m - 1, m) > 0) return false;
    return c.cp == ')' || c.cp == ']' || c.cp == 0x201D || c.cp == 0x00BB;
  }

  Initial initial_of(size_t t) const {
    if (tokens_[t].kind == TokenKind::kUrl || tokens_[t].kind == TokenKind::kEmail) return Initial::kOther;
    switch (first_char(t).cls) {
      case Cls::kUpper:
        return Initial::kUpper;
      case Cls::kLower:
        return Initial::kLower;
      case Cls::kUncased:
      case Cls::kDense:
        return Initial::kUncased;
      case Cls::kDigit:
      case Cls::kNumOther:
        return Initial::kDigit;
      default:
        return Initial::kOther;
    }
  }

  // An opening quote or bracket before the first word of a sentence: " “ ‘ « ( [ ¿ ¡.
  bool is_opener(size_t t) const {
    if (tokens_[t].kind != TokenKind::kPunct) return false;
    const Char c = first_char(t);
    return c.cls == Cls::kOpen || c.cls == Cls::kQuote || c.cp == 0x00BF || c.cp == 0x00A1;
  }

  // Punctuation that continues a sentence: , ; : % ) and the like, or more terminators (". . .").
  bool is_continuation(size_t t) const {
    if (tokens_[t].kind != TokenKind::kPunct) return false;
    const Char c = first_char(t);
    return c.cp == ',' || c.cp == ';' || c.cp == ':' || c.cp == '%' || c.cls == Cls::kClose ||
           c.cls == Cls::kTerminal || c.cp == 0x3001 || c.cp == 0xFF0C || c.cp == 0x060C;  // 、，،
  }

  bool is_name_follower(size_t t) const { return contains_sorted(kNameFollowers, slice(t)); }

  // An emoticon or emoji after a terminator on the same line belongs to its sentence ("Great! :)").
  bool is_trailing_emoticon(size_t m) const {
    if (tokens_[m].kind != TokenKind::kSymbol || line_breaks(m - 1, m) > 0) return false;
    const Char c = first_char(m);
    if (c.cp < 0x80) return c.cp == ':' || c.cp == ';' || c.cp == '=' || c.cp == '<' || c.cp == '^';
    return utf8proc_category(static_cast<utf8proc_int32_t>(c.cp)) == UTF8PROC_CATEGORY_SO;
  }

  // Whether the sentence ends after `last`, the terminator of kind `e` plus any closers (`closed`
  // when there were some), given the next token `m`. `start` is the sentence's first token.
  //  * "?" "!" ".": yes, whatever the case of the next word (web text and brand names such as
  //    "iPhone" start sentences in lower case; abbreviations have taken their periods already),
  //    except before a lower-case word after a closing quote ("Why?" he asked) and after a
  //    number that is a list marker ("1. Buy milk");
  //  * "..." and "…": only before a capitalised (or uncased-script) word;
  //  * abbreviations that can end a sentence ("U.S.", "Inc.", "etc."): before a capitalised word
  //    that is not a typical follower of such abbreviations (kNameFollowers: "U.S. President");
  //  * other abbreviations and initials ("Dr.", "W."): never, except at a blank line;
  //  * never before a comma, semicolon, colon, closing bracket or more terminators;
  //  * after one line break: yes unless the next line starts in lower case.
  bool ends_after(Ending e, size_t start, size_t last, size_t m, bool closed) const {
    const int breaks = line_breaks(last, m);
    if (breaks >= 2) return true;
    if (e == Ending::kAbbrevNonFinal) return false;
    if (is_continuation(m)) return false;
    size_t w = m;
    for (size_t skipped = 0; skipped < kMaxOpenersSkipped && w + 1 < tokens_.size() && is_opener(w);
         ++skipped) {
      ++w;
    }
    const Initial initial = initial_of(w);
    if (breaks == 1) return initial != Initial::kLower;
    switch (e) {
      case Ending::kStrong:
        return !(closed && initial == Initial::kLower);
      case Ending::kPeriod:
        if (last == start + 1 && tokens_[start].kind == TokenKind::kNumber &&
            tokens_[start].span.size() <= kMaxListMarkerBytes) {
          return false;
        }
        return !(closed && initial == Initial::kLower);
      case Ending::kEllipsis:
        return initial == Initial::kUpper || initial == Initial::kUncased;
      case Ending::kAbbrevFinal:
        return (initial == Initial::kUpper && !is_name_follower(w)) || initial == Initial::kUncased;
      case Ending::kAbbrevNonFinal:
      case Ending::kNone:
        return false;
    }
    return false;
  }

  bool continues_line(size_t a, size_t b) const {
    if (initial_of(b) == Initial::kLower) return true;
    if (tokens_[a].kind != TokenKind::kPunct) return false;
    const Char c = first_char(a);
    return c.cp == ',' || c.cp == ';' || c.cls == Cls::kDash || c.cls == Cls::kOpen;
  }

  std::string_view text_;
  const std::vector<Token>& tokens_;
  size_t first_;
};

}  // namespace

void split_sentences(std::string_view text, const std::vector<Token>& tokens, size_t first,
                     std::vector<Sentence>& out) {
  SentenceSplitter(text, tokens, first).run(out);
}

}  // namespace caspian::nlp::tokenizer_impl
