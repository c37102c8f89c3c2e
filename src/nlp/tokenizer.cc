// Tokenisation and sentence splitting (see tokenizer.h for the contract).
//
// Why hand-written rules for most text and ICU only for scripts written without spaces:
// ICU's word BreakIterator implements UAX #29, which is the right tool where words are not
// delimited by spaces (it carries dictionaries for Chinese, Japanese, Thai, Lao, Khmer and
// Burmese). For space-delimited scripts it is the wrong tool for this pipeline: it splits "U.S."
// into "U.S" + ".", cannot tell an abbreviation's period from a full stop, has no notion of
// Penn/UD clitics ("don't" -> "do" "n't"), URLs or e-mail addresses, and costs a virtual call and a
// rule-table walk per code point on the common, ASCII-heavy case. So: a single linear byte scanner
// with an ASCII fast path for the common case, Unicode properties from utf8proc (general category,
// grapheme boundaries) and ICU (script, Sentence_Terminal), and ICU's iterator over the runs of
// Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar letters only.
//
// The work happens in two linear passes: TokenScanner cuts the text into tokens; SentenceSplitter
// then decides, between each pair of consecutive tokens, whether a sentence ends there.
#include "nlp/tokenizer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string_view>

#include "caspian/utf8.h"

namespace caspian::nlp {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// ---------------------------------------------------------------------------------------------
// Word lists. Compiled in rather than loaded from data/: they are part of the tokenizer's
// behaviour (the tests pin it), small, and versioned with the code, and keeping them here makes
// tokenize() a pure function that needs no data directory.

// How a known abbreviation's period behaves.
enum class Abbrev : uint8_t {
  kNone,          // not an abbreviation: a following period is its own token
  kNonFinal,      // titles and the like ("Dr.", "e.g."): never ends a sentence
  kBeforeNumber,  // "No. 5", "pp. 12": an abbreviation only when a number follows
  kFinal,         // may end a sentence ("Inc.", "etc.", "U.S."): see SentenceSplitter
};

struct AbbrevEntry {
  std::string_view key;  // lower case, without the final period
  Abbrev kind;
};

// Sorted by key (checked at compile time below).
// clang-format off
constexpr AbbrevEntry kAbbreviations[] = {
    {"a.d", Abbrev::kFinal},         {"a.g", Abbrev::kFinal},         {"a.k.a", Abbrev::kNonFinal},
    {"a.m", Abbrev::kFinal},         {"adm", Abbrev::kNonFinal},      {"al", Abbrev::kFinal},
    {"amb", Abbrev::kNonFinal},      {"approx", Abbrev::kNonFinal},   {"apr", Abbrev::kNonFinal},
    {"apt", Abbrev::kBeforeNumber},  {"art", Abbrev::kBeforeNumber},  {"assn", Abbrev::kFinal},
    {"atty", Abbrev::kNonFinal},     {"aug", Abbrev::kNonFinal},      {"ave", Abbrev::kFinal},
    {"b.c", Abbrev::kFinal},         {"bldg", Abbrev::kFinal},        {"blvd", Abbrev::kFinal},
    {"brig", Abbrev::kNonFinal},     {"bros", Abbrev::kFinal},        {"c", Abbrev::kBeforeNumber},
    {"ca", Abbrev::kBeforeNumber},   {"capt", Abbrev::kNonFinal},     {"cdr", Abbrev::kNonFinal},
    {"cf", Abbrev::kNonFinal},       {"ch", Abbrev::kBeforeNumber},   {"cmdr", Abbrev::kNonFinal},
    {"co", Abbrev::kFinal},          {"col", Abbrev::kNonFinal},      {"comdr", Abbrev::kNonFinal},
    {"corp", Abbrev::kFinal},        {"cos", Abbrev::kFinal},         {"cpl", Abbrev::kNonFinal},
    {"d.c", Abbrev::kFinal},         {"dec", Abbrev::kNonFinal},      {"dept", Abbrev::kFinal},
    {"det", Abbrev::kNonFinal},      {"dr", Abbrev::kNonFinal},       {"drs", Abbrev::kNonFinal},
    {"e.g", Abbrev::kNonFinal},      {"e.u", Abbrev::kFinal},         {"esp", Abbrev::kNonFinal},
    {"esq", Abbrev::kFinal},         {"est", Abbrev::kBeforeNumber},  {"etc", Abbrev::kFinal},
    {"ext", Abbrev::kBeforeNumber},  {"feb", Abbrev::kNonFinal},      {"fig", Abbrev::kBeforeNumber},
    {"figs", Abbrev::kBeforeNumber}, {"fr", Abbrev::kNonFinal},       {"ft", Abbrev::kNonFinal},
    {"gal", Abbrev::kFinal},         {"gen", Abbrev::kNonFinal},      {"gov", Abbrev::kNonFinal},
    {"govt", Abbrev::kFinal},        {"hon", Abbrev::kNonFinal},      {"hr", Abbrev::kFinal},
    {"hrs", Abbrev::kFinal},         {"i.e", Abbrev::kNonFinal},      {"inc", Abbrev::kFinal},
    {"incl", Abbrev::kNonFinal},     {"insp", Abbrev::kNonFinal},     {"intl", Abbrev::kFinal},
    {"jan", Abbrev::kNonFinal},      {"jr", Abbrev::kFinal},          {"jul", Abbrev::kNonFinal},
    {"jun", Abbrev::kNonFinal},      {"l.a", Abbrev::kFinal},         {"lb", Abbrev::kFinal},
    {"lbs", Abbrev::kFinal},         {"lt", Abbrev::kNonFinal},       {"ltd", Abbrev::kFinal},
    {"maj", Abbrev::kNonFinal},      {"mar", Abbrev::kNonFinal},      {"max", Abbrev::kFinal},
    {"messrs", Abbrev::kNonFinal},   {"mfg", Abbrev::kFinal},         {"min", Abbrev::kFinal},
    {"mlle", Abbrev::kNonFinal},     {"mme", Abbrev::kNonFinal},      {"mo", Abbrev::kFinal},
    {"mos", Abbrev::kFinal},         {"mr", Abbrev::kNonFinal},       {"mrs", Abbrev::kNonFinal},
    {"ms", Abbrev::kNonFinal},       {"msgr", Abbrev::kNonFinal},     {"mt", Abbrev::kNonFinal},
    {"n.b", Abbrev::kNonFinal},      {"n.v", Abbrev::kFinal},         {"n.y", Abbrev::kFinal},
    {"natl", Abbrev::kFinal},        {"no", Abbrev::kBeforeNumber},   {"nos", Abbrev::kBeforeNumber},
    {"nov", Abbrev::kNonFinal},      {"nr", Abbrev::kBeforeNumber},   {"oct", Abbrev::kNonFinal},
    {"op", Abbrev::kBeforeNumber},   {"oz", Abbrev::kFinal},          {"p", Abbrev::kBeforeNumber},
    {"p.m", Abbrev::kFinal},         {"para", Abbrev::kBeforeNumber}, {"pg", Abbrev::kBeforeNumber},
    {"ph.d", Abbrev::kFinal},        {"plc", Abbrev::kFinal},         {"pp", Abbrev::kBeforeNumber},
    {"pres", Abbrev::kNonFinal},     {"prof", Abbrev::kNonFinal},     {"ps", Abbrev::kNonFinal},
    {"pt", Abbrev::kFinal},          {"pvt", Abbrev::kNonFinal},      {"qt", Abbrev::kFinal},
    {"r.i.p", Abbrev::kFinal},       {"rep", Abbrev::kNonFinal},      {"reps", Abbrev::kNonFinal},
    {"rev", Abbrev::kNonFinal},      {"rm", Abbrev::kBeforeNumber},   {"rt", Abbrev::kNonFinal},
    {"s.a", Abbrev::kFinal},         {"sec", Abbrev::kBeforeNumber},  {"sen", Abbrev::kNonFinal},
    {"sens", Abbrev::kNonFinal},     {"sep", Abbrev::kNonFinal},      {"sept", Abbrev::kNonFinal},
    {"sgt", Abbrev::kNonFinal},      {"sq", Abbrev::kNonFinal},       {"sr", Abbrev::kFinal},
    {"st", Abbrev::kNonFinal},       {"sts", Abbrev::kNonFinal},      {"supt", Abbrev::kNonFinal},
    {"tbsp", Abbrev::kFinal},        {"tel", Abbrev::kBeforeNumber},  {"tsp", Abbrev::kFinal},
    {"u.a.e", Abbrev::kFinal},       {"u.k", Abbrev::kFinal},         {"u.n", Abbrev::kFinal},
    {"u.s", Abbrev::kFinal},         {"u.s.a", Abbrev::kFinal},       {"u.s.s.r", Abbrev::kFinal},
    {"univ", Abbrev::kFinal},        {"v", Abbrev::kNonFinal},        {"viz", Abbrev::kNonFinal},
    {"vol", Abbrev::kBeforeNumber},  {"vols", Abbrev::kBeforeNumber}, {"vs", Abbrev::kNonFinal},
    {"wk", Abbrev::kFinal},          {"wks", Abbrev::kFinal},         {"yr", Abbrev::kFinal},
    {"yrs", Abbrev::kFinal},
};
// clang-format on
static_assert(std::ranges::is_sorted(kAbbreviations, {}, &AbbrevEntry::key));

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

constexpr size_t kMaxKeyBytes = 16;            // longer words are never looked up in the lists
constexpr size_t kMaxOpenersSkipped = 3;       // quotes/brackets skipped to find the next word
constexpr size_t kMaxDenseRunBytes = 1 << 20;  // ICU is fed at most this much at once
constexpr size_t kMaxListMarkerBytes = 3;      // "1." .. "999." alone at a sentence start

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
constexpr std::array<Cls, 128> kAsciiClasses = make_ascii_classes();

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

constexpr char32_t kHorizontalEllipsis = 0x2026;
constexpr char32_t kZeroWidthSpace = 0x200B;
constexpr char32_t kMongolianVowelSeparator = 0x180E;
constexpr char32_t kByteOrderMark = 0xFEFF;
constexpr char32_t kNextLine = 0x85;
constexpr char32_t kRightSingleQuote = 0x2019;  // ’, the usual typographic apostrophe

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
std::optional<std::string_view> lower_key(std::string_view word, std::array<char, kMaxKeyBytes>& buf) {
  if (word.empty() || word.size() > buf.size()) return std::nullopt;
  for (size_t i = 0; i < word.size(); ++i) {
    if (static_cast<unsigned char>(word[i]) >= 0x80) return std::nullopt;
    buf[i] = ascii_lower(word[i]);
  }
  return std::string_view(buf.data(), word.size());
}

template <class Range>
bool contains_sorted(const Range& sorted, std::string_view key) {
  return std::ranges::binary_search(sorted, key);
}

bool equals_ignore_ascii_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

// Classifies `word` (without its final period) as an abbreviation:
//  1. a single upper-case letter is an initial ("George W. Bush"): kNonFinal;
//  2. the list above (case-insensitive);
//  3. other dotted letters, each part one or two letters ("J.R", "R.E"): kNonFinal, as they are
//     mostly initials; the dotted acronyms that often end sentences ("U.S", "D.C") are listed.
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
    const auto* it = std::ranges::lower_bound(kAbbreviations, *key, {}, &AbbrevEntry::key);
    if (it != std::end(kAbbreviations) && it->key == *key) return it->kind;
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

void tokenize(std::string_view text, std::vector<Token>& tokens, std::vector<Sentence>& sentences) {
  if (text.size() > kMaxTokenizerInputBytes) text = text.substr(0, kMaxTokenizerInputBytes);
  const size_t first = tokens.size();
  constexpr size_t kBytesPerTokenGuess = 5;
  tokens.reserve(first + text.size() / kBytesPerTokenGuess);
  TokenScanner(text, tokens).run();
  SentenceSplitter(text, tokens, first).run(sentences);
}

}  // namespace caspian::nlp
