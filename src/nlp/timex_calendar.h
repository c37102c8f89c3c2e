// Internal to the timex recogniser: calendar arithmetic on std::chrono types
// and the TIMEX3 value strings it produces.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "caspian/document.h"
#include "nlp/timex_tokens.h"

namespace caspian::nlp::timex {

// Years the recogniser will produce: outside this range a computed value
// (e.g. "9000 years ago") is dropped rather than formatted.
inline constexpr int kMinYear = 1;
inline constexpr int kMaxYear = 9999;

// A calendar unit, possibly underspecified (a field of 0, or no year, prints
// as X's). Which fields matter depends on `gran`:
//   kDay: year-month-day (or weekday only, "XXXX-WXX-2");  kWeek: ISO year + week;
//   kMonth; kQuarter (quarter, or half with gran kYear); kSeason; kYear;
//   kDecade: `decade` (year / 10); kCentury: `century` (year / 100).
struct CalValue {
  TimeGranularity gran = TimeGranularity::kUnknown;
  std::optional<int> year;  // ISO week-numbering year when gran is kWeek
  int month = 0;            // 1..12
  int day = 0;              // 1..31
  int week = 0;             // ISO week 1..53
  int weekday = 0;          // ISO 1..7: only for a weekday without an anchor
  int quarter = 0;          // 1..4
  int half = 0;             // 1..2 (printed "H1"; gran kYear)
  Season season = Season::kNone;
  int decade = -1;       // e.g. 199 for the 1990s
  int century = -1;      // e.g. 19 for the 1900s
  bool weekend = false;  // week value "...-WE"
  DayPart part = DayPart::kNone;
  int hour = -1;  // clock time, with `minute`
  int minute = 0;
};

// TIMEX3 value of `v`: "2025-07-10", "XXXX-07-10", "2025-W33", "2025-Q3",
// "2025-H1", "2025-SU", "199", "19", "2025-08-19TMO", "2025-08-19T10:30".
[[nodiscard]] std::string format_value(const CalValue& v);

// TIMEX3 duration "P3Y", "P30Y" (decades are written in years), "PT5H",
// "PXY" when `count` is unknown (< 0).
[[nodiscard]] std::string format_duration(Unit unit, int count);

// Calendar helpers. All take and return valid dates.
[[nodiscard]] int iso_weekday(std::chrono::sys_days d) noexcept;  // 1 = Monday
[[nodiscard]] CalValue day_value(std::chrono::sys_days d);
[[nodiscard]] CalValue week_value(std::chrono::sys_days d);  // the ISO week holding d
[[nodiscard]] CalValue month_value(int year, int month);
[[nodiscard]] CalValue year_value(int year);
[[nodiscard]] CalValue quarter_value(int year, int quarter);
[[nodiscard]] CalValue season_value(int year, Season s);
// Season of the month; winter belongs to the year of its December.
void season_of(std::chrono::year_month_day d, int& year, Season& s) noexcept;
// Easter Sunday of `year` (Gregorian computus).
[[nodiscard]] std::chrono::year_month_day easter(int year) noexcept;
// The `nth` (1-based; 5 = last) `wd` (ISO) of `month` in `year`.
[[nodiscard]] std::chrono::year_month_day nth_weekday(int year, int month, int wd, int nth) noexcept;

// The unit of granularity `g` holding day `d` ("2025-08-20" at kWeek is
// "2025-W34"). kUnknown gives the day.
[[nodiscard]] CalValue at_granularity(std::chrono::sys_days d, TimeGranularity g);
// `d` moved by `n` units (years and months keep the day of month, clamped to
// the month's end; hours and finer round to whole days). nullopt when the
// result leaves [kMinYear, kMaxYear].
[[nodiscard]] std::optional<std::chrono::sys_days> add_units(std::chrono::sys_days d, Unit u, long n);
// The granularity a duration or recurrence in `u` is measured in.
[[nodiscard]] TimeGranularity unit_granularity(Unit u) noexcept;

// Moves `v` by `n` of its own granularity (days, weeks, months, quarters,
// seasons, years, decades, centuries). Underspecified values stay as they are.
// Returns nullopt when the result leaves [kMinYear, kMaxYear].
[[nodiscard]] std::optional<CalValue> shift(const CalValue& v, long n);

// The start day of a fully specified value, when it has one; used to order
// values and to serve as the reference time of anaphoric expressions.
[[nodiscard]] std::optional<std::chrono::sys_days> start_day(const CalValue& v);

}  // namespace caspian::nlp::timex
