// The tokenizer's first pass: TokenScanner cuts the text into tokens (words, numbers, clitics,
// URLs, e-mail addresses, emoticons, punctuation), with ICU's word iterator over the runs of
// scripts written without spaces. See tokenizer.cc for the design and tokenizer.h for the contract.
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>
#include <utf8proc.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "nlp/tokenizer_internal.h"

namespace caspian::nlp::tokenizer_impl {

namespace {

// Word lists of the scanner; compiled in, like the abbreviations (abbreviations.h).

// Top-level domains that make a dotted word such as "astanatimes.com" a kUrl token. Sorted.
constexpr std::string_view kUrlDomains[] = {
    "am", "az", "biz", "cn",  "co",  "com",  "de",  "edu", "eu", "fr", "ge", "gov", "info", "int", "io",
    "jp", "kg", "kz",  "mil", "net", "news", "org", "ru",  "tj", "tm", "tv", "ua",  "uk",   "us",  "uz",
};
static_assert(std::ranges::is_sorted(kUrlDomains));

// Western emoticons kept as one kSymbol token (web text uses them as sentence punctuation).
constexpr std::string_view kEmoticons[] = {
    ":'(", ":-(", ":-)", ":-/", ":-D", ":-P", ":-p", ":-|", ";-)", ";-P", "^_^", ":(", ":)", ":/",
    ":D",  ":O",  ":P",  ":[",  ":]",  ":o",  ":p",  ":|",  ";)",  ";P",  "<3",  "=(", "=)",
};

// English clitics split off after an apostrophe (Penn Treebank / UD convention), lower case.
constexpr std::string_view kClitics[] = {"d", "ll", "m", "re", "s", "ve"};
// Fused words split like Penn Treebank does: "cannot" -> "can" "not", "gonna" -> "gon" "na".
constexpr std::string_view kFusedWords[] = {"cannot", "gonna", "gotta", "wanna"};
constexpr size_t kFusedSplit = 3;
constexpr size_t kMaxDenseRunBytes = 1 << 20;  // ICU is fed at most this much at once

// ---------------------------------------------------------------------------------------------
// ICU word segmentation for scripts written without spaces.

// One per thread: BreakIterator is not thread-safe, and creating one costs far more than a run.
// Created on first use, so text without such scripts never touches ICU's break rules.
class DenseSegmenter {
 public:
  DenseSegmenter() = default;
  DenseSegmenter(const DenseSegmenter&) = delete;
  DenseSegmenter& operator=(const DenseSegmenter&) = delete;
  ~DenseSegmenter() {
    if (utext_ != nullptr) utext_close(utext_);
  }

  // Appends the word boundaries inside text[begin, end) (relative to `text`, ascending, ending
  // with `end`) to `cuts`. Returns false when ICU is unavailable or fails.
  bool segment(std::string_view text, size_t begin, size_t end, std::vector<size_t>& cuts) {
    if (!tried_) {
      tried_ = true;
      UErrorCode status = U_ZERO_ERROR;
      iter_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
      if (U_FAILURE(status)) iter_.reset();
    }
    if (iter_ == nullptr) return false;
    UErrorCode status = U_ZERO_ERROR;
    utext_ = utext_openUTF8(utext_, text.data() + begin, static_cast<int64_t>(end - begin), &status);
    if (U_FAILURE(status)) return false;
    iter_->setText(utext_, status);
    if (U_FAILURE(status)) return false;
    const size_t first_cut = cuts.size();
    size_t prev = 0;
    for (int32_t b = iter_->next(); b != icu::BreakIterator::DONE; b = iter_->next()) {
      const auto pos = static_cast<size_t>(b);
      if (pos <= prev || pos > end - begin) break;  // defensive: boundaries must advance
      cuts.push_back(begin + pos);
      prev = pos;
    }
    if (prev != end - begin) {
      cuts.resize(first_cut);
      return false;
    }
    return true;
  }

 private:
  bool tried_ = false;
  std::unique_ptr<icu::BreakIterator> iter_;
  UText* utext_ = nullptr;
};

DenseSegmenter& dense_segmenter() {
  thread_local DenseSegmenter segmenter;
  return segmenter;
}

// ---------------------------------------------------------------------------------------------
// Pass 1: tokens.

// Characters that may join two parts of one word.
enum class Joiner : uint8_t {
  kNone,
  kPeriod,
  kDigitSeparator,
  kHyphen,
  kApostrophe,
  kAmpersand,
  kInnerLetter,
  kConnector
};

Joiner joiner_of(const Char& c) {
  switch (c.cp) {
    case '.':
      return Joiner::kPeriod;
    case ',':
    case ':':
    case '/':
      return Joiner::kDigitSeparator;
    case '-':
    case 0x2010:
    case 0x2011:
    case 0x05BE:
      return Joiner::kHyphen;  // - ‐ ‑ and Hebrew maqaf
    case '\'':
    case kRightSingleQuote:
      return Joiner::kApostrophe;
    case '&':
      return Joiner::kAmpersand;
    // Middle dot (Catalan l·l), Hebrew geresh and gershayim (צה״ל), Armenian apostrophe, emphasis,
    // exclamation, question and abbreviation marks, all written inside words.
    case 0x00B7:
    case 0x05F3:
    case 0x05F4:
    case 0x055A:
    case 0x055B:
    case 0x055C:
    case 0x055E:
    case 0x055F:
      return Joiner::kInnerLetter;
    default:
      return c.cls == Cls::kConnector ? Joiner::kConnector : Joiner::kNone;
  }
}

struct WordRun {
  size_t end = 0;
  bool has_letter = false;
  size_t first_letter = kNpos;  // byte offset of the first letter
  size_t apostrophe = kNpos;    // byte offset of the last joining apostrophe
  uint32_t apostrophe_len = 0;
  bool letter_before_apostrophe = false;
  size_t last_period = kNpos;  // byte offset of the last joining period
};

class TokenScanner {
 public:
  TokenScanner(std::string_view text, std::vector<Token>& out) : text_(text), out_(out) {}

  void run() {
    const size_t n = text_.size();
    size_t i = 0;
    while (i < n) {
      i = skip_space(i);
      if (i >= n) break;
      const size_t end = chunk_end(i);
      const size_t before = out_.size();
      scan_chunk(i, end);
      if (out_.size() > before) out_.back().space_after = end < n;
      i = end;
    }
  }

 private:
  struct Range {
    size_t begin = 0;
    size_t end = 0;
  };

  Char at(size_t i) const { return char_at(text_, i); }

  size_t skip_space(size_t i) const {
    while (i < text_.size()) {
      const Char c = at(i);
      if (c.cls != Cls::kSpace) break;
      i += c.len;
    }
    return i;
  }

  size_t chunk_end(size_t i) const {
    while (i < text_.size()) {
      const Char c = at(i);
      if (c.cls == Cls::kSpace) break;
      i += c.len;
    }
    return i;
  }

  void emit(size_t begin, size_t end, TokenKind kind) {
    Token& t = out_.emplace_back();
    t.span = Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
    t.kind = kind;
    t.space_after = false;
  }

  // Consumes combining marks and other extending characters after a token.
  size_t absorb_extenders(size_t j, size_t limit) const {
    while (j < limit && static_cast<unsigned char>(text_[j]) >= 0x80) {
      const Char c = at(j);
      if (c.cls != Cls::kExtend) break;
      j += c.len;
    }
    return j;
  }

  void scan_chunk(size_t begin, size_t end) {
    std::optional<Range> email = find_email(begin, end);
    size_t i = begin;
    while (i < end) {
      if (email && i == email->begin) {
        const std::string_view address = text_.substr(email->begin, email->end - email->begin);
        const bool dotted_domain = address.substr(address.find('@')).find('.') != kNpos;
        emit(email->begin, email->end, dotted_domain ? TokenKind::kEmail : TokenKind::kOther);
        i = email->end;
        email = find_email(i, end);
        continue;
      }
      const size_t limit = email ? email->begin : end;
      if (const size_t url = url_end(i, end); url > i) {
        emit(i, url, TokenKind::kUrl);
        i = url;
        if (email && email->begin < i) email = find_email(i, end);
        continue;
      }
      const size_t next = scan_token(i, begin, limit);
      i = next > i ? next : i + at(i).len;  // always advance, whatever a branch did
    }
  }

  // --- e-mail addresses and URLs -----------------------------------------------------------------

  static bool is_email_local(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '%' || c == '+' || c == '-';
  }
  static bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  // The first "local@domain" in text[from, end): local part of [A-Za-z0-9._%+-] (not starting
  // with '.'), domain of letters, digits, '-' and '.', starting with a letter or digit and not
  // ending with '.' or '-'. Each '@' is examined once per call, and calls resume after the last
  // match, so a chunk costs linear time.
  std::optional<Range> find_email(size_t from, size_t end) const {
    size_t search = from;
    while (search < end) {
      const size_t found = text_.substr(search, end - search).find('@');  // within the chunk only
      if (found == kNpos) return std::nullopt;
      const size_t at_sign = search + found;
      search = at_sign + 1;
      size_t local = at_sign;
      while (local > from && is_email_local(text_[local - 1])) --local;
      while (local < at_sign && text_[local] == '.') ++local;
      if (local == at_sign) continue;
      size_t domain_end = at_sign + 1;
      while (domain_end < end) {
        const Char c = at(domain_end);
        if (!(is_alnum(c.cls) || c.cp == '.' || c.cp == '-')) break;
        domain_end += c.len;
      }
      while (domain_end > at_sign + 1 && (text_[domain_end - 1] == '.' || text_[domain_end - 1] == '-')) {
        --domain_end;
      }
      if (domain_end == at_sign + 1 || !is_alnum(at(at_sign + 1).cls)) continue;
      return Range{local, domain_end};
    }
    return std::nullopt;
  }

  bool starts_with_ignore_case(size_t i, size_t end, std::string_view lower) const {
    return end - i >= lower.size() && equals_ignore_ascii_case(text_.substr(i, lower.size()), lower);
  }

  // End of a URL starting at `i` ("http://", "https://", "ftp://" or "www." then a letter or
  // digit), or `i` if there is none. A URL runs to the end of the chunk or to a quote or angle
  // bracket; trailing sentence punctuation and unbalanced closing brackets are left out.
  size_t url_end(size_t i, size_t end) const {
    const char c = ascii_lower(text_[i]);
    if (c != 'h' && c != 'f' && c != 'w') return i;
    size_t body = 0;
    for (std::string_view prefix : {"http://", "https://", "ftp://", "www."}) {
      if (starts_with_ignore_case(i, end, prefix)) {
        body = i + prefix.size();
        break;
      }
    }
    if (body == 0 || body >= end || !is_alnum(at(body).cls)) return i;
    size_t j = body;
    size_t open_parens = 0;
    size_t close_parens = 0;
    while (j < end) {
      const Char ch = at(j);
      if (ch.cp == '"' || ch.cp == '<' || ch.cp == '>' || ch.cls == Cls::kInvalid ||
          (ch.cp >= 0x80 && (ch.cls == Cls::kOpen || ch.cls == Cls::kClose || ch.cls == Cls::kTerminal))) {
        break;
      }
      if (ch.cp == '(') ++open_parens;
      if (ch.cp == ')') ++close_parens;
      j += ch.len;
    }
    while (j > body) {
      const char last = text_[j - 1];
      if (last == ')' && close_parens > open_parens) {
        --close_parens;
      } else if (!(last == '.' || last == ',' || last == ';' || last == ':' || last == '!' || last == '?' ||
                   last == '\'' || last == ']' || last == '}')) {
        break;
      }
      --j;
    }
    return j;
  }

  // --- words ---------------------------------------------------------------------------------

  // Whether `joiner` joins the character class `prev` before it to `next` after it.
  bool joins(Joiner joiner, Cls prev, size_t next_pos, const Char& next, size_t part_len,
             size_t limit) const {
    switch (joiner) {
      case Joiner::kPeriod: {
        if (!is_alnum(prev) || !is_alnum(next.cls)) return false;
        // "end.The" is a missing space, not a word: a part of two or more letters followed by a
        // capitalised word of lower-case letters splits.
        if (is_letter(prev) && next.cls == Cls::kUpper && part_len >= 2) {
          const size_t after = next_pos + next.len;
          if (after < limit && at(after).cls == Cls::kLower) return false;
        }
        return true;
      }
      case Joiner::kDigitSeparator:
        return prev == Cls::kDigit && next.cls == Cls::kDigit;
      case Joiner::kHyphen:
      case Joiner::kConnector:
        return is_alnum(prev) && is_alnum(next.cls);
      case Joiner::kApostrophe:
        return is_alnum(prev) && is_letter(next.cls);
      case Joiner::kAmpersand:
        return prev == Cls::kUpper && next.cls == Cls::kUpper;
      case Joiner::kInnerLetter:
        return is_letter(prev) && is_letter(next.cls);
      case Joiner::kNone:
        return false;
    }
    return false;
  }

  // Scans letters, digits and marks from `i`, across joiners, up to `limit`.
  WordRun scan_word_run(size_t i, size_t limit) const {
    WordRun w;
    Cls prev = Cls::kSpace;
    size_t part_len = 0;  // base characters since the start or the last joiner
    size_t j = i;
    while (j < limit) {
      const Char c = at(j);
      if (is_alnum(c.cls)) {
        if (is_letter(c.cls) && !w.has_letter) {
          w.has_letter = true;
          w.first_letter = j;
        }
        prev = c.cls;
        ++part_len;
        j += c.len;
        continue;
      }
      if (c.cls == Cls::kExtend) {
        j += c.len;
        continue;
      }
      const Joiner joiner = joiner_of(c);
      const size_t k = j + c.len;
      if (joiner == Joiner::kNone || k >= limit) break;
      const Char next = at(k);
      if (!joins(joiner, prev, k, next, part_len, limit)) break;
      if (joiner == Joiner::kApostrophe) {
        w.apostrophe = j;
        w.apostrophe_len = c.len;
        w.letter_before_apostrophe = is_letter(prev);
      } else if (joiner == Joiner::kPeriod) {
        w.last_period = j;
      }
      if (is_letter(next.cls) && !w.has_letter) {
        w.has_letter = true;
        w.first_letter = k;
      }
      prev = next.cls;
      part_len = 1;
      j = k + next.len;
    }
    w.end = j;
    return w;
  }

  // Where to split an English clitic off the word [begin, end), or kNpos.
  size_t clitic_split(size_t begin, const WordRun& w) const {
    if (w.apostrophe == kNpos || !w.letter_before_apostrophe || w.apostrophe <= begin) return kNpos;
    const size_t suffix_begin = w.apostrophe + w.apostrophe_len;
    const std::string_view suffix = text_.substr(suffix_begin, w.end - suffix_begin);
    for (std::string_view clitic : kClitics) {
      if (equals_ignore_ascii_case(suffix, clitic)) return w.apostrophe;
    }
    // "don't" -> "do" "n't"; "can't" -> "ca" "n't" (Penn Treebank).
    if (equals_ignore_ascii_case(suffix, "t") && w.apostrophe - begin >= 2 &&
        ascii_lower(text_[w.apostrophe - 1]) == 'n') {
      return w.apostrophe - 1;
    }
    return kNpos;
  }

  // kNumber for digits with separators ("1,000", "2025-08-20"), ordinals and decades ("21st",
  // "1990s", "80's"); kUrl for dotted names ending in a common top-level domain; else kWord.
  TokenKind word_kind(size_t begin, size_t end, const WordRun& w) const {
    if (!w.has_letter || w.first_letter >= end) return TokenKind::kNumber;
    const Cls first = at(begin).cls;
    if (first == Cls::kDigit) {
      std::array<char, kMaxKeyBytes> buf{};
      std::string_view suffix = text_.substr(w.first_letter, end - w.first_letter);
      if (const auto key = lower_key(suffix, buf)) {
        for (std::string_view s : {"st", "nd", "rd", "th", "s"}) {
          if (*key == s) return TokenKind::kNumber;
        }
      }
    }
    if (w.last_period != kNpos && w.last_period < end && is_letter(first)) {
      std::array<char, kMaxKeyBytes> buf{};
      const std::string_view tld = text_.substr(w.last_period + 1, end - w.last_period - 1);
      if (const auto key = lower_key(tld, buf); key && contains_sorted(kUrlDomains, *key)) {
        return TokenKind::kUrl;
      }
    }
    return TokenKind::kWord;
  }

  // Whether a digit follows `pos` after at most a few spaces (for "No. 5").
  bool digit_follows(size_t pos) const {
    constexpr size_t kMaxSpaces = 2;
    size_t j = pos;
    for (size_t spaces = 0; j < text_.size() && spaces <= kMaxSpaces; ++spaces) {
      const Char c = at(j);
      if (c.cls == Cls::kDigit) return true;
      if (c.cls != Cls::kSpace) return false;
      j += c.len;
    }
    return false;
  }

  size_t scan_word(size_t i, size_t limit) {
    const WordRun w = scan_word_run(i, limit);
    size_t end = w.end;
    if (const size_t split = clitic_split(i, w); split != kNpos) {
      emit(i, split, word_kind(i, split, w));
      emit(split, end, TokenKind::kWord);
      return end;
    }
    for (std::string_view fused : kFusedWords) {
      if (equals_ignore_ascii_case(text_.substr(i, end - i), fused)) {
        emit(i, i + kFusedSplit, TokenKind::kWord);
        emit(i + kFusedSplit, end, TokenKind::kWord);
        return end;
      }
    }
    // A single period after an abbreviation, initial or dotted acronym belongs to it.
    if (end < limit && text_[end] == '.' && !(end + 1 < limit && text_[end + 1] == '.')) {
      const Abbrev kind = classify_abbreviation(text_, i, end);
      if (kind == Abbrev::kNonFinal || kind == Abbrev::kFinal ||
          (kind == Abbrev::kBeforeNumber && digit_follows(end + 1))) {
        emit(i, end + 1, TokenKind::kWord);
        return end + 1;
      }
    }
    emit(i, end, word_kind(i, end, w));
    return end;
  }

  // A run of Han, kana, Thai, ... letters (with their marks), segmented by ICU.
  size_t scan_dense(size_t i, size_t limit) {
    size_t j = i;
    while (j < limit && j - i < kMaxDenseRunBytes) {
      const Char c = at(j);
      if (c.cls != Cls::kDense && c.cls != Cls::kExtend) break;
      j += c.len;
    }
    cuts_.clear();
    if (dense_segmenter().segment(text_, i, j, cuts_)) {
      size_t prev = i;
      for (size_t cut : cuts_) {
        emit(prev, cut, TokenKind::kWord);
        prev = cut;
      }
      return j;
    }
    // Without ICU: one token per character and its marks.
    size_t k = i;
    while (k < j) {
      const size_t e = absorb_extenders(k + at(k).len, j);
      emit(k, e, TokenKind::kWord);
      k = e;
    }
    return j;
  }

  // --- punctuation and symbols -------------------------------------------------------------------

  // A run of the same code point: "--", "***", "$$$", "——".
  size_t same_run_end(size_t i, size_t limit) const {
    const Char first = at(i);
    size_t j = i + first.len;
    while (j < limit) {
      const Char c = at(j);
      if (c.cp != first.cp || c.cls == Cls::kInvalid) break;
      j += c.len;
    }
    return j;
  }

  static bool groups_with_itself(char32_t cp) {
    switch (cp) {
      case '-':
      case '=':
      case '*':
      case '_':
      case '~':
      case '#':
      case '+':
      case '<':
      case '>':
      case '/':
      case '\\':
      case '|':
      case '^':
      case '`':
      case '$':
        return true;
      default:
        return false;
    }
  }

  // One emoji or other symbol: a whole grapheme cluster (flags, ZWJ sequences, skin tones, keycaps).
  size_t grapheme_end(size_t i, size_t limit) const {
    Char prev = at(i);
    size_t j = i + prev.len;
    utf8proc_int32_t state = 0;
    while (j < limit) {
      const Char c = at(j);
      if (c.cls == Cls::kInvalid || c.cls == Cls::kSpace) break;
      if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev.cp),
                                           static_cast<utf8proc_int32_t>(c.cp), &state)) {
        break;
      }
      j += c.len;
      prev = c;
    }
    return j;
  }

  size_t emoticon_end(size_t i, size_t limit) const {
    for (std::string_view e : kEmoticons) {
      if (limit - i < e.size() || text_.compare(i, e.size(), e) != 0) continue;
      const size_t after = i + e.size();
      if (after < limit) {
        const Char next = at(after);
        if (is_alnum(next.cls) || next.cp == '/' || next.cls == Cls::kDense) continue;
      }
      return after;
    }
    return i;
  }

  // Token starting at `i` inside the chunk [chunk_begin, limit). Emits it and returns its end.
  size_t scan_token(size_t i, size_t chunk_begin, size_t limit) {
    const Char c = at(i);
    const size_t next_pos = i + c.len;
    // The character after `c` in the chunk; a space sentinel at the end.
    const Char next = next_pos < limit ? at(next_pos) : Char{0, 0, Cls::kSpace};

    if (c.cp == ':' || c.cp == ';' || c.cp == '=' || c.cp == '<' || c.cp == '^') {
      if (const size_t e = emoticon_end(i, limit); e > i) {
        emit(i, e, TokenKind::kSymbol);
        return e;
      }
    }

    switch (c.cls) {
      case Cls::kLower:
      case Cls::kUpper:
      case Cls::kUncased:
      case Cls::kDigit:
      case Cls::kNumOther:
        return scan_word(i, limit);
      case Cls::kDense:
        return scan_dense(i, limit);
      case Cls::kTerminal: {
        // ".com", ".5" at the start of a chunk.
        if (c.cp == '.' && i == chunk_begin && is_alnum(next.cls)) {
          const WordRun w = scan_word_run(next_pos, limit);
          emit(i, w.end, w.has_letter ? TokenKind::kWord : TokenKind::kNumber);
          return w.end;
        }
        size_t j = next_pos;
        while (j < limit) {
          const Char t = at(j);
          if (t.cls != Cls::kTerminal && t.cls != Cls::kExtend) break;
          j += t.len;
        }
        emit(i, j, TokenKind::kPunct);
        return j;
      }
      case Cls::kDash:
      case Cls::kSymbol: {
        // A sign before a number at the start of a chunk or after a bracket: "-5", "+1".
        const bool sign = c.cp == '-' || c.cp == '+' || c.cp == 0x2212;
        if (sign && next.cls == Cls::kDigit && (i == chunk_begin || at(i - 1).cls == Cls::kOpen)) {
          const WordRun w = scan_word_run(next_pos, limit);
          emit(i, w.end, w.has_letter ? TokenKind::kWord : TokenKind::kNumber);
          return w.end;
        }
        const TokenKind kind = c.cls == Cls::kDash ? TokenKind::kPunct : TokenKind::kSymbol;
        // Repeated ASCII symbols and dashes ("--", "$$$", "——") are one token.
        if (groups_with_itself(c.cp) || c.cls == Cls::kDash) {
          const size_t e = same_run_end(i, limit);
          if (e > next_pos || c.cp < 0x80) {
            const size_t end = absorb_extenders(e, limit);
            emit(i, end, kind);
            return end;
          }
        }
        const size_t e = grapheme_end(i, limit);
        emit(i, e, kind);
        return e;
      }
      case Cls::kPunct:
        // "@mention" and "#hashtag".
        if ((c.cp == '@' && (is_alnum(next.cls) || next.cp == '_')) || (c.cp == '#' && is_letter(next.cls))) {
          const WordRun w = scan_word_run(next_pos, limit);
          emit(i, w.end, TokenKind::kOther);
          return w.end;
        }
        if (groups_with_itself(c.cp) && c.cp < 0x80) {
          const size_t e = same_run_end(i, limit);
          emit(i, e, TokenKind::kPunct);
          return e;
        }
        break;
      case Cls::kQuote:
      case Cls::kClose:
        // A clitic after an abbreviation or other word: "U.S.'s", "Inc.’s".
        if ((c.cp == '\'' || c.cp == kRightSingleQuote) && i > chunk_begin && !out_.empty() &&
            out_.back().span.end == i && out_.back().kind == TokenKind::kWord && is_letter(next.cls)) {
          const WordRun w = scan_word_run(next_pos, limit);
          for (std::string_view clitic : kClitics) {
            if (equals_ignore_ascii_case(text_.substr(next_pos, w.end - next_pos), clitic)) {
              emit(i, w.end, TokenKind::kWord);
              return w.end;
            }
          }
        }
        break;
      case Cls::kConnector: {
        const size_t e = same_run_end(i, limit);
        emit(i, e, TokenKind::kPunct);
        return e;
      }
      case Cls::kExtend: {  // marks with nothing to attach to
        const size_t e = absorb_extenders(next_pos, limit);
        emit(i, e, TokenKind::kOther);
        return e;
      }
      case Cls::kControl:
        emit(i, next_pos, TokenKind::kOther);
        return next_pos;
      case Cls::kInvalid:
        emit(i, next_pos, TokenKind::kSymbol);
        return next_pos;
      case Cls::kSpace:  // cannot happen inside a chunk
        return next_pos;
      case Cls::kOpen:
        break;
    }
    // A single punctuation character with any marks on it.
    const size_t e = absorb_extenders(next_pos, limit);
    emit(i, e, TokenKind::kPunct);
    return e;
  }

  std::string_view text_;
  std::vector<Token>& out_;
  std::vector<size_t> cuts_;
};

}  // namespace

void scan_tokens(std::string_view text, std::vector<Token>& out) {
  TokenScanner(text, out).run();
}

}  // namespace caspian::nlp::tokenizer_impl
