// Timex rules for named holidays (Christmas, Easter, Thanksgiving, ...),
// resolved to the holiday's date in the stated year or the one nearest the
// anchor. See timex_grammar.h.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/timex_grammar.h"

namespace caspian::nlp::timex {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

std::optional<Match> Recognizer::parse_holiday(size_t i) {
  if (!t_[i].upper_initial) return std::nullopt;
  Holiday h = lx(i)->holiday;
  size_t j = i + 1;
  auto apostrophe_s = [&](size_t k) {
    return punct(k, '\'') && glued(k) && is(k + 1, Kw::kS) && glued(k + 1);
  };
  if (h == Holiday::kChristmas) {
    if (word_is(j, "eve") && capital(j)) {
      h = Holiday::kChristmasEve;
      ++j;
    } else if (is(j, Kw::kDay) && capital(j)) {
      ++j;
    }
  } else if (h == Holiday::kEaster || h == Holiday::kThanksgiving) {
    if ((is(j, Kw::kDay) || word_is(j, "sunday")) && capital(j)) ++j;
  } else if (h == Holiday::kNone) {
    if (word_is(i, "new") && is(j, Kw::kYear) && capital(j)) {
      j += 1;
      if (apostrophe_s(j)) j += 2;
      if (word_is(j, "eve") && capital(j)) {
        h = Holiday::kNewYearsEve;
        ++j;
      } else {
        h = Holiday::kNewYear;
        if (is(j, Kw::kDay) && capital(j)) ++j;
      }
    } else if (word_is(i, "good") && word_is(j, "friday") && capital(j)) {
      h = Holiday::kGoodFriday;
      ++j;
    } else if ((word_is(i, "labor") || word_is(i, "labour")) && is(j, Kw::kDay) && capital(j)) {
      h = Holiday::kLaborDay;
      ++j;
    } else if (word_is(i, "memorial") && is(j, Kw::kDay) && capital(j)) {
      h = Holiday::kMemorialDay;
      ++j;
    } else if (word_is(i, "valentine") && apostrophe_s(j) && is(j + 2, Kw::kDay)) {
      h = Holiday::kValentines;
      j += 3;
    } else {
      return std::nullopt;
    }
  }
  // "Orthodox Easter", "Chinese New Year", "Easter Island", "Christmas Island": other days, or none.
  const auto name_word = [&](size_t k) { return capital(k) && lx(k) == nullptr; };
  if (name_word(i - 1) || name_word(j)) return std::nullopt;
  auto day_in = [h](int y) -> std::optional<sys_days> {
    using std::chrono::day;
    using std::chrono::month;
    using std::chrono::year;
    constexpr int kThursday = 4, kMonday = 1, kFourth = 4, kFirst = 1, kLast = 5;
    switch (h) {
      case Holiday::kChristmas:
        return sys_days{year{y} / month{12} / day{25}};
      case Holiday::kChristmasEve:
        return sys_days{year{y} / month{12} / day{24}};
      case Holiday::kNewYear:
        return sys_days{year{y} / month{1} / day{1}};
      case Holiday::kNewYearsEve:
        return sys_days{year{y} / month{12} / day{31}};
      case Holiday::kEaster:
        return sys_days{timex::easter(y)};
      case Holiday::kGoodFriday:
        return sys_days{timex::easter(y)} - days{2};
      case Holiday::kThanksgiving:
        return sys_days{timex::nth_weekday(y, 11, kThursday, kFourth)};
      case Holiday::kHalloween:
        return sys_days{year{y} / month{10} / day{31}};
      case Holiday::kValentines:
        return sys_days{year{y} / month{2} / day{14}};
      case Holiday::kLaborDay:
        return sys_days{timex::nth_weekday(y, 9, kMonday, kFirst)};
      case Holiday::kMemorialDay:
        return sys_days{timex::nth_weekday(y, 5, kMonday, kLast)};
      case Holiday::kNone:
        break;
    }
    return std::nullopt;
  };
  size_t y = j;
  if (punct(y, ',')) ++y;
  if (year_at(y, kMinDateYear, kMaxDateYear) && !glued(y)) {
    auto d = day_in(num(y));
    if (!d) return std::nullopt;
    return date_match(i, y + 1, timex::day_value(*d), false);
  }
  if (!anchor_) {
    // Fixed-date holidays keep month and day; movable ones stay unknown.
    CalValue v;
    v.gran = TimeGranularity::kDay;
    constexpr int kCommonYear = 2001;  // any year works for fixed dates but Feb 29
    if (auto d = day_in(kCommonYear); d && h != Holiday::kEaster && h != Holiday::kGoodFriday &&
                                      h != Holiday::kThanksgiving && h != Holiday::kLaborDay &&
                                      h != Holiday::kMemorialDay) {
      const CalValue dv = timex::day_value(*d);
      v.month = dv.month;
      v.day = dv.day;
    }
    return date_match(i, j, v, false);
  }
  std::vector<sys_days> cands;
  for (int dy = -1; dy <= 1; ++dy) {
    if (auto d = day_in(anchor_year() + dy)) cands.push_back(*d);
  }
  auto best = pick(cands, dir_for(i, j, Dir::kNearest),
                   [&](sys_days c) { return static_cast<long>((c - *anchor_).count()); });
  if (!best) return std::nullopt;
  return date_match(i, j, timex::day_value(*best), true);
}

}  // namespace caspian::nlp::timex
