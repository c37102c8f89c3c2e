// Timex rules for calendar dates: numeric dates, month and day phrases,
// weekdays, bare years, decades and centuries, seasons, quarters and halves,
// today/tomorrow/yesterday, fiscal years, post-/pre-, clock times and the
// second day of a pair ("April 24 and 25"). See timex_grammar.h.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/timex_grammar.h"

namespace caspian::nlp::timex {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

std::optional<Match> Recognizer::parse_date_core(size_t i, bool vouched) {
  if (!valid(i) || depth_ >= kMaxDepth) return std::nullopt;
  DepthGuard guard(depth_);
  std::optional<Match> best;
  const Tok& t = t_[i];
  if (t.kind == TokKind::kNumber) {
    best = longer(std::move(best), parse_numeric_date(i));
    best = longer(std::move(best), parse_day_month(i));
    best = longer(std::move(best), parse_year(i, vouched));
    best = longer(std::move(best), parse_decade(i, vouched));
    return best;
  }
  if (t.kind == TokKind::kPunct) {
    if (t.punct == '\'') best = parse_decade(i, vouched);
    return best;
  }
  if (t.lex == nullptr) return best;
  const Lexeme& l = *t.lex;
  if (l.month != 0) best = longer(std::move(best), parse_month_phrase(i, vouched));
  if (l.weekday != 0) best = longer(std::move(best), parse_weekday(i));
  if (l.season != Season::kNone) best = longer(std::move(best), parse_season(i, vouched));
  if (l.is_dayref) best = longer(std::move(best), parse_dayref(i));
  if (l.holiday != Holiday::kNone || l.holiday_head) best = longer(std::move(best), parse_holiday(i));
  if (l.ordinal != 0) best = longer(std::move(best), parse_ordinal_period(i));
  if (l.decade_word != 0 && vouched) best = longer(std::move(best), parse_decade(i, vouched));
  switch (l.kw) {
    case Kw::kThe:
      best = longer(std::move(best), parse_the(i));
      break;
    case Kw::kLast:
    case Kw::kNext:
    case Kw::kThis:
    case Kw::kComing:
    case Kw::kPast:
    case Kw::kCurrent:
      best = longer(std::move(best), parse_relative(i));
      break;
    case Kw::kThat:
      best = longer(std::move(best), parse_that(i));
      break;
    case Kw::kQ:
      best = longer(std::move(best), parse_q(i));
      break;
    default:
      break;
  }
  return best;
}

std::optional<Match> Recognizer::parse_numeric_date(size_t i) {
  if (!number(i) || (glued(i) && (number(i - 1) || is_word(i - 1) || punct(i - 1, '/') || punct(i - 1, '.') ||
                                  punct(i - 1, '-') || punct(i - 1, ':')))) {
    return std::nullopt;
  }
  const size_t s1 = i + 1, b = i + 2, s2 = i + 3, c = i + 4;
  if (!valid(c) || !glued(s1) || !glued(b) || !glued(s2) || !glued(c)) return std::nullopt;
  const char sep = t_[s1].punct;
  if (t_[s1].kind != TokKind::kPunct || (sep != '-' && sep != '/' && sep != '.') || !punct(s2, sep) ||
      !number(b) || !number(c)) {
    return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  if (digits(i) == 4 && digits(b) <= 2 && digits(c) <= 2 && sep != '.') {
    y = num(i), m = num(b), d = num(c);
  } else if (digits(i) <= 2 && digits(b) <= 2 && digits(c) == 4) {
    y = num(c);
    const int p = num(i), q = num(b);
    const bool month_first = p > kMonthsPerYear ? false : q > kMonthsPerYear ? true : month_first_;
    m = month_first ? p : q;
    d = month_first ? q : p;
  } else {
    return std::nullopt;
  }
  const size_t end = c + 1;
  // Not part of a longer run ("1/2/2025/3", version numbers, phone numbers).
  if (glued(end) && (number(end) || ((punct(end, sep) || punct(end, '.') || punct(end, '-')) &&
                                     number(end + 1) && glued(end + 1)))) {
    return std::nullopt;
  }
  if (y < kMinDateYear || y > kMaxDateYear) return std::nullopt;
  const year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                           std::chrono::day{static_cast<unsigned>(d)}};
  if (m < 1 || d < 1 || !ymd.ok()) return std::nullopt;
  size_t last = end;
  if (sep == '-' && glued(last) &&
      (is(last, Kw::kT) ||
       (is_word(last) && str(last).size() == 1 && (str(last)[0] == 'T' || str(last)[0] == 't')))) {
    last = skip_iso_time(last);
  }
  return date_match(i, last, timex::day_value(sys_days{ymd}), false);
}

size_t Recognizer::skip_iso_time(size_t j) const {
  constexpr size_t kMaxTimeTokens = 14;
  const size_t start = j;
  ++j;  // 'T'
  if (!number(j) || !glued(j)) return start;
  while (valid(j) && glued(j) && j - start < kMaxTimeTokens &&
         (number(j) || punct(j, ':') || punct(j, '.') || punct(j, '+') || punct(j, '-') || is(j, Kw::kZ))) {
    ++j;
  }
  // Do not end on a separator.
  while (j > start + 1 &&
         (punct(j - 1, ':') || punct(j - 1, '.') || punct(j - 1, '+') || punct(j - 1, '-'))) {
    --j;
  }
  return j;
}

bool Recognizer::year_at(size_t i, int lo, int hi) const {
  return number(i) && digits(i) == 4 && num(i) >= lo && num(i) <= hi && !continues_number(i) &&
         !(glued(i + 1) && is_word(i + 1) && !is(i + 1, Kw::kS));
}

std::optional<Match> Recognizer::parse_month_phrase(size_t i, bool vouched) {
  const int m = month_at(i);
  if (m == 0) return std::nullopt;
  const Lexeme& l = *t_[i].lex;
  size_t j = after_abbrev(i);
  // Month day [, year]
  if (number(j) && digits(j) <= 2 && num(j) >= 1 && num(j) <= kMaxDayOfMonth && !continues_number(j) &&
      !(glued(j) && !punct(j - 1, '.'))) {
    const int d = num(j);
    size_t k = skip_ordinal_suffix(j + 1);
    if (glued(k) && is_word(k)) return std::nullopt;  // "May 5pm"? not a day
    size_t y = k;
    if (punct(y, ',')) ++y;
    if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
      const year_month_day ymd{std::chrono::year{num(y)}, std::chrono::month{static_cast<unsigned>(m)},
                               std::chrono::day{static_cast<unsigned>(d)}};
      if (!ymd.ok()) return std::nullopt;
      return date_match(i, y + 1, timex::day_value(sys_days{ymd}), false);
    }
    // "May 15-16, 2025", "May 15 and 16, 2025": the year written after the range.
    if ((dash(k) || is(k, Kw::kAnd) || is(k, Kw::kTo)) && number(k + 1) && digits(k + 1) <= 2) {
      size_t ry = skip_ordinal_suffix(k + 2);
      if (punct(ry, ',')) ++ry;
      if (year_at(ry, kMinDateYear, kMaxDateYear) && !glued(ry)) {
        const year_month_day ymd{std::chrono::year{num(ry)}, std::chrono::month{static_cast<unsigned>(m)},
                                 std::chrono::day{static_cast<unsigned>(d)}};
        if (!ymd.ok()) return std::nullopt;
        return date_match(i, k, timex::day_value(sys_days{ymd}), false);
      }
    }
    bool anchored = false;
    auto v = resolve_month_day(m, d, dir_for(i, k, Dir::kNearest), anchored);
    if (!v) return std::nullopt;
    return date_match(i, k, *v, anchored);
  }
  // Month [,|of] year
  {
    size_t y = j;
    if (punct(y, ',') || is(y, Kw::kOf)) ++y;
    if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
      return date_match(i, y + 1, timex::month_value(num(y), m), false);
    }
    // "May of last year", "March of this year"
    if (is(j, Kw::kOf) && (is(j + 1, Kw::kLast) || is(j + 1, Kw::kThis) || is(j + 1, Kw::kNext)) &&
        is(j + 2, Kw::kYear)) {
      bool anchored = false;
      auto year = anchor_shift(TimeGranularity::kYear,
                               is(j + 1, Kw::kLast)   ? -1
                               : is(j + 1, Kw::kNext) ? 1
                                                      : 0,
                               anchored);
      if (!year) return std::nullopt;
      CalValue v = timex::month_value(0, m);
      v.year = year->year;
      return date_match(i, j + 3, v, anchored);
    }
  }
  // A bare month needs support.
  if (!vouched && !month_supported(i, l)) return std::nullopt;
  bool anchored = false;
  CalValue v = resolve_month(m, dir_for(i, j, Dir::kNearest), anchored);
  return date_match(i, j, v, anchored);
}

bool Recognizer::month_supported(size_t i, const Lexeme& l) const {
  switch (kw(i - 1)) {
    case Kw::kIn:
    case Kw::kSince:
    case Kw::kBy:
    case Kw::kFrom:
    case Kw::kUntil:
    case Kw::kThrough:
    case Kw::kBefore:
    case Kw::kAfter:
    case Kw::kDuring:
    case Kw::kBetween:
    case Kw::kOf:
    case Kw::kTo:
    case Kw::kEarly:
    case Kw::kLate:
    case Kw::kMid:
    case Kw::kOn:
      return true;
    case Kw::kAnd:
    case Kw::kOr:
      return month_at(i - 2) != 0;
    default:
      break;
  }
  if (punct(i - 1, '-') && month_at(i - 2) != 0) return true;  // "June-July"
  if (l.ambiguous || l.abbrev) return false;
  if (capital(i + 1) && lx(i + 1) == nullptr) return false;
  // Not glued to surrounding letters/digits (e.g. "June2025").
  return !(glued(i + 1) && (is_word(i + 1) || number(i + 1)));
}

std::optional<Match> Recognizer::parse_day_month(size_t i) {
  if (!standalone_number(i) || digits(i) > 2 || num(i) < 1 || num(i) > kMaxDayOfMonth) return std::nullopt;
  const int d = num(i);
  size_t j = skip_ordinal_suffix(i + 1);
  if (is(j, Kw::kOf)) ++j;
  const int m = month_at(j);
  if (m == 0) return std::nullopt;
  size_t k = after_abbrev(j);
  size_t y = k;
  if (punct(y, ',')) ++y;
  if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
    const year_month_day ymd{std::chrono::year{num(y)}, std::chrono::month{static_cast<unsigned>(m)},
                             std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return date_match(i, y + 1, timex::day_value(sys_days{ymd}), false);
  }
  bool anchored = false;
  auto v = resolve_month_day(m, d, dir_for(i, k, Dir::kNearest), anchored);
  if (!v) return std::nullopt;
  return date_match(i, k, *v, anchored);
}

std::optional<Match> Recognizer::parse_weekday(size_t i) {
  const int wd = weekday_at(i);
  if (wd == 0) return std::nullopt;
  const Lexeme& l = *t_[i].lex;
  const size_t j = after_abbrev(i);
  // Weekday followed by an explicit date: the date decides.
  {
    size_t k = j;
    if (punct(k, ',') || punct(k, '(')) ++k;
    std::optional<Match> date;
    if (month_at(k) != 0) {
      date = parse_month_phrase(k, false);
    } else if (number(k)) {
      date = parse_day_month(k);
      if (!date) date = parse_numeric_date(k);
    }
    if (date && date->cal && is_day_value(*date->cal)) {
      date->first = i;
      if (punct(k - 1, '(') && punct(date->last, ')')) ++date->last;
      return date;
    }
  }
  if (l.ambiguous) return std::nullopt;  // "Sun", "Sat", "Wed" alone are words
  // Names: "Sunday Times", "Mail on Sunday", "Bloody Sunday".
  if (capital(i + 1) && is_title_word(i + 1)) return std::nullopt;
  if (is(i - 1, Kw::kBloody) || (is(i - 1, Kw::kOn) && is(i - 2, Kw::kMail))) return std::nullopt;
  if (glued(j) && (is_word(j) || number(j))) return std::nullopt;
  bool anchored = false;
  size_t last = j;
  // "Wednesday's ruling" names a known event: no look for a future cue.
  const bool possessive_day = punct(j, '\'') && glued(j) && is(j + 1, Kw::kS);
  const Dir dir = possessive_day ? Dir::kPast : dir_for(cue_first_ < i ? cue_first_ : i, j, Dir::kPast, true);
  CalValue v = resolve_weekday(wd, dir, anchored);
  if (const Lexeme* p = lx(j); p != nullptr && p->part != DayPart::kNone && !p->is_dayref) {
    v.part = p->part;
    last = j + 1;
  }
  return date_match(i, last, v, anchored);
}

bool Recognizer::is_title_word(size_t i) const {
  static constexpr std::string_view kTitles[] = {
      "times",   "telegraph", "express",  "mirror", "post",    "herald",  "independent", "mail",
      "star",    "people",    "sport",    "school", "schools", "service", "edition",     "review",
      "tribune", "observer",  "magazine", "club",   "league",  "show",    "prayers"};
  for (std::string_view w : kTitles) {
    if (word_is(i, w)) return true;
  }
  return false;
}

std::optional<Match> Recognizer::parse_year(size_t i, bool vouched) {
  if (!year_at(i, kMinBareYear, kMaxBareYear)) return std::nullopt;
  if (glued(i + 1) && is(i + 1, Kw::kS)) return std::nullopt;  // decade
  if (!vouched && !year_supported(i)) return std::nullopt;
  if (!vouched && is_count_noun(i + 1)) return std::nullopt;
  return date_match(i, i + 1, timex::year_value(num(i)), false);
}

bool Recognizer::year_supported(size_t i) const {
  if (continued_number(i) || (glued(i + 1) && number(i + 1))) return false;
  if (glued(i)) {
    // Only brackets, quotes and range dashes may touch a bare year.
    const bool range = dash(i - 1) && year_at(i - 2, kMinBareYear, kMaxBareYear) &&
                       !(glued(i - 2) && (dash(i - 3) || number(i - 3)));  // not "555-2019-2020"
    if (!(punct(i - 1, '(') || punct(i - 1, '[') || punct(i - 1, '"') || range)) return false;
    if (range) return true;
  }
  switch (kw(i - 1)) {
    case Kw::kIn:
    case Kw::kSince:
    case Kw::kBy:
    case Kw::kFrom:
    case Kw::kUntil:
    case Kw::kThrough:
    case Kw::kBefore:
    case Kw::kAfter:
    case Kw::kDuring:
    case Kw::kBetween:
    case Kw::kOf:
    case Kw::kFor:
    case Kw::kYear:
    case Kw::kEarly:
    case Kw::kLate:
    case Kw::kMid:
    case Kw::kInto:
    case Kw::kBoth:
      return true;
    case Kw::kHis:
    case Kw::kHer:
    case Kw::kIts:
    case Kw::kTheir:
    case Kw::kMy:
    case Kw::kOur:
    case Kw::kYour:
      return is_word(i + 1);  // "its 1990 invasion"
    case Kw::kS:
      return punct(i - 2, '\'') && glued(i - 1) && is_word(i + 1);  // "Iraq's 1990 invasion"
    case Kw::kApprox:
      // "around 2020" but not "around 2000 people".
      return !is_word(i + 1) || !(lx(i + 1) == nullptr);
    case Kw::kTo:  // "2019 to 2021", "dating back to 1994"; not "rose to 2000"
      return year_at(i - 2, kMinBareYear, kMaxBareYear) || word_is(i - 2, "back") ||
             word_is(i - 2, "dating") || word_is(i - 2, "dates");
    case Kw::kAnd:
    case Kw::kOr:
      return year_at(i - 2, kMinBareYear, kMaxBareYear);
    case Kw::kThe:
    case Kw::kA:
      // "the 1996 Olympic bombing", "a 1996 law" (counts take commas: "the 2,000 people").
      return is_word(i + 1) && !t_[i + 1].all_upper;
    default:
      break;
  }
  if (punct(i - 1, '(') && punct(i + 1, ')')) return true;
  if (punct(i + 1, '\'') && glued(i + 1) && is(i + 2, Kw::kS) && glued(i + 2)) return true;
  if (dash(i + 1) && glued(i + 1) && year_at(i + 2, kMinBareYear, kMaxBareYear) && glued(i + 2)) {
    return true;
  }
  if (punct(i - 1, ',') && year_at(i - 2, kMinBareYear, kMaxBareYear)) {
    return true;  // "2018, 2019 and 2020"
  }
  return false;
}

bool Recognizer::is_count_noun(size_t i) const {
  static constexpr std::string_view kCounts[] = {
      "people",  "persons",    "men",        "women",    "children", "troops",   "soldiers", "residents",
      "workers", "employees",  "jobs",       "cases",    "deaths",   "units",    "tons",     "tonnes",
      "km",      "kilometers", "kilometres", "miles",    "meters",   "metres",   "feet",     "points",
      "votes",   "seats",      "homes",      "houses",   "cars",     "vehicles", "barrels",  "dollars",
      "euros",   "shares",     "members",    "students", "refugees", "families", "pages",    "kg"};
  if (!is_word(i) || t_[i].upper_initial) return false;
  for (std::string_view w : kCounts) {
    if (word_is(i, w)) return true;
  }
  return false;
}

std::optional<Match> Recognizer::parse_decade(size_t i, bool vouched) {
  CalValue v;
  size_t last = 0;
  if (number(i) && digits(i) == 4 && !continued_number(i) && !(glued(i) && is_word(i - 1))) {
    const int y = num(i);
    if (y % kYearsPerDecade != 0 || y < kMinDateYear || y > kMaxDateYear) return std::nullopt;
    if (glued(i + 1) && is(i + 1, Kw::kS)) {
      last = i + 2;
    } else if (vouched && punct(i + 1, '\'') && glued(i + 1) && is(i + 2, Kw::kS) && glued(i + 2)) {
      last = i + 3;  // "the 1990's"
    } else {
      return std::nullopt;
    }
    if (y % kYearsPerCentury == 0 && y < 2000) {
      v.gran = TimeGranularity::kCentury;
      v.century = y / kYearsPerCentury;
    } else {
      v.gran = TimeGranularity::kDecade;
      v.decade = y / kYearsPerDecade;
    }
    return date_match(i, last, v, false);
  }
  int two = -1;
  bool anchored = false;
  if (punct(i, '\'') && number(i + 1) && glued(i + 1) && digits(i + 1) == 2 && glued(i + 2) &&
      is(i + 2, Kw::kS)) {
    two = num(i + 1);  // "'90s"
    last = i + 3;
  } else if (vouched && number(i) && digits(i) == 2 && glued(i + 1) && is(i + 1, Kw::kS) &&
             !possessive(i - 1)) {
    two = num(i);  // "the 90s" (but not "in his 90s")
    last = i + 2;
  } else if (vouched && lx(i) != nullptr && lx(i)->decade_word != 0 && !possessive(i - 1)) {
    two = lx(i)->decade_word * kYearsPerDecade;  // "the nineties"
    last = i + 1;
  }
  if (two < 0 || two % kYearsPerDecade != 0) return std::nullopt;
  // The latest such decade that has begun by the anchor; the 1900s without one.
  int century = 19;
  if (anchor_) {
    century = anchor_year() / kYearsPerCentury;
    if (century * kYearsPerCentury + two > anchor_year()) --century;
    anchored = true;
  }
  v.gran = TimeGranularity::kDecade;
  v.decade = (century * kYearsPerCentury + two) / kYearsPerDecade;
  return date_match(i, last, v, anchored);
}

bool Recognizer::possessive(size_t i) const {
  switch (kw(i)) {
    case Kw::kHis:
    case Kw::kHer:
    case Kw::kIts:
    case Kw::kTheir:
    case Kw::kMy:
    case Kw::kOur:
    case Kw::kYour:
      return true;
    default:
      return false;
  }
}

std::optional<Match> Recognizer::parse_season(size_t i, bool vouched) {
  const Season s = lx(i)->season;
  size_t y = i + 1;
  if (is(y, Kw::kOf) || punct(y, ',')) ++y;
  if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
    return date_match(i, y + 1, timex::season_value(num(y), s), false);
  }
  // "fall" and "spring" are common words: only with a modifier or a year.
  const bool weak_word = word_is(i, "fall") || word_is(i, "spring");
  bool supported = vouched;
  if (!supported && !weak_word) {
    switch (kw(i - 1)) {
      case Kw::kIn:
      case Kw::kSince:
      case Kw::kUntil:
      case Kw::kDuring:
      case Kw::kThrough:
      case Kw::kBy:
      case Kw::kBefore:
      case Kw::kAfter:
        supported = true;
        break;
      default:
        break;
    }
  }
  if (!supported) return std::nullopt;
  if (is(i + 1, Kw::kOf) || is(i + 1, Kw::kIn)) {
    return std::nullopt;  // "the fall of Rome", "the fall in prices"
  }
  bool anchored = false;
  auto v = resolve_season(s, dir_for(i, i + 1, Dir::kNearest), std::nullopt, anchored);
  if (!v) return std::nullopt;
  return date_match(i, i + 1, *v, anchored);
}

std::optional<Match> Recognizer::parse_q(size_t i) {
  if (!(t_[i].upper_initial) || !number(i + 1) || !glued(i + 1) || digits(i + 1) != 1 || num(i + 1) < 1 ||
      num(i + 1) > 4 || (glued(i) && is_word(i - 1)) || (glued(i + 2) && (number(i + 2) || is_word(i + 2)))) {
    return std::nullopt;
  }
  return quarter_tail(i, i + 2, num(i + 1), 0);
}

std::optional<Match> Recognizer::quarter_tail(size_t first, size_t j, int quarter, int half) {
  auto make = [&](int y) {
    CalValue v = quarter != 0 ? timex::quarter_value(y, quarter) : timex::year_value(y);
    v.half = half;
    return v;
  };
  size_t y = j;
  if (is(y, Kw::kOf) || punct(y, ',')) ++y;
  if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
    return date_match(first, y + 1, make(num(y)), false);
  }
  if (is(j, Kw::kOf)) {
    // "of last year", "of this year", "of the year"
    if (auto core = parse_date_core(j + 1, true); core && core->cal &&
                                                  core->cal->gran == TimeGranularity::kYear &&
                                                  core->cal->year && core->cal->half == 0) {
      return date_match(first, core->last, make(*core->cal->year), core->anchored);
    }
    if (is(j + 1, Kw::kThe) && is(j + 2, Kw::kYear) && anchor_) {
      return date_match(first, j + 3, make(anchor_year()), true);
    }
  }
  if (!anchor_) {
    CalValue v = make(0);
    v.year.reset();
    return date_match(first, j, v, false);
  }
  // Nearest such period to the anchor, looking back on ties.
  bool anchored = true;
  std::vector<CalValue> cands;
  for (int dy = -1; dy <= 1; ++dy) cands.push_back(make(anchor_year() + dy));
  const Dir dir = dir_for(first, j, Dir::kNearest);
  auto best = pick(cands, dir, [&](const CalValue& c) {
    const auto start = timex::start_day(c);
    const long d = start ? static_cast<long>((*start - *anchor_).count()) : 0;
    // Containing the anchor counts as distance 0.
    const CalValue next = timex::shift(c, 1).value_or(c);
    const auto end = timex::start_day(next);
    if (start && end && *start <= *anchor_ && *anchor_ < *end) return 0L;
    return d;
  });
  if (!best) return std::nullopt;
  return date_match(first, j, *best, anchored);
}

std::optional<Match> Recognizer::parse_ordinal_period(size_t i) {
  const int n = lx(i)->ordinal;
  size_t j = i + 1;
  if (dash(j) && glued(j)) ++j;
  if (unit_at(j) == Unit::kQuarter && singular_unit(j) && n >= 1 && n <= 4) {
    return quarter_tail(i, j + 1, n, 0);
  }
  if (is(j, Kw::kHalf) && (n == 1 || n == 2) && is(j + 1, Kw::kOf)) {
    auto m = quarter_tail(i, j + 1, 0, n);
    if (m && m->last > j + 2) return m;  // only with an explicit "of <year>"
    return std::nullopt;
  }
  if (is(j, Kw::kCentury) && n >= 1) return century_match(i, j + 1, n);
  return std::nullopt;
}

Match Recognizer::century_match(size_t first, size_t last, int ordinal) const {
  CalValue v;
  v.gran = TimeGranularity::kCentury;
  v.century = ordinal - 1;
  return date_match(first, last, v, false);
}

std::optional<Match> Recognizer::parse_dayref(size_t i) {
  const Lexeme& l = *lx(i);
  if (is(i - 1, Kw::kUsa)) return std::nullopt;  // "USA Today"
  if (glued(i + 1) && (is_word(i + 1) || number(i + 1))) return std::nullopt;
  size_t last = i + 1;
  DayPart part = l.part;
  if (const Lexeme* p = lx(last);
      p != nullptr && p->part != DayPart::kNone && !p->is_dayref && part == DayPart::kNone) {
    part = p->part;
    ++last;
  }
  bool anchored = false;
  auto v = anchor_shift(TimeGranularity::kDay, l.day_offset, anchored);
  if (!v) return std::nullopt;
  if (!anchor_) v->gran = TimeGranularity::kDay;
  v->part = part;
  return date_match(i, last, *v, anchored);
}

std::optional<Match> Recognizer::parse_fiscal(size_t i) {
  size_t j = i + 1;
  if (is(j, Kw::kYear)) ++j;
  if (!year_at(j, kMinBareYear, kMaxBareYear) || glued(j)) return std::nullopt;
  return date_match(i, j + 1, timex::year_value(num(j)), false);
}

std::optional<Match> Recognizer::parse_post_pre(size_t i) {
  if (!dash(i + 1) || !glued(i + 1) || !glued(i + 2)) return std::nullopt;
  auto core = parse_date_core(i + 2, true);
  if (!core || !core->cal || core->is_ref) return std::nullopt;
  core->first = i;
  core->mod = is(i, Kw::kPost) ? "AFTER" : "BEFORE";
  return core;
}

std::optional<Match> Recognizer::parse_clock(size_t i) {
  int hour = -1;
  int minute = 0;
  size_t j = i;
  if (is(i, Kw::kNoon) || is(i, Kw::kMidnight)) {
    hour = is(i, Kw::kNoon) ? kNoonHour : kMidnightHour;
    j = i + 1;
  } else {
    if (!number(i) || digits(i) > 2 ||
        (glued(i) &&
         (number(i - 1) || is_word(i - 1) || punct(i - 1, ':') || punct(i - 1, '.') || punct(i - 1, '/')))) {
      return std::nullopt;
    }
    hour = num(i);
    j = i + 1;
    bool has_minutes = false;
    if (punct(j, ':') && glued(j) && number(j + 1) && glued(j + 1) && digits(j + 1) == 2) {
      minute = num(j + 1);
      has_minutes = true;
      j += 2;
      if (punct(j, ':') && glued(j) && number(j + 1) && glued(j + 1) && digits(j + 1) == 2) {
        j += 2;  // seconds
      }
    }
    if (minute >= kMinutesPerHour) return std::nullopt;
    // am / pm / a.m. / p.m.
    int meridiem = 0;  // 1 am, 2 pm
    if (is(j, Kw::kAm) || is(j, Kw::kPm)) {
      meridiem = is(j, Kw::kAm) ? 1 : 2;
      ++j;
    } else if ((word_is(j, "a") || word_is(j, "p")) && punct(j + 1, '.') && glued(j + 1) &&
               word_is(j + 2, "m") && glued(j + 2)) {
      meridiem = word_is(j, "a") ? 1 : 2;
      j += 3;
      if (punct(j, '.') && glued(j) && !(valid(j + 1) && t_[j + 1].newline_before) &&
          !(valid(j + 1) && capital(j + 1) && lx(j + 1) == nullptr)) {
        ++j;  // final '.', unless it also ends the sentence
      }
    }
    if (meridiem != 0) {
      if (hour < 1 || hour > kHoursPerHalfDay) return std::nullopt;
      if (meridiem == 1 && hour == kHoursPerHalfDay) hour = 0;
      if (meridiem == 2 && hour != kHoursPerHalfDay) hour += kHoursPerHalfDay;
    } else {
      // "10:30" needs "at" before it or a time zone after it.
      const bool tz = lx(j) != nullptr && lx(j)->timezone && t_[j].all_upper;
      if (!has_minutes || hour >= kHoursPerDay || !(is(i - 1, Kw::kAt) || tz)) return std::nullopt;
    }
  }
  if (lx(j) != nullptr && lx(j)->timezone && t_[j].all_upper) ++j;
  // An adjacent day: "10 a.m. Tuesday", "noon today".
  CalValue v;
  bool anchored = false;
  size_t last = j;
  std::optional<Match> day;
  if (const Lexeme* l = lx(j); l != nullptr && (l->weekday != 0 || l->is_dayref)) {
    cue_first_ = i;  // the cue search starts at the clock time
    day = l->weekday != 0 ? parse_weekday(j) : parse_dayref(j);
    cue_first_ = kNoToken;
  }
  if (day && day->cal && is_day_value(*day->cal)) {
    v = *day->cal;
    anchored = day->anchored;
    last = day->last;
  } else if (ref_ && ref_gran_ == TimeGranularity::kDay) {  // the day last mentioned
    v = timex::day_value(*ref_);
    anchored = ref_anchored_;
  } else if (anchor_) {
    v = timex::day_value(*anchor_);
    anchored = true;
  } else {
    v.gran = TimeGranularity::kDay;
  }
  v.part = DayPart::kNone;
  v.hour = hour;
  v.minute = minute;
  return date_match(i, last, v, anchored);
}

std::optional<Match> Recognizer::next_day_of(size_t i) const {
  if (!last_cal_ || !is_day_value(*last_cal_) || last_cal_->day == 0 || last_cal_->month == 0 ||
      last_cal_->hour >= 0 || last_cal_->part != DayPart::kNone) {
    return std::nullopt;
  }
  if (!(is(i, Kw::kAnd) || is(i, Kw::kOr) || is(i, Kw::kTo) || is(i, Kw::kThrough) ||
        (dash(i) && glued(i)))) {
    return std::nullopt;
  }
  const size_t d = i + 1;
  if (!standalone_number(d) || digits(d) > 2 || num(d) <= last_cal_->day || num(d) > kMaxDayOfMonth) {
    return std::nullopt;  // a later day of the month only ("10 and 3" is no pair)
  }
  const size_t end = skip_ordinal_suffix(d + 1);
  // Not "July 10 and 11 people", nor the start of another date ("10 and 12 August").
  if (is_word(end) && !(is(end, Kw::kIn) || is(end, Kw::kAt) || is(end, Kw::kAnd) || is(end, Kw::kOf))) {
    return std::nullopt;
  }
  if (number(end) || month_at(end) != 0) return std::nullopt;
  CalValue c = *last_cal_;
  c.day = num(d);
  if (c.year &&
      !year_month_day{std::chrono::year{*c.year}, std::chrono::month{static_cast<unsigned>(c.month)},
                      std::chrono::day{static_cast<unsigned>(c.day)}}
           .ok()) {
    return std::nullopt;
  }
  return date_match(d, end, c, last_anchored_);
}

}  // namespace caspian::nlp::timex
