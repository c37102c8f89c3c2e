// Timex rules: tense cues near an expression, the document's numeric date
// order, and the resolution of underspecified dates (a month, day, weekday or
// season without a year) against the anchor date. See timex_grammar.h.
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

Cue Recognizer::cue_near(size_t first, size_t last, size_t back, size_t ahead) const {
  if (is(first - 1, Kw::kAs) && (is(first - 2, Kw::kSoon) || is(first - 2, Kw::kEarly)) &&
      is(first - 3, Kw::kAs)) {
    return Cue::kFuture;
  }
  size_t words = 0;
  for (size_t j = first; j-- > 0 && words < back;) {
    if (t_[j + 1].newline_before || sentence_end(j)) break;
    if (!is_word(j)) continue;
    ++words;
    if (const Cue c = cue_of(j); c != Cue::kNone) return c;
  }
  words = 0;
  for (size_t j = last; valid(j) && words < ahead; ++j) {
    if (t_[j].newline_before || sentence_end(j)) break;
    if (!is_word(j)) continue;
    ++words;
    if (const Cue c = cue_of(j); c != Cue::kNone) return c;
  }
  return Cue::kNone;
}

Cue Recognizer::cue_of(size_t j) const {
  Cue c = Cue::kNone;
  if (const Lexeme* l = lx(j)) {
    c = l->cue;
    if (c == Cue::kFuture && word_is(j, "would") && word_is(j + 1, "have")) return Cue::kPast;
  } else {
    constexpr size_t kMinEdWord = 5;
    const std::string_view w = str(j);
    if (w.size() >= kMinEdWord && !t_[j].upper_initial && w.ends_with("ed") && !w.ends_with("eed")) {
      c = Cue::kPast;
    }
  }
  if (c == Cue::kPast && (word_is(j - 1, "be") || word_is(j - 1, "been") || word_is(j - 1, "being"))) {
    return Cue::kNone;  // a participle: the auxiliary further back decides
  }
  return c;
}

Dir Recognizer::dir_for(size_t first, size_t last, Dir fallback, bool wide) const {
  const size_t back = wide ? kCueWindowBack : kNarrowCueWindowBack;
  const size_t ahead = wide ? kCueWindowAhead : kNarrowCueWindowAhead;
  switch (cue_near(first, last, back, ahead)) {
    case Cue::kFuture:
      return Dir::kFuture;
    case Cue::kPast:
      return Dir::kPast;
    case Cue::kNone:
      break;
  }
  return fallback;
}

void Recognizer::scan_date_order() {
  int day_first = 0;
  int month_first = 0;
  for (size_t i = 0; i + 4 < t_.size(); ++i) {
    if (number(i) && digits(i) <= 2) {
      if (month_at(i + 1) != 0 && num(i) >= 1 && num(i) <= kMaxDayOfMonth) day_first += kWeakVote;
      const char sep = t_[i + 1].punct;
      if ((sep == '/' || sep == '.' || sep == '-') && glued(i + 1) && number(i + 2) && glued(i + 2) &&
          digits(i + 2) <= 2 && punct(i + 3, sep) && glued(i + 3) && number(i + 4) && glued(i + 4) &&
          digits(i + 4) == 4) {
        const int a = num(i), b = num(i + 2);
        if (a > kMonthsPerYear && b <= kMonthsPerYear) day_first += kStrongVote;
        if (b > kMonthsPerYear && a <= kMonthsPerYear) month_first += kStrongVote;
      }
    } else if (month_at(i) != 0) {
      const size_t j = after_abbrev(i);
      if (number(j) && digits(j) <= 2 && num(j) >= 1 && num(j) <= kMaxDayOfMonth) month_first += kWeakVote;
    }
  }
  month_first_ = month_first > day_first;
}

CalValue Recognizer::resolve_month(int m, Dir dir, bool& anchored) const {
  if (!anchor_) return unknown_year(timex::month_value(0, m));
  const long a = static_cast<long>(anchor_year()) * kMonthsPerYear + anchor_month() - 1;
  std::vector<long> cands;
  for (int dy = -1; dy <= 1; ++dy) {
    cands.push_back(static_cast<long>(anchor_year() + dy) * kMonthsPerYear + m - 1);
  }
  const auto idx = pick(cands, dir, [&](long c) { return c - a; });
  anchored = true;
  const long i = idx.value_or(cands[1]);
  return timex::month_value(static_cast<int>(i / kMonthsPerYear), static_cast<int>(i % kMonthsPerYear) + 1);
}

std::optional<CalValue> Recognizer::resolve_month_day(int m, int d, Dir dir, bool& anchored) const {
  const std::chrono::month_day md{std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!md.ok()) return std::nullopt;
  if (!anchor_) {
    CalValue v;
    v.gran = TimeGranularity::kDay;
    v.month = m;
    v.day = d;
    return v;
  }
  std::vector<sys_days> cands;
  for (int dy = -1; dy <= 1; ++dy) {
    const year_month_day ymd{std::chrono::year{anchor_year() + dy} / md};
    if (ymd.ok()) cands.push_back(sys_days{ymd});
  }
  const auto best = pick(cands, dir, [&](sys_days c) { return static_cast<long>((c - *anchor_).count()); });
  if (!best) return std::nullopt;
  anchored = true;
  return timex::day_value(*best);
}

CalValue Recognizer::resolve_weekday(int wd, Dir dir, bool& anchored) const {
  if (!anchor_) {
    CalValue v;
    v.gran = TimeGranularity::kDay;
    v.weekday = wd;
    return v;
  }
  anchored = true;
  const int aw = timex::iso_weekday(*anchor_);
  if (dir == Dir::kFuture) {
    return timex::day_value(*anchor_ + days{(wd - aw + kDaysPerWeek) % kDaysPerWeek});
  }
  return timex::day_value(*anchor_ - days{(aw - wd + kDaysPerWeek) % kDaysPerWeek});
}

CalValue Recognizer::relative_weekday(int wd, int offset, bool& anchored) const {
  if (!anchor_) {
    CalValue v;
    v.gran = TimeGranularity::kDay;
    v.weekday = wd;
    return v;
  }
  anchored = true;
  const int aw = timex::iso_weekday(*anchor_);
  if (offset < 0) {
    int back = (aw - wd + kDaysPerWeek) % kDaysPerWeek;
    if (back == 0) back = kDaysPerWeek;
    return timex::day_value(*anchor_ - days{back});
  }
  if (offset > 0) {
    int fwd = (wd - aw + kDaysPerWeek) % kDaysPerWeek;
    if (fwd == 0) fwd = kDaysPerWeek;
    return timex::day_value(*anchor_ + days{fwd});
  }
  return timex::day_value(*anchor_ + days{wd - aw});
}

std::optional<CalValue> Recognizer::resolve_season(Season s, Dir dir, std::optional<int> offset,
                                                   bool& anchored) const {
  if (!anchor_) return unknown_year(timex::season_value(0, s));
  int ay = 0;
  Season as = Season::kNone;
  timex::season_of(year_month_day{*anchor_}, ay, as);
  constexpr int kSeasons = 4;
  auto index = [](int y, Season x) {
    return static_cast<long>(y) * kSeasons + static_cast<int>(x) - static_cast<int>(Season::kSpring);
  };
  const long a = index(ay, as);
  std::vector<long> cands;
  for (int dy = -1; dy <= 1; ++dy) cands.push_back(index(ay + dy, s));
  std::optional<long> chosen;
  if (offset) {
    if (*offset == 0) {
      chosen = index(ay, s);
    } else {
      for (long c : cands) {
        if (*offset < 0 && c < a) chosen = c;  // the latest before
        if (*offset > 0 && c > a && !chosen) chosen = c;
      }
    }
  } else {
    chosen = pick(cands, dir, [&](long c) { return c - a; });
  }
  if (!chosen) return std::nullopt;
  anchored = true;
  return timex::season_value(static_cast<int>(*chosen / kSeasons), s);
}

std::optional<CalValue> Recognizer::anchor_shift(TimeGranularity g, long n, bool& anchored) const {
  if (!anchor_) {
    CalValue v;
    v.gran = g;
    return v;
  }
  anchored = true;
  return timex::shift(timex::at_granularity(*anchor_, g), n);
}

}  // namespace caspian::nlp::timex
