// Timex rules for durations and sets: counts ("three", "a few"), count +
// unit ("three decades", "10-year"), durations after "the past/next", plural
// units alone ("for years"), modified durations ("about two years"), sets
// ("daily", "every Tuesday") and PRESENT_REF & co ("now", "recently").
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

std::optional<Match> Recognizer::parse_span_duration(size_t i) {
  size_t j = i;
  if (is(j, Kw::kThe)) ++j;
  const Kw k = kw(j);
  if (k != Kw::kPast && k != Kw::kLast && k != Kw::kNext && k != Kw::kComing && k != Kw::kRecent) {
    return std::nullopt;
  }
  const bool with_the = j > i;
  ++j;
  // "the past three years", "the next few days"
  if (auto c = parse_count(j); c && c->value != 1 && !c->article) {
    const size_t u = c->end;
    const Unit unit = unit_at(u);
    if (unit != Unit::kNone && unit != Unit::kWeekend && plural_unit(u)) {
      Match m = literal_match(i, u + 1, TimeType::kDuration, timex::format_duration(unit, c->value),
                              timex::unit_granularity(unit));
      if (c->approx) m.mod = "APPROX";
      return m;
    }
    return std::nullopt;
  }
  const Unit unit = unit_at(j);
  if (unit == Unit::kNone || unit == Unit::kWeekend) return std::nullopt;
  if (plural_unit(j)) {
    // "recent years", "the coming weeks", "the past months"
    if (k == Kw::kLast && !with_the) return std::nullopt;
    return literal_match(i, j + 1, TimeType::kDuration, timex::format_duration(unit, -1),
                         timex::unit_granularity(unit));
  }
  // Singular: "the past year" is a duration; "last year" (no "the") a date;
  // "the last day (of the talks)" and "the last week of May" are neither.
  if (k == Kw::kRecent || k == Kw::kComing) return std::nullopt;
  if (is(j + 1, Kw::kOf) || (k == Kw::kLast && unit == Unit::kDay)) return std::nullopt;
  if (!with_the && k != Kw::kPast) return std::nullopt;
  if (k == Kw::kNext && !(is(i - 1, Kw::kOver) || is(i - 1, Kw::kDuring) || is(i - 1, Kw::kWithin) ||
                          is(i - 1, Kw::kFor) || is(i - 1, Kw::kIn))) {
    return std::nullopt;
  }
  return literal_match(i, j + 1, TimeType::kDuration, timex::format_duration(unit, 1),
                       timex::unit_granularity(unit));
}

std::optional<Recognizer::Count> Recognizer::parse_count(size_t i) const {
  Count c;
  if (number(i)) {
    if (!standalone_number(i) && !(glued(i) && punct(i - 1, '('))) {
      return std::nullopt;
    }
    if (digits(i) > 4 || num(i) > kMaxCount) return std::nullopt;
    c.value = num(i);
    c.end = i + 1;
    return c;
  }
  const Lexeme* l = lx(i);
  if (l == nullptr) return std::nullopt;
  if (l->cardinal != 0) {
    c.value = l->cardinal;
    c.end = i + 1;
    constexpr int kTens = 20;
    if (l->cardinal >= kTens && l->cardinal % kYearsPerDecade == 0 && dash(i + 1) && glued(i + 1) &&
        glued(i + 2) && lx(i + 2) != nullptr && lx(i + 2)->cardinal >= 1 && lx(i + 2)->cardinal <= 9) {
      c.value += lx(i + 2)->cardinal;  // "twenty-five"
      c.end = i + 3;
    }
    return c;
  }
  switch (l->kw) {
    case Kw::kA:
    case Kw::kAn:
      if (is(i + 1, Kw::kFew)) {
        c.end = i + 2;
        return c;
      }
      if (is(i + 1, Kw::kCouple) && is(i + 2, Kw::kOf)) {
        c.value = 2;
        c.approx = true;
        c.end = i + 3;
        return c;
      }
      if (is(i + 1, Kw::kDozen)) {
        c.value = 12;
        c.end = i + 2;
        return c;
      }
      c.value = 1;
      c.article = true;
      c.end = i + 1;
      return c;
    case Kw::kFew:
    case Kw::kSeveral:
    case Kw::kMany:
      c.end = i + 1;
      return c;
    default:
      return std::nullopt;
  }
}

std::optional<Match> Recognizer::parse_quantity(size_t i) {
  auto c = parse_count(i);
  if (!c) return std::nullopt;
  size_t u = c->end;
  bool adjective = false;
  if (dash(u) && glued(u) && glued(u + 1) && singular_unit(u + 1) && c->value >= 0) {
    if (t_[u + 1].upper_initial) return std::nullopt;  // "the Six-Day War": a name
    ++u;                                               // "10-year", "two-day"
    adjective = true;
  }
  const Unit unit = unit_at(u);
  if (unit == Unit::kNone) return std::nullopt;
  if (c->value < 0 && !plural_unit(u)) return std::nullopt;      // "several year"
  if (unit == Unit::kSecond && c->article) return std::nullopt;  // "a second"
  // "60 Minutes", "24 Hours of Le Mans": a capitalised unit after a number is a title.
  if (t_[u].upper_initial && !t_[u].all_upper && !capital(i)) return std::nullopt;
  if (unit == Unit::kQuarter && is(u + 1, Kw::kOf)) return std::nullopt;  // "a quarter of the vote"
  size_t last = u + 1;
  if (adjective && dash(last) && glued(last)) {
    if (is(last + 1, Kw::kOld)) return std::nullopt;  // "10-year-old": an age
    if (is(last + 1, Kw::kLong)) last += 2;           // "two-year-long"
  }
  if (is(last, Kw::kOld)) return std::nullopt;  // "five years old"
  if (glued(last) && (is_word(last) || number(last))) return std::nullopt;
  // Relative dates.
  if (!adjective) {
    if (is(last, Kw::kAgo)) return ago(i, last + 1, unit, c->value, -1);
    if (is(last, Kw::kFrom) && is(last + 1, Kw::kNow)) return ago(i, last + 2, unit, c->value, 1);
    if ((is(last, Kw::kEarlier) || is(last, Kw::kLater)) && !is(last + 1, Kw::kThan) && c->value >= 0 &&
        !(is(last, Kw::kEarlier) && is(last + 1, Kw::kThis))) {
      return later(i, last + 1, unit, is(last, Kw::kLater) ? c->value : -c->value);
    }
  }
  if (c->article && !duration_context(i)) return std::nullopt;  // "twice a year", "$5 a day"
  if (unit == Unit::kWeekend) return std::nullopt;
  Match m = literal_match(i, last, TimeType::kDuration, timex::format_duration(unit, c->value),
                          timex::unit_granularity(unit));
  if (c->approx) m.mod = "APPROX";
  return m;
}

bool Recognizer::duration_context(size_t i) const {
  switch (kw(i - 1)) {
    case Kw::kFor:
    case Kw::kWithin:
    case Kw::kThan:
    case Kw::kApprox:
    case Kw::kNearly:
    case Kw::kOver:
    case Kw::kIn:
    case Kw::kAfter:
    case Kw::kLeast:
    case Kw::kMost:
    case Kw::kTo:
    case Kw::kPast:
    case Kw::kLast:
    case Kw::kNext:
      return true;
    default:
      return false;
  }
}

std::optional<Match> Recognizer::parse_bare_units(size_t i) {
  const Unit unit = unit_at(i);
  if (unit == Unit::kWeekend || unit == Unit::kSecond) return std::nullopt;
  if (is(i + 1, Kw::kAgo)) return ref_match(i, i + 2, "PAST_REF");
  if (dash(i + 1) && glued(i + 1) && is(i + 2, Kw::kLong) && glued(i + 2)) {
    return literal_match(i, i + 3, TimeType::kDuration, timex::format_duration(unit, -1),
                         timex::unit_granularity(unit));
  }
  if (is(i - 1, Kw::kFor) || is(i - 1, Kw::kWithin)) {
    return literal_match(i, i + 1, TimeType::kDuration, timex::format_duration(unit, -1),
                         timex::unit_granularity(unit));
  }
  return std::nullopt;
}

std::optional<Match> Recognizer::parse_modified(size_t i) {
  const Kw k = kw(i);
  size_t j = i + 1;
  std::string_view mod;
  bool dates_ok = false;
  switch (k) {
    case Kw::kApprox:
      mod = "APPROX";
      dates_ok = !word_is(i, "some");
      break;
    case Kw::kNearly:
      mod = "LESS_THAN";
      break;
    case Kw::kMore:
    case Kw::kLess:
      if (!is(j, Kw::kThan)) return std::nullopt;
      mod = k == Kw::kMore ? "MORE_THAN" : "LESS_THAN";
      ++j;
      break;
    case Kw::kOver:
      if (!number(j) && (lx(j) == nullptr || lx(j)->cardinal == 0)) {
        return std::nullopt;  // "over the past ..."
      }
      mod = "MORE_THAN";
      break;
    case Kw::kAt:
      if (is(j, Kw::kLeast)) {
        mod = "EQUAL_OR_MORE";
      } else if (is(j, Kw::kMost)) {
        mod = "EQUAL_OR_LESS";
      } else {
        return std::nullopt;
      }
      ++j;
      break;
    case Kw::kUp:
      if (!is(j, Kw::kTo)) return std::nullopt;
      mod = "EQUAL_OR_LESS";
      ++j;
      break;
    default:
      return std::nullopt;
  }
  std::optional<Match> core = parse_quantity(j);
  core = longer(std::move(core), parse_span_duration(j));
  if (!core && dates_ok) {
    core = parse_date_core(j, false);
    if (core && (!core->cal || core->is_ref)) core.reset();
  }
  if (!core) return std::nullopt;
  core->first = i;
  if (core->type == TimeType::kDuration) {
    core->mod = std::string(mod);
  } else if (core->is_ref) {
    // "more than a few years ago": keep the REF
  } else if (core->cal) {
    // A date reached through "ago": "more than two years ago" lies before the
    // computed date, "less than"/"nearly" after it.
    if (mod == "MORE_THAN" || mod == "EQUAL_OR_MORE") {
      core->mod = is(core->last - 1, Kw::kAgo) ? "BEFORE" : "AFTER";
    } else if (mod == "LESS_THAN" || mod == "EQUAL_OR_LESS") {
      core->mod = is(core->last - 1, Kw::kAgo) ? "AFTER" : "BEFORE";
    } else {
      core->mod = "APPROX";
    }
  }
  return core;
}

std::optional<Match> Recognizer::parse_set_word(size_t i) {
  const Unit u = lx(i)->set_unit;
  return literal_match(i, i + 1, TimeType::kSet, timex::format_duration(u, 1), timex::unit_granularity(u));
}

std::optional<Match> Recognizer::parse_every(size_t i) {
  size_t j = i + 1;
  if (const int wd = weekday_at(j); wd != 0 && !lx(j)->ambiguous) {
    CalValue v;
    v.gran = TimeGranularity::kDay;
    v.weekday = wd;
    Match m = date_match(i, j + 1, v, false);
    m.type = TimeType::kSet;
    return m;
  }
  if (const int mo = month_at(j); mo != 0) {
    Match m = date_match(i, after_abbrev(j), unknown_year(timex::month_value(0, mo)), false);
    m.type = TimeType::kSet;
    return m;
  }
  int n = 1;
  if (word_is(j, "other")) {
    n = 2;
    ++j;
  } else if (auto c = parse_count(j); c && c->value > 1 && !c->article) {
    n = c->value;
    j = c->end;
  }
  const Unit u = unit_at(j);
  if (u == Unit::kNone || u == Unit::kWeekend) return std::nullopt;
  if ((n == 1) != !plural_unit(j)) return std::nullopt;
  return literal_match(i, j + 1, TimeType::kSet, timex::format_duration(u, n), timex::unit_granularity(u));
}

std::optional<Match> Recognizer::parse_ref_word(size_t i) {
  switch (kw(i)) {
    case Kw::kNow:
      if (glued(i + 1) && punct(i + 1, '-')) return std::nullopt;  // "now-defunct"
      return ref_match(i, i + 1, "PRESENT_REF");
    case Kw::kCurrently:
    case Kw::kNowadays:
      return ref_match(i, i + 1, "PRESENT_REF");
    case Kw::kRecently:
      return ref_match(i, i + 1, "PAST_REF");
    case Kw::kThese:
      if (word_is(i + 1, "days")) return ref_match(i, i + 2, "PRESENT_REF");
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace caspian::nlp::timex
