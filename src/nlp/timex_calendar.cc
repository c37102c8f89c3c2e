#include "nlp/timex_calendar.h"

#include <algorithm>
#include <cstdio>

namespace caspian::nlp::timex {

namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

constexpr int kMonthsPerYear = 12;
constexpr int kQuartersPerYear = 4;
constexpr int kSeasonsPerYear = 4;
constexpr int kHalvesPerYear = 2;
constexpr int kDaysPerWeek = 7;
constexpr int kYearsPerDecade = 10;
constexpr int kYearsPerCentury = 100;
constexpr int kYearsPerMillennium = 1000;
// ISO 8601: week 1 is the week holding January 4th.
constexpr unsigned kIsoWeekAnchorDay = 4;

bool year_ok(long y) {
  return y >= kMinYear && y <= kMaxYear;
}

void append_padded(std::string& out, int value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, value);
  out += buf;
}

// Appends a two-digit field, or "XX" when it is unknown (0).
void append_field(std::string& out, int value) {
  if (value > 0) {
    append_padded(out, value, 2);
  } else {
    out += "XX";
  }
}

void append_year(std::string& out, const std::optional<int>& y) {
  if (y) {
    append_padded(out, *y, 4);
  } else {
    out += "XXXX";
  }
}

std::string_view season_code(Season s) {
  switch (s) {
    case Season::kSpring:
      return "SP";
    case Season::kSummer:
      return "SU";
    case Season::kFall:
      return "FA";
    case Season::kWinter:
      return "WI";
    case Season::kNone:
      break;
  }
  return "XX";
}

std::string_view part_code(DayPart p) {
  switch (p) {
    case DayPart::kMorning:
      return "MO";
    case DayPart::kAfternoon:
      return "AF";
    case DayPart::kEvening:
      return "EV";
    case DayPart::kNight:
      return "NI";
    case DayPart::kMidday:
      return "MI";
    case DayPart::kNone:
      break;
  }
  return "";
}

// Monday of ISO week `week` of ISO year `iso_year`.
sys_days iso_week_start(int iso_year, int week) {
  const sys_days jan4{year{iso_year} / month{1} / day{kIsoWeekAnchorDay}};
  const sys_days monday = jan4 - days{iso_weekday(jan4) - 1};
  return monday + days{static_cast<long>(week - 1) * kDaysPerWeek};
}

int season_index(Season s) {
  return static_cast<int>(s) - static_cast<int>(Season::kSpring);
}
Season season_from_index(int i) {
  return static_cast<Season>(i + static_cast<int>(Season::kSpring));
}

// Floor division and modulo, for negative shifts.
long floor_div(long a, long b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
long floor_mod(long a, long b) {
  return a - floor_div(a, b) * b;
}

}  // namespace

int iso_weekday(sys_days d) noexcept {
  return static_cast<int>(std::chrono::weekday{d}.iso_encoding());
}

CalValue day_value(sys_days d) {
  const year_month_day ymd{d};
  CalValue v;
  v.gran = TimeGranularity::kDay;
  v.year = static_cast<int>(ymd.year());
  v.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  v.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  return v;
}

CalValue week_value(sys_days d) {
  const sys_days thursday = d + days{4 - iso_weekday(d)};  // decides the ISO year
  const int iso_year = static_cast<int>(year_month_day{thursday}.year());
  CalValue v;
  v.gran = TimeGranularity::kWeek;
  v.year = iso_year;
  v.week = static_cast<int>((thursday - iso_week_start(iso_year, 1)).count() / kDaysPerWeek) + 1;
  return v;
}

CalValue month_value(int y, int m) {
  CalValue v;
  v.gran = TimeGranularity::kMonth;
  v.year = y;
  v.month = m;
  return v;
}

CalValue year_value(int y) {
  CalValue v;
  v.gran = TimeGranularity::kYear;
  v.year = y;
  return v;
}

CalValue quarter_value(int y, int q) {
  CalValue v;
  v.gran = TimeGranularity::kQuarter;
  v.year = y;
  v.quarter = q;
  return v;
}

CalValue season_value(int y, Season s) {
  CalValue v;
  v.gran = TimeGranularity::kSeason;
  v.year = y;
  v.season = s;
  return v;
}

void season_of(year_month_day d, int& y, Season& s) noexcept {
  const int m = static_cast<int>(static_cast<unsigned>(d.month()));
  y = static_cast<int>(d.year());
  if (m >= 3 && m <= 5) {
    s = Season::kSpring;
  } else if (m >= 6 && m <= 8) {
    s = Season::kSummer;
  } else if (m >= 9 && m <= 11) {
    s = Season::kFall;
  } else {
    s = Season::kWinter;
    if (m <= 2) --y;
  }
}

year_month_day easter(int y) noexcept {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int mon = (h + l - 7 * m + 114) / 31, dd = ((h + l - 7 * m + 114) % 31) + 1;
  return year{y} / month{static_cast<unsigned>(mon)} / day{static_cast<unsigned>(dd)};
}

year_month_day nth_weekday(int y, int m, int wd, int nth) noexcept {
  constexpr int kLast = 5;
  if (nth >= kLast) {
    const sys_days last{year{y} / month{static_cast<unsigned>(m)} / std::chrono::last};
    const int back = (iso_weekday(last) - wd + kDaysPerWeek) % kDaysPerWeek;
    return year_month_day{last - days{back}};
  }
  const sys_days first{year{y} / month{static_cast<unsigned>(m)} / day{1}};
  const int fwd = (wd - iso_weekday(first) + kDaysPerWeek) % kDaysPerWeek;
  return year_month_day{first + days{fwd + (nth - 1) * kDaysPerWeek}};
}

CalValue at_granularity(sys_days d, TimeGranularity g) {
  const year_month_day ymd{d};
  const int y = static_cast<int>(ymd.year());
  const int m = static_cast<int>(static_cast<unsigned>(ymd.month()));
  switch (g) {
    case TimeGranularity::kWeek:
      return week_value(d);
    case TimeGranularity::kMonth:
      return month_value(y, m);
    case TimeGranularity::kQuarter:
      return quarter_value(y, (m - 1) / 3 + 1);
    case TimeGranularity::kSeason: {
      int sy = 0;
      Season s = Season::kNone;
      season_of(ymd, sy, s);
      return season_value(sy, s);
    }
    case TimeGranularity::kYear:
      return year_value(y);
    case TimeGranularity::kDecade: {
      CalValue v;
      v.gran = g;
      v.decade = y / kYearsPerDecade;
      return v;
    }
    case TimeGranularity::kCentury: {
      CalValue v;
      v.gran = g;
      v.century = y / kYearsPerCentury;
      return v;
    }
    case TimeGranularity::kDay:
    case TimeGranularity::kUnknown:
      break;
  }
  return day_value(d);
}

std::optional<sys_days> add_units(sys_days d, Unit u, long n) {
  constexpr long kHoursPerDay = 24;
  long months = 0;
  long day_count = 0;
  switch (u) {
    case Unit::kSecond:
    case Unit::kMinute:
    case Unit::kNone:
      return d;
    case Unit::kHour:
      day_count = floor_div(n, kHoursPerDay);
      break;
    case Unit::kDay:
      day_count = n;
      break;
    case Unit::kWeekend:
    case Unit::kWeek:
      day_count = n * kDaysPerWeek;
      break;
    case Unit::kFortnight:
      day_count = 2 * n * kDaysPerWeek;
      break;
    case Unit::kMonth:
      months = n;
      break;
    case Unit::kQuarter:
      months = 3 * n;
      break;
    case Unit::kYear:
      months = n * kMonthsPerYear;
      break;
    case Unit::kDecade:
      months = n * kMonthsPerYear * kYearsPerDecade;
      break;
    case Unit::kCentury:
      months = n * kMonthsPerYear * kYearsPerCentury;
      break;
    case Unit::kMillennium:
      months = n * kMonthsPerYear * kYearsPerMillennium;
      break;
  }
  if (months == 0) {
    const sys_days r = d + days{day_count};
    const long y = static_cast<int>(year_month_day{r}.year());
    if (!year_ok(y)) return std::nullopt;
    return r;
  }
  const year_month_day ymd{d};
  const long idx = static_cast<long>(static_cast<int>(ymd.year())) * kMonthsPerYear +
                   static_cast<long>(static_cast<unsigned>(ymd.month())) - 1 + months;
  const long y = floor_div(idx, kMonthsPerYear);
  if (!year_ok(y)) return std::nullopt;
  const month m{static_cast<unsigned>(floor_mod(idx, kMonthsPerYear) + 1)};
  const year_month_day_last last{year{static_cast<int>(y)}, std::chrono::month_day_last{m}};
  const day dd = std::min(ymd.day(), last.day());
  return sys_days{year{static_cast<int>(y)} / m / dd};
}

TimeGranularity unit_granularity(Unit u) noexcept {
  switch (u) {
    case Unit::kDay:
    case Unit::kWeekend:
      return TimeGranularity::kDay;
    case Unit::kWeek:
    case Unit::kFortnight:
      return TimeGranularity::kWeek;
    case Unit::kMonth:
      return TimeGranularity::kMonth;
    case Unit::kQuarter:
      return TimeGranularity::kQuarter;
    case Unit::kYear:
      return TimeGranularity::kYear;
    case Unit::kDecade:
      return TimeGranularity::kDecade;
    case Unit::kCentury:
    case Unit::kMillennium:
      return TimeGranularity::kCentury;
    default:
      return TimeGranularity::kUnknown;
  }
}

std::string format_value(const CalValue& v) {
  std::string out;
  switch (v.gran) {
    case TimeGranularity::kDay:
      if (!v.year && v.month == 0 && v.day == 0 && v.weekday > 0) {
        out = "XXXX-WXX-";
        out += static_cast<char>('0' + v.weekday);
        break;
      }
      append_year(out, v.year);
      out += '-';
      append_field(out, v.month);
      out += '-';
      append_field(out, v.day);
      break;
    case TimeGranularity::kWeek:
      append_year(out, v.year);
      out += "-W";
      append_field(out, v.week);
      if (v.weekend) out += "-WE";
      break;
    case TimeGranularity::kMonth:
      append_year(out, v.year);
      out += '-';
      append_field(out, v.month);
      break;
    case TimeGranularity::kQuarter:
      append_year(out, v.year);
      out += "-Q";
      out += static_cast<char>('0' + v.quarter);
      break;
    case TimeGranularity::kSeason:
      append_year(out, v.year);
      out += '-';
      out += season_code(v.season);
      break;
    case TimeGranularity::kYear:
      append_year(out, v.year);
      if (v.half > 0) {
        out += "-H";
        out += static_cast<char>('0' + v.half);
      }
      break;
    case TimeGranularity::kDecade:
      if (v.decade >= 0) {
        append_padded(out, v.decade, 3);
      } else
        out = "XXX";
      break;
    case TimeGranularity::kCentury:
      if (v.century >= 0) {
        append_padded(out, v.century, 2);
      } else
        out = "XX";
      break;
    case TimeGranularity::kUnknown:
      out = "XXXX";
      break;
  }
  if (v.gran == TimeGranularity::kDay) {
    if (v.hour >= 0) {
      out += 'T';
      append_padded(out, v.hour, 2);
      out += ':';
      append_padded(out, v.minute, 2);
    } else if (v.part != DayPart::kNone) {
      out += 'T';
      out += part_code(v.part);
    }
  }
  return out;
}

std::string format_duration(Unit unit, int count) {
  // Known counts are written in the unit's base (decades and centuries in
  // years, fortnights in weeks, quarters in months) so that durations compare
  // directly; unknown counts keep the TIMEX3 unit letters ("PXDE").
  std::string_view letter;
  bool time_part = false;
  long mult = 1;
  std::string_view unknown_letter;
  switch (unit) {
    case Unit::kSecond:
      letter = "S";
      time_part = true;
      break;
    case Unit::kMinute:
      letter = "M";
      time_part = true;
      break;
    case Unit::kHour:
      letter = "H";
      time_part = true;
      break;
    case Unit::kDay:
      letter = "D";
      break;
    case Unit::kWeekend:
      letter = "D";
      mult = 2;
      unknown_letter = "WE";
      break;
    case Unit::kWeek:
      letter = "W";
      break;
    case Unit::kFortnight:
      letter = "W";
      mult = 2;
      break;
    case Unit::kMonth:
      letter = "M";
      break;
    case Unit::kQuarter:
      letter = "M";
      mult = 3;
      unknown_letter = "Q";
      break;
    case Unit::kYear:
      letter = "Y";
      break;
    case Unit::kDecade:
      letter = "Y";
      mult = kYearsPerDecade;
      unknown_letter = "DE";
      break;
    case Unit::kCentury:
      letter = "Y";
      mult = kYearsPerCentury;
      unknown_letter = "CE";
      break;
    case Unit::kMillennium:
      letter = "Y";
      mult = kYearsPerMillennium;
      unknown_letter = "ML";
      break;
    case Unit::kNone:
      return "PX";
  }
  std::string out = time_part ? "PT" : "P";
  if (count < 0) {
    out += 'X';
    out += unknown_letter.empty() ? letter : unknown_letter;
  } else {
    out += std::to_string(static_cast<long>(count) * mult);
    out += letter;
  }
  return out;
}

std::optional<CalValue> shift(const CalValue& v, long n) {
  if (!v.year && v.gran != TimeGranularity::kDecade && v.gran != TimeGranularity::kCentury) return v;
  CalValue r = v;
  switch (v.gran) {
    case TimeGranularity::kDay: {
      if (v.month == 0 || v.day == 0) return v;
      const year_month_day ymd{year{*v.year}, month{static_cast<unsigned>(v.month)},
                               day{static_cast<unsigned>(v.day)}};
      if (!ymd.ok()) return std::nullopt;
      CalValue d = day_value(sys_days{ymd} + days{n});
      if (!year_ok(*d.year)) return std::nullopt;
      d.part = v.part;
      d.hour = v.hour;
      d.minute = v.minute;
      return d;
    }
    case TimeGranularity::kWeek: {
      if (v.week == 0) return v;
      if (!year_ok(*v.year)) return std::nullopt;
      CalValue w = week_value(iso_week_start(*v.year, v.week) + days{n * kDaysPerWeek});
      if (!year_ok(*w.year)) return std::nullopt;
      w.weekend = v.weekend;
      return w;
    }
    case TimeGranularity::kMonth: {
      if (v.month == 0) return v;
      const long idx = static_cast<long>(*v.year) * kMonthsPerYear + (v.month - 1) + n;
      r.year = static_cast<int>(floor_div(idx, kMonthsPerYear));
      r.month = static_cast<int>(floor_mod(idx, kMonthsPerYear)) + 1;
      break;
    }
    case TimeGranularity::kQuarter: {
      const long idx = static_cast<long>(*v.year) * kQuartersPerYear + (v.quarter - 1) + n;
      r.year = static_cast<int>(floor_div(idx, kQuartersPerYear));
      r.quarter = static_cast<int>(floor_mod(idx, kQuartersPerYear)) + 1;
      break;
    }
    case TimeGranularity::kSeason: {
      const long idx = static_cast<long>(*v.year) * kSeasonsPerYear + season_index(v.season) + n;
      r.year = static_cast<int>(floor_div(idx, kSeasonsPerYear));
      r.season = season_from_index(static_cast<int>(floor_mod(idx, kSeasonsPerYear)));
      break;
    }
    case TimeGranularity::kYear:
      if (v.half > 0) {
        const long idx = static_cast<long>(*v.year) * kHalvesPerYear + (v.half - 1) + n;
        r.year = static_cast<int>(floor_div(idx, kHalvesPerYear));
        r.half = static_cast<int>(floor_mod(idx, kHalvesPerYear)) + 1;
      } else {
        r.year = static_cast<int>(*v.year + n);
      }
      break;
    case TimeGranularity::kDecade:
      r.decade = static_cast<int>(v.decade + n);
      if (!year_ok(static_cast<long>(r.decade) * kYearsPerDecade)) return std::nullopt;
      return r;
    case TimeGranularity::kCentury:
      r.century = static_cast<int>(v.century + n);
      if (r.century < 0 || !year_ok(static_cast<long>(r.century) * kYearsPerCentury + 1)) return std::nullopt;
      return r;
    case TimeGranularity::kUnknown:
      return v;
  }
  if (!year_ok(*r.year)) return std::nullopt;
  return r;
}

std::optional<sys_days> start_day(const CalValue& v) {
  int y = 0;
  int m = 1;
  switch (v.gran) {
    case TimeGranularity::kDecade:
      if (v.decade < 0) return std::nullopt;
      y = v.decade * kYearsPerDecade;
      break;
    case TimeGranularity::kCentury:
      if (v.century < 0) return std::nullopt;
      y = v.century * kYearsPerCentury;
      break;
    default:
      if (!v.year) return std::nullopt;
      y = *v.year;
      break;
  }
  if (!year_ok(y)) return std::nullopt;
  switch (v.gran) {
    case TimeGranularity::kDay: {
      if (v.month == 0 || v.day == 0) return std::nullopt;
      const year_month_day ymd{year{y}, month{static_cast<unsigned>(v.month)},
                               day{static_cast<unsigned>(v.day)}};
      if (!ymd.ok()) return std::nullopt;
      return sys_days{ymd};
    }
    case TimeGranularity::kWeek:
      if (v.week == 0) return std::nullopt;
      return iso_week_start(y, v.week);
    case TimeGranularity::kMonth:
      if (v.month == 0) return std::nullopt;
      m = v.month;
      break;
    case TimeGranularity::kQuarter:
      m = (v.quarter - 1) * 3 + 1;
      break;
    case TimeGranularity::kSeason: {
      constexpr int kSeasonStartMonth[] = {3, 6, 9, 12};
      m = kSeasonStartMonth[season_index(v.season) & 3];
      break;
    }
    case TimeGranularity::kYear:
      if (v.half == 2) m = 7;
      break;
    case TimeGranularity::kUnknown:
      return std::nullopt;
    default:
      break;
  }
  return sys_days{year{y} / month{static_cast<unsigned>(m)} / day{1}};
}

}  // namespace caspian::nlp::timex
