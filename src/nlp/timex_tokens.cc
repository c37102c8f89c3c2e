#include "nlp/timex_tokens.h"

#include <utf8proc.h>

#include <array>
#include <cstddef>
#include <string>

namespace caspian::nlp::timex {

namespace {

// Longest lexicon word, and the size of the open-addressing table (a power of
// two, well over twice the entry count so probes stay short).
constexpr size_t kMaxWordLength = 16;
constexpr size_t kTableSize = 2048;

struct Entry {
  std::string_view word;
  Lexeme lex;
};

Lexeme kw(Kw k) {
  return Lexeme{.kw = k};
}
Lexeme month(uint8_t m, bool abbrev = false, bool ambiguous = false) {
  return Lexeme{.month = m, .abbrev = abbrev, .ambiguous = ambiguous};
}
Lexeme weekday(uint8_t d, bool abbrev = false) {
  // Abbreviated weekdays ("Sun", "Sat", "Wed") are ordinary words too.
  return Lexeme{.weekday = d, .abbrev = abbrev, .ambiguous = abbrev};
}
Lexeme season(Season s) {
  return Lexeme{.season = s};
}
Lexeme cardinal(uint8_t n) {
  return Lexeme{.cardinal = n};
}
Lexeme ordinal(uint8_t n) {
  return Lexeme{.ordinal = n};
}
Lexeme unit(Unit u, bool plural = false) {
  return Lexeme{.unit = u, .plural = plural};
}
Lexeme dayref(int8_t offset, DayPart part = DayPart::kNone) {
  return Lexeme{.part = part, .day_offset = offset, .is_dayref = true};
}
Lexeme daypart(DayPart p) {
  return Lexeme{.part = p};
}
Lexeme decade_word(uint8_t d) {
  return Lexeme{.decade_word = d};
}
Lexeme set_word(Unit u) {
  return Lexeme{.set_unit = u};
}
Lexeme holiday(Holiday h) {
  return Lexeme{.holiday = h};
}
Lexeme cue(Cue c, Kw k = Kw::kNone) {
  return Lexeme{.kw = k, .cue = c};
}
Lexeme timezone() {
  return Lexeme{.timezone = true};
}
Lexeme holiday_head() {
  return Lexeme{.holiday_head = true};
}

// Keywords that can start an expression ("the past three years", "about a year").
bool starts_expression(Kw k) {
  switch (k) {
    case Kw::kThe:
    case Kw::kA:
    case Kw::kAn:
    case Kw::kLast:
    case Kw::kNext:
    case Kw::kThis:
    case Kw::kPast:
    case Kw::kComing:
    case Kw::kPrevious:
    case Kw::kFollowing:
    case Kw::kCurrent:
    case Kw::kRecent:
    case Kw::kThat:
    case Kw::kEarly:
    case Kw::kEarlier:
    case Kw::kLate:
    case Kw::kLater:
    case Kw::kMid:
    case Kw::kMiddle:
    case Kw::kEnd:
    case Kw::kBeginning:
    case Kw::kStart:
    case Kw::kApprox:
    case Kw::kNearly:
    case Kw::kMore:
    case Kw::kLess:
    case Kw::kOver:
    case Kw::kAt:
    case Kw::kUp:
    case Kw::kFew:
    case Kw::kSeveral:
    case Kw::kMany:
    case Kw::kNow:
    case Kw::kCurrently:
    case Kw::kRecently:
    case Kw::kNowadays:
    case Kw::kThese:
    case Kw::kQ:
    case Kw::kFiscal:
    case Kw::kPost:
    case Kw::kPre:
    case Kw::kEvery:
    case Kw::kEach:
    case Kw::kNoon:
    case Kw::kMidnight:
    case Kw::kFirst:
    case Kw::kSecond:
      return true;
    default:
      return false;
  }
}

bool is_trigger(const Lexeme& l) {
  return l.month != 0 || l.weekday != 0 || l.season != Season::kNone || l.cardinal != 0 || l.ordinal != 0 ||
         l.unit != Unit::kNone || l.is_dayref || l.decade_word != 0 || l.set_unit != Unit::kNone ||
         l.holiday != Holiday::kNone || l.holiday_head || starts_expression(l.kw);
}

// clang-format off
std::vector<Entry> lexicon_entries() {
  std::vector<Entry> e = {
      // Months. "may" and "march" are also common verbs (and "May" a surname).
      {"january", month(1)}, {"jan", month(1, true)}, {"february", month(2)}, {"feb", month(2, true)},
      {"march", month(3, false, true)}, {"mar", month(3, true)}, {"april", month(4)}, {"apr", month(4, true)},
      {"may", month(5, false, true)}, {"june", month(6)}, {"jun", month(6, true)}, {"july", month(7)},
      {"jul", month(7, true)}, {"august", month(8)}, {"aug", month(8, true)}, {"september", month(9)},
      {"sep", month(9, true)}, {"sept", month(9, true)}, {"october", month(10)}, {"oct", month(10, true)},
      {"november", month(11)}, {"nov", month(11, true)}, {"december", month(12)}, {"dec", month(12, true)},
      // Weekdays.
      {"monday", weekday(1)}, {"mon", weekday(1, true)}, {"tuesday", weekday(2)}, {"tue", weekday(2, true)},
      {"tues", weekday(2, true)}, {"wednesday", weekday(3)}, {"wed", weekday(3, true)},
      {"thursday", weekday(4)}, {"thu", weekday(4, true)}, {"thur", weekday(4, true)},
      {"thurs", weekday(4, true)}, {"friday", weekday(5)}, {"fri", weekday(5, true)},
      {"saturday", weekday(6)}, {"sat", weekday(6, true)}, {"sunday", weekday(7)}, {"sun", weekday(7, true)},
      // Seasons.
      {"spring", season(Season::kSpring)}, {"summer", season(Season::kSummer)},
      {"autumn", season(Season::kFall)}, {"fall", season(Season::kFall)}, {"winter", season(Season::kWinter)},
      // Number words.
      {"one", cardinal(1)}, {"two", cardinal(2)}, {"three", cardinal(3)}, {"four", cardinal(4)},
      {"five", cardinal(5)}, {"six", cardinal(6)}, {"seven", cardinal(7)}, {"eight", cardinal(8)},
      {"nine", cardinal(9)}, {"ten", cardinal(10)}, {"eleven", cardinal(11)}, {"twelve", cardinal(12)},
      {"thirteen", cardinal(13)}, {"fourteen", cardinal(14)}, {"fifteen", cardinal(15)},
      {"sixteen", cardinal(16)}, {"seventeen", cardinal(17)}, {"eighteen", cardinal(18)},
      {"nineteen", cardinal(19)}, {"twenty", cardinal(20)}, {"thirty", cardinal(30)}, {"forty", cardinal(40)},
      {"fifty", cardinal(50)}, {"sixty", cardinal(60)}, {"seventy", cardinal(70)}, {"eighty", cardinal(80)},
      {"ninety", cardinal(90)}, {"first", Lexeme{.kw = Kw::kFirst, .ordinal = 1}},
      {"second", Lexeme{.kw = Kw::kSecond, .ordinal = 2, .unit = Unit::kSecond}}, {"third", ordinal(3)},
      {"fourth", ordinal(4)}, {"fifth", ordinal(5)}, {"sixth", ordinal(6)}, {"seventh", ordinal(7)},
      {"eighth", ordinal(8)}, {"ninth", ordinal(9)}, {"tenth", ordinal(10)}, {"eleventh", ordinal(11)},
      {"twelfth", ordinal(12)}, {"thirteenth", ordinal(13)}, {"fourteenth", ordinal(14)},
      {"fifteenth", ordinal(15)}, {"sixteenth", ordinal(16)}, {"seventeenth", ordinal(17)},
      {"eighteenth", ordinal(18)}, {"nineteenth", ordinal(19)}, {"twentieth", ordinal(20)},
      {"thirtieth", ordinal(30)},
      // Units.
      {"seconds", unit(Unit::kSecond, true)}, {"minute", unit(Unit::kMinute)},
      {"minutes", unit(Unit::kMinute, true)}, {"hour", unit(Unit::kHour)}, {"hours", unit(Unit::kHour, true)},
      {"day", Lexeme{.kw = Kw::kDay, .unit = Unit::kDay}}, {"days", unit(Unit::kDay, true)},
      {"week", unit(Unit::kWeek)}, {"weeks", unit(Unit::kWeek, true)},
      {"weekend", Lexeme{.kw = Kw::kWeekend, .unit = Unit::kWeekend}},
      {"weekends", unit(Unit::kWeekend, true)}, {"fortnight", unit(Unit::kFortnight)},
      {"month", unit(Unit::kMonth)}, {"months", unit(Unit::kMonth, true)}, {"quarter", unit(Unit::kQuarter)},
      {"quarters", unit(Unit::kQuarter, true)}, {"year", Lexeme{.kw = Kw::kYear, .unit = Unit::kYear}},
      {"years", unit(Unit::kYear, true)}, {"decade", Lexeme{.kw = Kw::kDecade, .unit = Unit::kDecade}},
      {"decades", unit(Unit::kDecade, true)}, {"century", Lexeme{.kw = Kw::kCentury, .unit = Unit::kCentury}},
      {"centuries", unit(Unit::kCentury, true)}, {"millennium", unit(Unit::kMillennium)},
      {"millennia", unit(Unit::kMillennium, true)},
      // Parts of the day and days relative to today.
      {"morning", daypart(DayPart::kMorning)},
      {"afternoon", daypart(DayPart::kAfternoon)}, {"evening", daypart(DayPart::kEvening)},
      {"night", daypart(DayPart::kNight)}, {"midday", daypart(DayPart::kMidday)},
      {"today", dayref(0)}, {"yesterday", Lexeme{.day_offset = -1, .is_dayref = true, .cue = Cue::kPast}},
      {"tonight", dayref(0, DayPart::kNight)},
      // Decades in words.
      {"twenties", decade_word(2)}, {"thirties", decade_word(3)}, {"forties", decade_word(4)},
      {"fifties", decade_word(5)}, {"sixties", decade_word(6)}, {"seventies", decade_word(7)},
      {"eighties", decade_word(8)}, {"nineties", decade_word(9)},
      // Recurrence.
      {"daily", set_word(Unit::kDay)}, {"weekly", set_word(Unit::kWeek)}, {"monthly", set_word(Unit::kMonth)},
      {"annually", set_word(Unit::kYear)}, {"yearly", set_word(Unit::kYear)},
      {"hourly", set_word(Unit::kHour)},
      // Holidays that stand alone (compound ones are matched word by word).
      {"new", holiday_head()}, {"good", holiday_head()}, {"labor", holiday_head()},
      {"labour", holiday_head()}, {"memorial", holiday_head()}, {"valentine", holiday_head()},
      {"christmas", holiday(Holiday::kChristmas)}, {"easter", holiday(Holiday::kEaster)},
      {"thanksgiving", holiday(Holiday::kThanksgiving)}, {"halloween", holiday(Holiday::kHalloween)},
      // Time zones (only honoured in capitals, after a clock time).
      {"gmt", timezone()}, {"utc", timezone()}, {"est", timezone()}, {"edt", timezone()}, {"cst", timezone()},
      {"cdt", timezone()}, {"mst", timezone()}, {"mdt", timezone()}, {"pst", timezone()}, {"pdt", timezone()},
      {"bst", timezone()}, {"cet", timezone()}, {"cest", timezone()}, {"msk", timezone()},
      // Tense cues.
      {"will", cue(Cue::kFuture)}, {"shall", cue(Cue::kFuture)}, {"ll", cue(Cue::kFuture)},
      {"scheduled", cue(Cue::kFuture)}, {"slated", cue(Cue::kFuture)}, {"upcoming", cue(Cue::kFuture)},
      {"forthcoming", cue(Cue::kFuture)}, {"expected", cue(Cue::kFuture)}, {"expects", cue(Cue::kFuture)},
      {"plans", cue(Cue::kFuture)}, {"plan", cue(Cue::kFuture)}, {"planned", cue(Cue::kFuture)},
      {"planning", cue(Cue::kFuture)}, {"due", cue(Cue::kFuture)}, {"intends", cue(Cue::kFuture)},
      {"would", cue(Cue::kFuture)}, {"postponed", cue(Cue::kFuture)},
      {"tomorrow", Lexeme{.day_offset = 1, .is_dayref = true, .cue = Cue::kFuture}},
      // Past: auxiliaries and common irregular past tenses (regular "-ed" forms
      // are recognised by their ending, see Recognizer::cue_near).
      {"was", cue(Cue::kPast)}, {"were", cue(Cue::kPast)}, {"had", cue(Cue::kPast)}, {"did", cue(Cue::kPast)},
      {"said", cue(Cue::kPast)}, {"previously", cue(Cue::kPast)}, {"told", cue(Cue::kPast)},
      {"met", cue(Cue::kPast)}, {"held", cue(Cue::kPast)}, {"took", cue(Cue::kPast)},
      {"gave", cue(Cue::kPast)}, {"went", cue(Cue::kPast)}, {"came", cue(Cue::kPast)},
      {"left", cue(Cue::kPast)}, {"made", cue(Cue::kPast)}, {"began", cue(Cue::kPast)},
      {"won", cue(Cue::kPast)}, {"lost", cue(Cue::kPast)}, {"saw", cue(Cue::kPast)}, {"got", cue(Cue::kPast)},
      {"spoke", cue(Cue::kPast)}, {"wrote", cue(Cue::kPast)}, {"sent", cue(Cue::kPast)},
      {"found", cue(Cue::kPast)}, {"brought", cue(Cue::kPast)}, {"became", cue(Cue::kPast)},
      {"fell", cue(Cue::kPast)}, {"rose", cue(Cue::kPast)}, {"paid", cue(Cue::kPast)},
      {"struck", cue(Cue::kPast)}, {"shot", cue(Cue::kPast)}, {"fled", cue(Cue::kPast)},
      {"led", cue(Cue::kPast)}, {"ran", cue(Cue::kPast)}, {"sought", cue(Cue::kPast)},
      {"thought", cue(Cue::kPast)}, {"knew", cue(Cue::kPast)}, {"felt", cue(Cue::kPast)},
      {"kept", cue(Cue::kPast)}, {"stood", cue(Cue::kPast)}, {"broke", cue(Cue::kPast)},
      {"chose", cue(Cue::kPast)}, {"drew", cue(Cue::kPast)}, {"flew", cue(Cue::kPast)},
      {"grew", cue(Cue::kPast)}, {"sold", cue(Cue::kPast)}, {"spent", cue(Cue::kPast)},
      {"taught", cue(Cue::kPast)}, {"threw", cue(Cue::kPast)}, {"withdrew", cue(Cue::kPast)},
      {"wore", cue(Cue::kPast)}, {"overtook", cue(Cue::kPast)}, {"froze", cue(Cue::kPast)},
      {"sank", cue(Cue::kPast)}, {"swore", cue(Cue::kPast)}, {"bought", cue(Cue::kPast)},
      {"fought", cue(Cue::kPast)}, {"caught", cue(Cue::kPast)}, {"arose", cue(Cue::kPast)},
      {"tore", cue(Cue::kPast)},
      // Keywords.
      {"the", kw(Kw::kThe)}, {"a", kw(Kw::kA)}, {"an", kw(Kw::kAn)},
      {"last", Lexeme{.kw = Kw::kLast, .cue = Cue::kPast}},
      {"next", Lexeme{.kw = Kw::kNext, .cue = Cue::kFuture}}, {"this", kw(Kw::kThis)},
      {"past", kw(Kw::kPast)}, {"coming", kw(Kw::kComing)}, {"previous", kw(Kw::kPrevious)},
      {"preceding", kw(Kw::kPrevious)}, {"following", kw(Kw::kFollowing)}, {"current", kw(Kw::kCurrent)},
      {"recent", kw(Kw::kRecent)}, {"same", kw(Kw::kSame)}, {"that", kw(Kw::kThat)},
      {"early", kw(Kw::kEarly)}, {"earlier", Lexeme{.kw = Kw::kEarlier, .cue = Cue::kPast}},
      {"late", kw(Kw::kLate)}, {"later", kw(Kw::kLater)}, {"mid", kw(Kw::kMid)}, {"middle", kw(Kw::kMiddle)},
      {"end", kw(Kw::kEnd)}, {"beginning", kw(Kw::kBeginning)}, {"start", kw(Kw::kStart)},
      {"half", kw(Kw::kHalf)}, {"of", kw(Kw::kOf)}, {"in", kw(Kw::kIn)}, {"on", kw(Kw::kOn)},
      {"at", kw(Kw::kAt)}, {"since", kw(Kw::kSince)}, {"before", kw(Kw::kBefore)}, {"after", kw(Kw::kAfter)},
      {"prior", kw(Kw::kPrior)}, {"until", kw(Kw::kUntil)}, {"till", kw(Kw::kUntil)},
      {"through", kw(Kw::kThrough)}, {"thru", kw(Kw::kThrough)}, {"throughout", kw(Kw::kThrough)},
      {"by", kw(Kw::kBy)}, {"from", kw(Kw::kFrom)}, {"to", kw(Kw::kTo)}, {"during", kw(Kw::kDuring)},
      {"between", kw(Kw::kBetween)}, {"and", kw(Kw::kAnd)}, {"or", kw(Kw::kOr)}, {"for", kw(Kw::kFor)},
      {"within", kw(Kw::kWithin)}, {"over", kw(Kw::kOver)}, {"about", kw(Kw::kApprox)},
      {"around", kw(Kw::kApprox)}, {"approximately", kw(Kw::kApprox)}, {"roughly", kw(Kw::kApprox)},
      {"some", kw(Kw::kApprox)}, {"circa", kw(Kw::kApprox)}, {"nearly", kw(Kw::kNearly)},
      {"almost", kw(Kw::kNearly)}, {"more", kw(Kw::kMore)}, {"less", kw(Kw::kLess)}, {"fewer", kw(Kw::kLess)},
      {"than", kw(Kw::kThan)}, {"least", kw(Kw::kLeast)}, {"most", kw(Kw::kMost)}, {"up", kw(Kw::kUp)},
      {"ago", Lexeme{.kw = Kw::kAgo, .cue = Cue::kPast}}, {"onward", kw(Kw::kOnward)},
      {"onwards", kw(Kw::kOnward)}, {"beyond", kw(Kw::kBeyond)}, {"fiscal", kw(Kw::kFiscal)},
      {"every", kw(Kw::kEvery)}, {"each", kw(Kw::kEach)}, {"now", kw(Kw::kNow)}, {"am", kw(Kw::kAm)},
      {"pm", kw(Kw::kPm)}, {"noon", kw(Kw::kNoon)}, {"midnight", kw(Kw::kMidnight)}, {"old", kw(Kw::kOld)},
      {"few", kw(Kw::kFew)}, {"several", kw(Kw::kSeveral)}, {"many", kw(Kw::kMany)},
      {"couple", kw(Kw::kCouple)}, {"near", kw(Kw::kNear)}, {"future", kw(Kw::kFuture)},
      {"present", kw(Kw::kPresent)}, {"recently", Lexeme{.kw = Kw::kRecently, .cue = Cue::kPast}},
      {"currently", kw(Kw::kCurrently)}, {"soon", Lexeme{.kw = Kw::kSoon, .cue = Cue::kFuture}},
      {"nowadays", kw(Kw::kNowadays)}, {"post", kw(Kw::kPost)}, {"pre", kw(Kw::kPre)}, {"q", kw(Kw::kQ)},
      {"these", kw(Kw::kThese)}, {"long", kw(Kw::kLong)}, {"his", kw(Kw::kHis)}, {"her", kw(Kw::kHer)},
      {"its", kw(Kw::kIts)}, {"their", kw(Kw::kTheir)}, {"my", kw(Kw::kMy)}, {"our", kw(Kw::kOur)},
      {"your", kw(Kw::kYour)}, {"as", kw(Kw::kAs)}, {"usa", kw(Kw::kUsa)}, {"mail", kw(Kw::kMail)},
      {"bloody", kw(Kw::kBloody)}, {"s", kw(Kw::kS)}, {"th", kw(Kw::kTh)}, {"st", kw(Kw::kSt)},
      {"nd", kw(Kw::kNd)}, {"rd", kw(Kw::kRd)}, {"t", kw(Kw::kT)}, {"z", kw(Kw::kZ)},
      {"dozen", kw(Kw::kDozen)}, {"into", kw(Kw::kInto)}, {"both", kw(Kw::kBoth)}, {"latest", kw(Kw::kLatest)},
  };
  return e;
}
// clang-format on

uint32_t hash_word(std::string_view w) noexcept {
  uint32_t h = 2166136261u;  // FNV-1a
  for (char c : w) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

// Immutable after construction (a function-local static), hence safe to read
// from several threads.
class Lexicon {
 public:
  Lexicon() : entries_(lexicon_entries()) {
    slots_.fill(-1);
    for (size_t i = 0; i < entries_.size(); ++i) {
      entries_[i].lex.trigger = is_trigger(entries_[i].lex);
      size_t h = hash_word(entries_[i].word) & (kTableSize - 1);
      while (slots_[h] >= 0) h = (h + 1) & (kTableSize - 1);
      slots_[h] = static_cast<int16_t>(i);
    }
  }
  const Lexeme* find(std::string_view lower) const noexcept {
    size_t h = hash_word(lower) & (kTableSize - 1);
    while (slots_[h] >= 0) {
      const Entry& e = entries_[static_cast<size_t>(slots_[h])];
      if (e.word == lower) return &e.lex;
      h = (h + 1) & (kTableSize - 1);
    }
    return nullptr;
  }

 private:
  std::vector<Entry> entries_;
  std::array<int16_t, kTableSize> slots_{};
};

const Lexicon& lexicon() {
  static const Lexicon instance;
  return instance;
}

bool is_ascii_alpha(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Decodes the non-ASCII sequence at `pos`; returns its length (0 if invalid).
size_t decode_multibyte(std::string_view s, size_t pos, char32_t& cp) noexcept {
  utf8proc_int32_t c = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data() + pos);
  const utf8proc_ssize_t n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(s.size() - pos), &c);
  if (n <= 0) return 0;
  cp = static_cast<char32_t>(c);
  return static_cast<size_t>(n);
}

enum class CharClass { kSpace, kNewline, kLetter, kPunct, kOther };

CharClass classify(char32_t cp, char& folded) {
  folded = 0;
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x02BC:
      folded = '\'';
      return CharClass::kPunct;
    case 0x201C:
    case 0x201D:
      folded = '"';
      return CharClass::kPunct;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212:
      folded = '-';
      return CharClass::kPunct;
    case 0x0085:
    case 0x2028:
    case 0x2029:
      return CharClass::kNewline;
    default:
      break;
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_ZS:
      return CharClass::kSpace;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
      return CharClass::kLetter;
    case UTF8PROC_CATEGORY_CF:
      return CharClass::kSpace;  // zero-width joiners, soft hyphens
    default:
      return CharClass::kOther;
  }
}

}  // namespace

const Lexeme* lookup(std::string_view word) noexcept {
  if (word.empty() || word.size() > kMaxWordLength) return nullptr;
  char buf[kMaxWordLength];
  for (size_t i = 0; i < word.size(); ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c >= 0x80) return nullptr;
    buf[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return lexicon().find(std::string_view(buf, word.size()));
}

std::vector<Tok> tokenize(std::string_view text) {
  std::vector<Tok> out;
  out.reserve(text.size() / 5 + 1);
  const size_t n = text.size();
  size_t i = 0;
  bool space = true;
  bool newline = false;
  auto push = [&](Tok t) {
    t.space_before = space;
    t.newline_before = newline;
    space = false;
    newline = false;
    out.push_back(t);
  };
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_ascii_space(c)) {
        space = true;
        if (c == '\n' || c == '\r') newline = true;
        ++i;
        continue;
      }
      if (is_digit(c)) {
        Tok t{.begin = static_cast<uint32_t>(i), .kind = TokKind::kNumber};
        uint64_t value = 0;
        size_t digits = 0;
        while (i < n && is_digit(static_cast<unsigned char>(text[i]))) {
          value = value * 10 + static_cast<unsigned>(text[i] - '0');
          if (value > kNumberCap) value = kNumberCap;
          ++digits;
          ++i;
        }
        t.end = static_cast<uint32_t>(i);
        t.num = static_cast<uint32_t>(value);
        t.digits = static_cast<uint8_t>(digits > 255 ? 255 : digits);
        push(t);
        continue;
      }
      if (!is_ascii_alpha(c)) {
        push(Tok{.begin = static_cast<uint32_t>(i),
                 .end = static_cast<uint32_t>(i + 1),
                 .kind = TokKind::kPunct,
                 .punct = static_cast<char>(c)});
        ++i;
        continue;
      }
    } else {
      char32_t cp = 0;
      const size_t len = decode_multibyte(text, i, cp);
      if (len == 0) {  // invalid byte: its own token
        push(Tok{.begin = static_cast<uint32_t>(i), .end = static_cast<uint32_t>(i + 1)});
        ++i;
        continue;
      }
      char folded = 0;
      const CharClass cls = classify(cp, folded);
      if (cls == CharClass::kSpace || cls == CharClass::kNewline) {
        space = true;
        newline = newline || cls == CharClass::kNewline;
        i += len;
        continue;
      }
      if (cls != CharClass::kLetter) {
        push(Tok{.begin = static_cast<uint32_t>(i),
                 .end = static_cast<uint32_t>(i + len),
                 .kind = folded != 0 ? TokKind::kPunct : TokKind::kOther,
                 .punct = folded});
        i += len;
        continue;
      }
    }
    // A word: letters, ASCII or not.
    Tok t{.begin = static_cast<uint32_t>(i), .kind = TokKind::kWord};
    bool ascii = true;
    bool all_upper = true;
    while (i < n) {
      const auto d = static_cast<unsigned char>(text[i]);
      if (d < 0x80) {
        if (!is_ascii_alpha(d)) break;
        if (d >= 'a') all_upper = false;
        ++i;
        continue;
      }
      char32_t cp = 0;
      const size_t len = decode_multibyte(text, i, cp);
      char folded = 0;
      if (len == 0 || classify(cp, folded) != CharClass::kLetter) break;
      ascii = false;
      all_upper = false;
      i += len;
    }
    t.end = static_cast<uint32_t>(i);
    const std::string_view w = text.substr(t.begin, t.end - t.begin);
    t.upper_initial = w[0] >= 'A' && w[0] <= 'Z';
    t.all_upper = all_upper && w.size() >= 2;
    if (ascii) t.lex = lookup(w);
    push(t);
  }
  return out;
}

}  // namespace caspian::nlp::timex
