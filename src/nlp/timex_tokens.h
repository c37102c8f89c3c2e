// Internal to the timex recogniser: a light tokenizer and the temporal lexicon.
//
// The recogniser does not depend on the "tokenize" stage: it needs finer
// pieces (digits and letters split, "Aug." as word + '.', "10th" as number +
// suffix) and whether pieces are glued together, which it derives itself in
// one pass over the bytes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace caspian::nlp::timex {

// Keywords the grammar tests for by identity. kNone for every other word.
// clang-format off
enum class Kw : uint8_t {
  kNone, kThe, kA, kLast, kNext, kThis, kPast, kComing, kPrevious, kFollowing, kCurrent, kRecent, kSame,
  kThat, kEarly, kEarlier, kLate, kLater, kMid, kMiddle, kEnd, kBeginning, kStart, kHalf, kOf, kIn, kOn, kAt,
  kSince, kBefore, kAfter, kPrior, kUntil, kThrough, kBy, kFrom, kTo, kDuring, kBetween, kAnd, kOr, kFor,
  kWithin, kOver, kApprox, kNearly, kMore, kLess, kThan, kLeast, kMost, kUp, kAgo, kOnward, kBeyond, kFiscal,
  kEvery, kEach, kNow, kAm, kPm, kNoon, kMidnight, kOld, kFew, kSeveral, kMany, kCouple, kNear, kFuture,
  kPresent, kRecently, kCurrently, kSoon, kNowadays, kPost, kPre, kQ, kThese, kLong, kYear, kWeekend, kDay,
  kCentury, kDecade, kHis, kHer, kIts, kTheir, kMy, kOur, kYour, kAs, kUsa, kMail, kBloody, kS, kTh, kSt,
  kNd, kRd, kT, kZ, kFirst, kSecond, kDozen, kAn, kInto, kBoth, kLatest,
};
// clang-format on

// Units of duration and of calendar arithmetic, finest first.
enum class Unit : uint8_t {
  kNone,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeekend,
  kWeek,
  kFortnight,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
};

enum class Season : uint8_t { kNone, kSpring, kSummer, kFall, kWinter };
enum class DayPart : uint8_t { kNone, kMorning, kAfternoon, kEvening, kNight, kMidday };
// Tense cues used to resolve expressions that do not name a year or a week.
enum class Cue : uint8_t { kNone, kFuture, kPast };
enum class Holiday : uint8_t {
  kNone,
  kChristmas,
  kChristmasEve,
  kNewYear,
  kNewYearsEve,
  kEaster,
  kGoodFriday,
  kThanksgiving,
  kHalloween,
  kValentines,
  kLaborDay,
  kMemorialDay,
};

// What a word can mean to the grammar. A word may have several roles
// ("second" is an ordinal and a unit; "may" a month and a modal verb).
struct Lexeme {
  Kw kw = Kw::kNone;
  uint8_t month = 0;    // 1..12
  uint8_t weekday = 0;  // ISO 1 (Monday) .. 7 (Sunday)
  Season season = Season::kNone;
  uint8_t cardinal = 0;  // "one".."ninety"; 0 when not a number word
  uint8_t ordinal = 0;   // "first".."twentieth", "thirtieth"; 0 otherwise
  Unit unit = Unit::kNone;
  bool plural = false;  // unit written in the plural ("years")
  DayPart part = DayPart::kNone;
  int8_t day_offset = 0;  // with is_dayref: today 0, tomorrow +1, yesterday -1
  bool is_dayref = false;
  uint8_t decade_word = 0;      // "nineties" -> 9, "twenties" -> 2 ...
  Unit set_unit = Unit::kNone;  // "daily" -> kDay
  Holiday holiday = Holiday::kNone;
  Cue cue = Cue::kNone;
  bool abbrev = false;        // "Aug", "Tue": may be followed by '.'
  bool ambiguous = false;     // "May", "March", "Sun": needs stronger context
  bool timezone = false;      // "GMT", "EST", ...
  bool holiday_head = false;  // "New" (Year's Day), "Good" (Friday), "Labor" (Day) ...
  bool trigger = false;       // may start an expression (set by the lexicon)
};

enum class TokKind : uint8_t { kWord, kNumber, kPunct, kOther };

struct Tok {
  uint32_t begin = 0;
  uint32_t end = 0;
  TokKind kind = TokKind::kOther;
  bool space_before = true;     // whitespace or text start precedes this token
  bool newline_before = false;  // a line break is among that whitespace
  bool upper_initial = false;   // word starting with an ASCII capital
  bool all_upper = false;       // word of two or more letters, all ASCII capitals
  char punct = 0;               // for kPunct: the ASCII punctuation (curly quotes and dashes folded)
  uint8_t digits = 0;           // for kNumber: count of digits (capped at 255)
  uint32_t num = 0;             // for kNumber: value, saturated at kNumberCap
  const Lexeme* lex = nullptr;  // for kWord: lexicon entry, or nullptr
};

inline constexpr uint32_t kNumberCap = 1'000'000'000;

// Splits `text` into tokens. Words are maximal runs of letters (ASCII or any
// Unicode letter); numbers maximal runs of ASCII digits; every other
// non-space character is one punctuation (or kOther) token. Invalid UTF-8
// bytes become kOther tokens: never fails. Offsets must fit in uint32_t;
// the caller guarantees text.size() < 2^32.
[[nodiscard]] std::vector<Tok> tokenize(std::string_view text);

// Lexicon lookup on an ASCII word (case-insensitive). nullptr when unknown.
[[nodiscard]] const Lexeme* lookup(std::string_view word) noexcept;

}  // namespace caspian::nlp::timex
