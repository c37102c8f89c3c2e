// Timex rules for relative expressions: "last/this/next ...", weekends,
// "that day", "the ..." ("the next day", "the past year"), START/MID/END
// ("early 2024", "later this month"), "two years ago" and "three days later".
// See timex_grammar.h.
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

std::optional<Match> Recognizer::parse_relative(size_t i) {
  const Kw k = kw(i);
  const size_t j = i + 1;
  int offset = 0;
  switch (k) {
    case Kw::kLast:
    case Kw::kPast:
      offset = -1;
      break;
    case Kw::kNext:
    case Kw::kComing:
      offset = 1;
      break;
    case Kw::kThis:
    case Kw::kCurrent:
      offset = 0;
      break;
    default:
      return std::nullopt;
  }
  if (k == Kw::kCurrent && !singular_unit(j)) return std::nullopt;  // "current events"
  bool anchored = false;
  if (const int wd = weekday_at(j); wd != 0 && k != Kw::kPast && !lx(j)->ambiguous) {
    CalValue v = relative_weekday(wd, k == Kw::kComing ? 1 : offset, anchored);
    size_t last = j + 1;
    if (const Lexeme* p = lx(last); p != nullptr && p->part != DayPart::kNone && !p->is_dayref) {
      v.part = p->part;
      ++last;
    }
    return date_match(i, last, v, anchored);
  }
  if (const int m = month_at(j); m != 0 && k != Kw::kPast && k != Kw::kComing) {
    // "last Oct. 23": a month-day on the side that the modifier names.
    if (auto md = parse_month_phrase(j, true); md && md->cal && is_day_value(*md->cal)) {
      md->first = i;
      if (md->anchored) {  // no year written: choose it again
        const Dir dir = offset < 0 ? Dir::kPast : offset > 0 ? Dir::kFuture : Dir::kNearest;
        auto v = resolve_month_day(md->cal->month, md->cal->day, dir, anchored);
        if (!v) return std::nullopt;
        md->cal = *v;
      }
      return md;
    }
    if (!anchor_) return date_match(i, after_abbrev(j), unknown_year(timex::month_value(0, m)), false);
    const int am = anchor_month();
    int y = anchor_year();
    if (offset < 0 && m >= am) --y;
    if (offset > 0 && m <= am) ++y;
    return date_match(i, after_abbrev(j), timex::month_value(y, m), true);
  }
  if (const Lexeme* l = lx(j); l != nullptr && l->season != Season::kNone && k != Kw::kPast) {
    auto v = resolve_season(l->season, Dir::kNearest, offset, anchored);
    if (!v) return std::nullopt;
    return date_match(i, j + 1, *v, anchored);
  }
  // "this morning", "last night", "this afternoon"
  if (const Lexeme* l = lx(j);
      l != nullptr && l->part != DayPart::kNone && !l->is_dayref && k != Kw::kPast && k != Kw::kComing) {
    const int day_offset = k == Kw::kLast ? -1 : k == Kw::kNext ? 1 : 0;
    if ((k == Kw::kLast || k == Kw::kNext) && l->part != DayPart::kNight) return std::nullopt;
    auto v = anchor_shift(TimeGranularity::kDay, day_offset, anchored);
    if (!v) return std::nullopt;
    v->part = l->part;
    return date_match(i, j + 1, *v, anchored);
  }
  // "last week", "this year", "next month", "last weekend", "the coming decade"
  // ("the last week of May" is not last week.)
  if (singular_unit(j) && k != Kw::kPast && !(is(i - 1, Kw::kThe) && is(j + 1, Kw::kOf))) {
    const Unit u = unit_at(j);
    if (u == Unit::kWeekend) return weekend_match(i, j + 1, offset);
    TimeGranularity g = timex::unit_granularity(u);
    if (g == TimeGranularity::kUnknown || g == TimeGranularity::kDay) return std::nullopt;
    if (u == Unit::kFortnight) return std::nullopt;
    auto v = anchor_shift(g, offset, anchored);
    if (!v) return std::nullopt;
    return date_match(i, j + 1, *v, anchored);
  }
  return std::nullopt;
}

std::optional<Match> Recognizer::weekend_match(size_t first, size_t last, std::optional<int> offset) {
  bool anchored = false;
  if (!anchor_) {
    CalValue v;
    v.gran = TimeGranularity::kWeek;
    v.weekend = true;
    return date_match(first, last, v, false);
  }
  anchored = true;
  constexpr int kSaturday = 6;
  const bool in_weekend = timex::iso_weekday(*anchor_) >= kSaturday;
  long weeks = 0;
  if (offset) {
    weeks = *offset;
    if (in_weekend && *offset < 0) weeks = -1;
  } else {
    const Dir dir = dir_for(first, last, Dir::kPast, true);
    weeks = (dir == Dir::kFuture || in_weekend) ? 0 : -1;
  }
  auto v = timex::shift(timex::week_value(*anchor_), weeks);
  if (!v) return std::nullopt;
  v->weekend = true;
  return date_match(first, last, *v, anchored);
}

std::optional<Match> Recognizer::parse_that(size_t i) {
  const size_t j = i + 1;
  if (!singular_unit(j) && !(lx(j) != nullptr && lx(j)->part != DayPart::kNone && !lx(j)->is_dayref)) {
    return std::nullopt;
  }
  return anaphoric(i, j, 0);
}

std::optional<Match> Recognizer::anaphoric(size_t first, size_t j, long n) {
  const auto ref = reference_day();
  const Lexeme* l = lx(j);
  if (l == nullptr) return std::nullopt;
  Unit u = l->unit;
  DayPart part = DayPart::kNone;
  if (u == Unit::kNone && l->part != DayPart::kNone) {
    u = Unit::kDay;
    part = l->part;
  }
  const TimeGranularity g = timex::unit_granularity(u);
  if (g == TimeGranularity::kUnknown || u == Unit::kWeekend || u == Unit::kFortnight) return std::nullopt;
  if (!ref) {
    CalValue v;
    v.gran = g;
    v.part = part;
    return date_match(first, j + 1, v, false);
  }
  auto d = timex::add_units(*ref, u, n);
  if (!d) return std::nullopt;
  CalValue v = timex::at_granularity(*d, g);
  v.part = part;
  return date_match(first, j + 1, v, reference_anchored());
}

std::optional<Match> Recognizer::parse_the(size_t i) {
  const size_t j = i + 1;
  if (!valid(j)) return std::nullopt;
  const Lexeme* l = lx(j);
  std::optional<Match> m;
  if (l != nullptr) {
    switch (l->kw) {
      case Kw::kPrevious:
      case Kw::kFollowing:
      case Kw::kNext:
      case Kw::kSame: {
        const long n = l->kw == Kw::kPrevious ? -1 : l->kw == Kw::kSame ? 0 : 1;
        if (const int wd = weekday_at(j + 1); wd != 0 && l->kw != Kw::kSame) {
          bool anchored = false;
          m = date_match(i, j + 2, relative_weekday(wd, static_cast<int>(n), anchored), anchored);
          break;
        }
        const Lexeme* u = lx(j + 1);
        if (u == nullptr) break;
        const bool unit_ok =
            (u->unit != Unit::kNone && !u->plural) || (u->part != DayPart::kNone && !u->is_dayref);
        if (!unit_ok) break;
        // "over the next year" is a duration (see parse_span_duration).
        if (l->kw == Kw::kNext && u->unit != Unit::kDay && u->part == DayPart::kNone) break;
        m = anaphoric(i, j + 1, n);
        break;
      }
      case Kw::kEarly:
      case Kw::kLate:
      case Kw::kMid:
      case Kw::kEnd:
      case Kw::kBeginning:
      case Kw::kStart:
      case Kw::kMiddle:
        m = parse_partial(j);
        if (m) m->first = i;
        break;
      case Kw::kWeekend:
        m = weekend_match(i, j + 1, std::nullopt);
        break;
      case Kw::kCurrent:
        m = parse_relative(j);  // "the current year"
        if (m) m->first = i;
        break;
      case Kw::kLatest:
        // "the latest quarter": in earnings news, the last completed one.
        if (unit_at(j + 1) == Unit::kQuarter && singular_unit(j + 1)) m = last_quarter(i, j + 2);
        break;
      case Kw::kFuture:
        m = ref_match(i, j + 1, "FUTURE_REF");
        break;
      case Kw::kNear:
        if (is(j + 1, Kw::kFuture)) m = ref_match(i, j + 2, "FUTURE_REF");
        break;
      case Kw::kPresent:
        m = ref_match(i, j + 1, "PRESENT_REF");
        break;
      case Kw::kPast:
        // "the past" as a time; "the past three years" is parse_span_duration's.
        if (!valid(j + 1) || !is_word(j + 1) ||
            (lx(j + 1) != nullptr && lx(j + 1)->unit == Unit::kNone && lx(j + 1)->cardinal == 0 &&
             lx(j + 1)->kw != Kw::kFew && lx(j + 1)->kw != Kw::kSeveral && lx(j + 1)->kw != Kw::kMany &&
             lx(j + 1)->kw != Kw::kCouple && lx(j + 1)->kw != Kw::kApprox)) {
          m = ref_match(i, j + 1, "PAST_REF");
        }
        break;
      case Kw::kYear:
        if (year_at(j + 1, kMinDateYear, kMaxDateYear)) {
          m = date_match(i, j + 2, timex::year_value(num(j + 1)), false);
        }
        break;
      case Kw::kDay:
        // "the day before yesterday", "the day after tomorrow"
        if (is(j + 1, Kw::kBefore) && lx(j + 2) != nullptr && lx(j + 2)->is_dayref &&
            lx(j + 2)->day_offset == -1) {
          bool anchored = false;
          if (auto v = anchor_shift(TimeGranularity::kDay, -2, anchored)) {
            m = date_match(i, j + 3, *v, anchored);
          }
        } else if (is(j + 1, Kw::kAfter) && lx(j + 2) != nullptr && lx(j + 2)->is_dayref &&
                   lx(j + 2)->day_offset == 1) {
          bool anchored = false;
          if (auto v = anchor_shift(TimeGranularity::kDay, 2, anchored)) {
            m = date_match(i, j + 3, *v, anchored);
          }
        }
        break;
      default:
        break;
    }
    if (!m && (l->kw == Kw::kLast || l->kw == Kw::kFirst) && unit_at(j + 1) != Unit::kNone &&
        is(j + 2, Kw::kOf)) {
      // "the last week of May" (END), "the first days of 2025" (START)
      const Unit u = unit_at(j + 1);
      if (u == Unit::kDay || u == Unit::kWeek || u == Unit::kMonth || u == Unit::kWeekend) {
        if (auto core = parse_date_core(j + 3, true); core && core->cal && !core->is_ref &&
                                                      core->mod.empty() &&
                                                      core->cal->gran != TimeGranularity::kDay) {
          core->first = i;
          core->mod = l->kw == Kw::kLast ? "END" : "START";
          m = std::move(core);
        }
      }
    }
    if (!m && l->unit == Unit::kQuarter && !l->plural && !is(j + 1, Kw::kOf) &&
        (is(i - 1, Kw::kFor) || is(i - 1, Kw::kIn) || is(i - 1, Kw::kDuring))) {
      m = last_quarter(i, j + 1);  // "profit for the quarter"
    }
    if (!m && l->unit == Unit::kWeek && !l->plural && is(j + 1, Kw::kOf)) {
      // "the week of March 6"
      if (auto d = parse_date_core(j + 2, true); d && d->cal && is_day_value(*d->cal)) {
        if (auto start = timex::start_day(*d->cal)) {
          m = date_match(i, d->last, timex::week_value(*start), d->anchored);
        } else {
          CalValue v;
          v.gran = TimeGranularity::kWeek;
          m = date_match(i, d->last, v, false);
        }
      }
    }
    if (!m && l->season != Season::kNone) {
      // "the summer (of 2025)": "the" vouches, except for "fall" ("the fall of Rome"),
      // which needs a preposition before "the".
      const bool fall = word_is(j, "fall") || word_is(j, "spring");
      const bool prep = is(i - 1, Kw::kIn) || is(i - 1, Kw::kDuring) || is(i - 1, Kw::kBy) ||
                        is(i - 1, Kw::kUntil) || is(i - 1, Kw::kSince) || is(i - 1, Kw::kThrough) ||
                        is(i - 1, Kw::kOver);
      if (auto season = parse_season(j, !fall || prep)) {
        m = std::move(season);
        m->first = i;
      }
    }
  }
  if (!m) {
    // "the 1990s", "the '90s", "the nineties", "the 20th century", "the third quarter",
    // "the first half of 2025"
    std::optional<Match> core;
    if (number(j) || punct(j, '\'') || (l != nullptr && l->decade_word != 0)) core = parse_decade(j, true);
    if (!core && number(j) && digits(j) <= 2 && glued(j + 1) && skip_ordinal_suffix(j + 1) == j + 2 &&
        is(j + 2, Kw::kCentury) && num(j) >= 1) {
      core = century_match(j, j + 3, num(j));
    }
    if (!core && l != nullptr && l->ordinal != 0) core = parse_ordinal_period(j);
    if (!core && l != nullptr && (l->kw == Kw::kLast) && is(j + 1, Kw::kHalf) && is(j + 2, Kw::kOf)) {
      auto q = quarter_tail(j, j + 2, 0, 2);  // "the last half of 1989"
      if (q && q->last > j + 3) core = std::move(q);
    }
    if (core) {
      core->first = i;
      m = std::move(core);
    }
  }
  return m;
}

std::optional<Match> Recognizer::last_quarter(size_t first, size_t last) {
  bool anchored = false;
  auto v = anchor_shift(TimeGranularity::kQuarter, -1, anchored);
  if (!v) return std::nullopt;
  return date_match(first, last, *v, anchored);
}

std::optional<Match> Recognizer::parse_partial(size_t i) {
  const Kw k = kw(i);
  std::string_view mod;
  size_t j = i + 1;
  switch (k) {
    case Kw::kEarly:
      mod = "START";
      break;
    case Kw::kLate:
      mod = "END";
      break;
    case Kw::kMid:
      mod = "MID";
      break;
    case Kw::kEarlier:
      mod = "START";
      break;
    case Kw::kLater:
      mod = "END";
      break;
    case Kw::kEnd:
    case Kw::kBeginning:
    case Kw::kStart:
    case Kw::kMiddle:
      mod = k == Kw::kEnd ? "END" : k == Kw::kMiddle ? "MID" : "START";
      if (!is(j, Kw::kOf)) return std::nullopt;
      ++j;
      break;
    default:
      return std::nullopt;
  }
  if ((k == Kw::kMid || k == Kw::kEarly || k == Kw::kLate) && dash(j) && glued(j)) ++j;
  std::optional<Match> core;
  if (k == Kw::kEarlier || k == Kw::kLater) {
    // Only "earlier this year", "later that day", "earlier today", "later in the week".
    const Kw n = kw(j);
    const Lexeme* nl = lx(j);
    if (n == Kw::kThis || n == Kw::kThat || (nl != nullptr && nl->is_dayref)) {
      core = parse_date_core(j, true);
    } else if (n == Kw::kIn && is(j + 1, Kw::kThe) && singular_unit(j + 2)) {
      core = current_period(j, j + 2);
    }
  } else if ((k == Kw::kEnd || k == Kw::kBeginning || k == Kw::kStart || k == Kw::kMiddle) &&
             is(j, Kw::kThe) && singular_unit(j + 1) && !is(j + 2, Kw::kOf)) {
    core = current_period(j, j + 1);  // "the end of the year"
  } else {
    core = parse_date_core(j, true);
  }
  if (!core || !core->cal || core->is_ref) return std::nullopt;
  core->first = i;
  core->mod = std::string(mod);
  return core;
}

std::optional<Match> Recognizer::current_period(size_t first, size_t unit_tok) {
  const TimeGranularity g = timex::unit_granularity(unit_at(unit_tok));
  if (g == TimeGranularity::kUnknown || g == TimeGranularity::kDay) return std::nullopt;
  bool anchored = false;
  auto v = anchor_shift(g, 0, anchored);
  if (!v) return std::nullopt;
  return date_match(first, unit_tok + 1, *v, anchored);
}

std::optional<Match> Recognizer::ago(size_t first, size_t last, Unit unit, int count, int sign) {
  if (count < 0) return ref_match(first, last, sign < 0 ? "PAST_REF" : "FUTURE_REF");
  TimeGranularity g = timex::unit_granularity(unit);
  if (g == TimeGranularity::kDecade || g == TimeGranularity::kCentury) g = TimeGranularity::kYear;
  if (g == TimeGranularity::kUnknown) g = TimeGranularity::kDay;  // hours ago: that day
  if (!anchor_) {
    CalValue v;
    v.gran = g;
    return date_match(first, last, v, false);
  }
  auto d = timex::add_units(*anchor_, unit, static_cast<long>(sign) * count);
  if (!d) return std::nullopt;
  return date_match(first, last, timex::at_granularity(*d, g), true);
}

std::optional<Match> Recognizer::later(size_t first, size_t last, Unit unit, int n) {
  const TimeGranularity ug = timex::unit_granularity(unit);
  TimeGranularity g = ref_ ? ref_gran_ : TimeGranularity::kUnknown;
  if (g == TimeGranularity::kUnknown) g = ug == TimeGranularity::kUnknown ? TimeGranularity::kDay : ug;
  if (g == TimeGranularity::kDecade || g == TimeGranularity::kCentury) g = TimeGranularity::kYear;
  const auto ref = reference_day();
  if (!ref) {
    CalValue v;
    v.gran = g;
    return date_match(first, last, v, false);
  }
  auto d = timex::add_units(*ref, unit, n);
  if (!d) return std::nullopt;
  return date_match(first, last, timex::at_granularity(*d, g), reference_anchored());
}

}  // namespace caspian::nlp::timex
