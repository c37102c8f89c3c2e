// Internal to the timex recogniser: the grammar's shared state and rules.
//
// `Recognizer` runs the hand-written grammar over the tokens of one text. Its
// rules are spread over several files by the kind of expression they read:
//   timex.cc            the driver (trigger tokens, longest match, output with
//                       signals and suffixes) and find_time_expressions()
//   timex_resolve.cc    tense cues and the resolution of underspecified dates
//                       against the anchor (publication) date
//   timex_dates.cc      calendar dates: numeric, month and day phrases,
//                       weekdays, years, decades, seasons, quarters, clock times
//   timex_holidays.cc   named holidays
//   timex_relative.cc   "last/this/next ...", "the ...", anaphora ("the next
//                       day", "three years later", "two years ago"), START/MID/END
//   timex_durations.cc  counts and durations, modified durations, sets and
//                       PRESENT_REF & co
//
// Requires: callers construct one Recognizer per text and call run() once;
//   the text outlives it and its size fits in uint32_t (see
//   find_time_expressions, which truncates).
// Guarantees: the rules only read tokens in range (every accessor checks
//   `valid`); nesting of wrapper rules is bounded by kMaxDepth. No rule
//   throws on input (only std::bad_alloc).
// Thread safety: a Recognizer is single-threaded state; distinct instances
//   are independent (the lexicon is immutable).
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caspian/document.h"
#include "nlp/timex_calendar.h"
#include "nlp/timex_tokens.h"

namespace caspian::nlp::timex {

// Tense cues are looked for this many tokens before / after an expression,
// within its sentence.
inline constexpr size_t kCueWindowBack = 8;
inline constexpr size_t kCueWindowAhead = 3;
inline constexpr size_t kNarrowCueWindowBack = 4;
inline constexpr size_t kNarrowCueWindowAhead = 2;
// Bare years ("in 1997") must fall in this range; inside a date phrase
// ("July 4, 1776") a wider one is allowed.
inline constexpr int kMinBareYear = 1800;
inline constexpr int kMaxBareYear = 2100;
inline constexpr int kMinDateYear = 1000;
inline constexpr int kMaxDateYear = 2999;
// Counts in durations ("3 years") above this are not temporal in news text.
inline constexpr int kMaxCount = 9999;
inline constexpr int kMaxDayOfMonth = 31;
inline constexpr int kMonthsPerYear = 12;
inline constexpr int kDaysPerWeek = 7;
inline constexpr int kYearsPerDecade = 10;
inline constexpr int kYearsPerCentury = 100;
inline constexpr int kHoursPerHalfDay = 12;
inline constexpr int kMinutesPerHour = 60;
inline constexpr int kHoursPerDay = 24;
// Nesting of wrappers ("about" -> "the" -> "late" -> core).
inline constexpr int kMaxDepth = 4;
// Votes for the numeric date order: an unambiguous numeric date outweighs
// the habit shown by month-name dates.
inline constexpr int kStrongVote = 10;
inline constexpr int kWeakVote = 1;
// Clock times: "T24:00" is TIMEX3's midnight.
inline constexpr int kMidnightHour = 24;
inline constexpr int kNoonHour = 12;

enum class Dir { kNearest, kPast, kFuture };

// A recognised expression before it becomes a TimeExpression.
struct Match {
  size_t first = 0;  // token range [first, last)
  size_t last = 0;
  TimeType type = TimeType::kDate;
  std::optional<CalValue> cal;  // calendar-shaped value
  std::string literal;          // otherwise: "P3Y", "PRESENT_REF", ...
  TimeGranularity literal_gran = TimeGranularity::kUnknown;
  std::string mod;
  bool anchored = false;
  bool is_ref = false;  // PRESENT_REF & co: no signal mods
};

inline std::optional<Match> longer(std::optional<Match> a, std::optional<Match> b) {
  if (!b) return a;
  if (!a || b->last > a->last) return b;
  return a;
}

inline bool is_day_value(const CalValue& v) {
  return v.gran == TimeGranularity::kDay;
}

class Recognizer {
 public:
  Recognizer(std::string_view text, std::optional<std::chrono::year_month_day> anchor);

  std::vector<TimeExpression> run();

 private:
  // ---- token access ------------------------------------------------------
  bool valid(size_t i) const { return i < t_.size(); }
  const Lexeme* lx(size_t i) const { return valid(i) ? t_[i].lex : nullptr; }
  Kw kw(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr ? l->kw : Kw::kNone;
  }
  bool is(size_t i, Kw k) const { return kw(i) == k; }
  bool punct(size_t i, char c) const { return valid(i) && t_[i].kind == TokKind::kPunct && t_[i].punct == c; }
  bool dash(size_t i) const { return punct(i, '-'); }
  // Token i directly follows token i-1, without space.
  bool glued(size_t i) const { return valid(i) && i > 0 && !t_[i].space_before; }
  bool number(size_t i) const { return valid(i) && t_[i].kind == TokKind::kNumber; }
  bool is_word(size_t i) const { return valid(i) && t_[i].kind == TokKind::kWord; }
  bool capital(size_t i) const { return is_word(i) && t_[i].upper_initial; }
  int num(size_t i) const { return static_cast<int>(t_[i].num); }
  int digits(size_t i) const { return t_[i].digits; }
  std::string_view str(size_t i) const { return text_.substr(t_[i].begin, t_[i].end - t_[i].begin); }
  bool word_is(size_t i, std::string_view lower) const {
    if (!is_word(i)) return false;
    const std::string_view w = str(i);
    if (w.size() != lower.size()) return false;
    for (size_t k = 0; k < w.size(); ++k) {
      char c = w[k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      if (c != lower[k]) return false;
    }
    return true;
  }
  Unit unit_at(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr ? l->unit : Unit::kNone;
  }
  bool plural_unit(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr && l->unit != Unit::kNone && l->plural;
  }
  bool singular_unit(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr && l->unit != Unit::kNone && !l->plural;
  }
  // A month name usable as such: capitalised (so "may", "march" the verbs are not).
  int month_at(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr && l->month != 0 && t_[i].upper_initial ? l->month : 0;
  }
  int weekday_at(size_t i) const {
    const Lexeme* l = lx(i);
    return l != nullptr && l->weekday != 0 && t_[i].upper_initial ? l->weekday : 0;
  }
  // Index after a month or weekday word, swallowing the '.' of an abbreviation.
  size_t after_abbrev(size_t i) const {
    const Lexeme* l = lx(i);
    if (l != nullptr && l->abbrev && punct(i + 1, '.') && glued(i + 1)) return i + 2;
    return i + 1;
  }
  size_t skip_ordinal_suffix(size_t j) const {
    if (glued(j) && (is(j, Kw::kSt) || is(j, Kw::kNd) || is(j, Kw::kRd) || is(j, Kw::kTh))) return j + 1;
    return j;
  }
  bool sentence_end(size_t i) const {
    return punct(i, '.') || punct(i, '!') || punct(i, '?') || punct(i, ';');
  }
  // The number at i is part of a longer numeric run: "1,000", "3.5", "10:30", "1/2".
  bool continues_number(size_t i) const {
    const size_t j = i + 1;
    return glued(j) && (punct(j, ',') || punct(j, '.') || punct(j, ':') || punct(j, '/')) && number(j + 1) &&
           glued(j + 1);
  }
  bool continued_number(size_t i) const {
    if (!glued(i) || i < 2) return false;
    const size_t p = i - 1;
    return (punct(p, ',') || punct(p, '.') || punct(p, ':') || punct(p, '/')) && number(p - 1) && glued(p);
  }
  // A plain number: no digits, letters or numeric punctuation glued around it.
  bool standalone_number(size_t i) const {
    if (!number(i) || continues_number(i) || continued_number(i)) return false;
    if (glued(i) && (is_word(i - 1) || number(i - 1) || t_[i - 1].kind == TokKind::kOther)) return false;
    if (glued(i + 1) && number(i + 1)) return false;
    return true;
  }

  bool is_trigger(size_t i) const {
    const Tok& t = t_[i];
    if (t.kind == TokKind::kNumber) return true;
    if (t.kind == TokKind::kPunct) return t.punct == '\'';
    return t.lex != nullptr && t.lex->trigger;
  }

  // ---- context -----------------------------------------------------------

  // The tense cue closest to the expression [first, last) in its sentence,
  // looking back over up to `back` words, then ahead over up to `ahead`.
  // Cues: future auxiliaries and words ("will", "would", "scheduled", "next",
  // "as soon as", "as early as"); past auxiliaries, irregular past tenses
  // ("said", "met") and lower-case words in "-ed" ("announced"; not "-eed").
  // Participles after "be"/"been" are skipped ("would be held" is future) and
  // "would have" is past.
  Cue cue_near(size_t first, size_t last, size_t back, size_t ahead) const;
  Cue cue_of(size_t j) const;
  // Direction for an expression resolved by tense. Weekdays look further
  // for a cue than dates with a month: the verb governing "Tuesday" can be far
  // away, while a past cue far from "Jan. 14" often governs something else.
  Dir dir_for(size_t first, size_t last, Dir fallback, bool wide = false) const;

  // Decides the order of ambiguous numeric dates for the whole document.
  void scan_date_order();

  // ---- resolution helpers ------------------------------------------------

  int anchor_year() const { return static_cast<int>(std::chrono::year_month_day{*anchor_}.year()); }
  int anchor_month() const {
    return static_cast<int>(static_cast<unsigned>(std::chrono::year_month_day{*anchor_}.month()));
  }

  // Chooses among candidates the one that fits `dir` relative to the anchor:
  // `offset(c)` is c's signed distance from it (0 when c contains it). kPast
  // keeps offsets <= 0, kFuture >= 0; the smallest distance wins, the earlier
  // candidate on ties (news reports mostly look back).
  template <class Cand, class Cmp>
  static std::optional<Cand> pick(const std::vector<Cand>& cands, Dir dir, Cmp cmp) {
    std::optional<Cand> best;
    long best_dist = std::numeric_limits<long>::max();
    for (const Cand& c : cands) {
      const long d = cmp(c);
      if (dir == Dir::kPast && d > 0) continue;
      if (dir == Dir::kFuture && d < 0) continue;
      const long dist = d < 0 ? -d : d;
      // Ties go to the earlier candidate (news reports mostly look back).
      if (dist < best_dist) {
        best_dist = dist;
        best = c;
      }
    }
    return best;
  }

  // Month `m` (1..12) of an unstated year.
  CalValue resolve_month(int m, Dir dir, bool& anchored) const;

  static CalValue unknown_year(CalValue v) {
    v.year.reset();
    return v;
  }

  // Day `d` of month `m` in an unstated year. nullopt when no year has it.
  std::optional<CalValue> resolve_month_day(int m, int d, Dir dir, bool& anchored) const;

  // A weekday without "last"/"next": nearest on or before the anchor, or on
  // or after it with a future cue.
  CalValue resolve_weekday(int wd, Dir dir, bool& anchored) const;

  // "last/this/next Friday": strictly before / in the anchor's week / strictly after.
  CalValue relative_weekday(int wd, int offset, bool& anchored) const;

  // Season `s` of an unstated year (by `dir`), or with `offset` -1/0/+1 the
  // last one before the anchor's season, the one of its year, the next one after it.
  std::optional<CalValue> resolve_season(Season s, Dir dir, std::optional<int> offset, bool& anchored) const;

  // The anchor at granularity g, moved by `n` units of g.
  std::optional<CalValue> anchor_shift(TimeGranularity g, long n, bool& anchored) const;

  // The reference time for anaphora ("the next day", "two years later"): the
  // last fully specified date mentioned, else the anchor.
  std::optional<std::chrono::sys_days> reference_day() const {
    if (ref_) return ref_;
    return anchor_;
  }
  // Whether the reference time came from the publication date.
  bool reference_anchored() const { return ref_ ? ref_anchored_ : anchor_.has_value(); }

  // ---- the grammar -------------------------------------------------------

  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };

  Match date_match(size_t first, size_t last, const CalValue& v, bool anchored) const {
    Match m;
    m.first = first;
    m.last = last;
    m.cal = v;
    m.anchored = anchored;
    return m;
  }
  Match literal_match(size_t first, size_t last, TimeType type, std::string value, TimeGranularity g) const {
    Match m;
    m.first = first;
    m.last = last;
    m.type = type;
    m.literal = std::move(value);
    m.literal_gran = g;
    return m;
  }
  Match ref_match(size_t first, size_t last, std::string_view value) const {
    Match m = literal_match(first, last, TimeType::kDate, std::string(value), TimeGranularity::kUnknown);
    m.is_ref = true;
    return m;
  }

  // Everything that can start at token i.
  std::optional<Match> match_at(size_t i);

  // Calendar expressions (no durations), optionally `vouched` for by a
  // wrapper that supplies context ("late 2025", "mid-March").
  std::optional<Match> parse_date_core(size_t i, bool vouched);

  // --- numeric dates: 2025-08-20[T10:00:00Z], 2025/08/20, 20/08/2025, 08/20/2025, 20.08.2025
  std::optional<Match> parse_numeric_date(size_t i);

  // "T10:00:00.5Z", "T10:00+02:00": swallowed (the value keeps the day).
  size_t skip_iso_time(size_t j) const;

  // A four-digit year at i within [lo, hi] that is a plain number.
  bool year_at(size_t i, int lo, int hi) const;

  // --- month-first: "July 10", "Aug. 20, 2025", "July 10th", "August 2025", "August of 2025", "in March"
  std::optional<Match> parse_month_phrase(size_t i, bool vouched);

  // A month name standing alone is a date when a preposition introduces it
  // ("in March", "since May"), or, for unambiguous names, when it is not
  // followed by a capitalised word ("April Ryan", "June Carter" are names).
  bool month_supported(size_t i, const Lexeme& l) const;

  // --- day-first: "20 August 2025", "10th of July", "20 Aug"
  std::optional<Match> parse_day_month(size_t i);

  // --- weekdays: "Tuesday", "Friday morning", "Monday, Aug. 18", "Tue, 19 Aug 2025"
  std::optional<Match> parse_weekday(size_t i);

  // Words that make "Sunday X" a name rather than a date.
  bool is_title_word(size_t i) const;

  // --- years: "1997" with support
  //
  // A bare four-digit number is a year only when it lies in 1800..2100, is not
  // part of a larger number ("2,000", "2025.5", "$2025", "A2025"), is not
  // followed by a count noun ("in 2000 people") and has support:
  //   * a preceding "in", "since", "by", "from", "until"/"till", "through",
  //     "before", "after", "during", "between", "of", "for", "into", "both",
  //     "year", "early"/"late"/"mid"; a month (see the month rules);
  //   * "around"/"about" unless a word follows ("around 2000 people");
  //   * "and"/"or"/"to"/","/"-" after another year ("2019 and 2020",
  //     "2019-2021"), "back to"/"dating to" ("rose to 2000" is no year);
  //   * parentheses "(1997)"; a possessive "2025's"; a following "-" and year;
  //   * a determiner or possessive before it and a word after it ("the 1996
  //     bombing", "a 1996 law", "Iraq's 1990 invasion"): edited news writes
  //     counts of a thousand or more with a comma ("the 2,000 people").
  std::optional<Match> parse_year(size_t i, bool vouched);

  bool year_supported(size_t i) const;

  bool is_count_noun(size_t i) const;

  // --- decades and centuries: "1990s" (199), "the '90s", "the nineties", "the 1800s" (18)
  std::optional<Match> parse_decade(size_t i, bool vouched);

  bool possessive(size_t i) const;

  // --- seasons: "summer 2025", "the summer of 2025", "in spring", "last winter"
  std::optional<Match> parse_season(size_t i, bool vouched);

  // --- "Q3 2025", "Q3"
  std::optional<Match> parse_q(size_t i);

  // After "third quarter" / "first half": "of 2025", " 2025", ", 2025", "of last year", or nothing.
  std::optional<Match> quarter_tail(size_t first, size_t j, int quarter, int half);

  // --- "third quarter", "third-quarter", "first half", "20th century" (ordinal words)
  std::optional<Match> parse_ordinal_period(size_t i);

  Match century_match(size_t first, size_t last, int ordinal) const;

  // --- today, tomorrow, yesterday, tonight [+ morning/afternoon/evening/night]
  std::optional<Match> parse_dayref(size_t i);

  // --- holidays: Christmas [Day|Eve], Easter, Thanksgiving, Halloween, New Year's Day/Eve,
  // Good Friday, Labor Day, Memorial Day, Valentine's Day; optionally followed by a year.
  std::optional<Match> parse_holiday(size_t i);

  // --- "last/this/next/coming/past" + weekday | month | season | unit | part of day
  std::optional<Match> parse_relative(size_t i);

  // A weekend: -1 the last one, 0 this one, +1 the next; with no offset the
  // one just past unless a future cue is near.
  std::optional<Match> weekend_match(size_t first, size_t last, std::optional<int> offset);

  // --- "that day/week/month/year", relative to the reference time
  std::optional<Match> parse_that(size_t i);

  // The unit at j relative to the reference time, moved by `n` units.
  std::optional<Match> anaphoric(size_t first, size_t j, long n);

  // --- the ...
  std::optional<Match> parse_the(size_t i);

  // The last quarter completed before the anchor.
  std::optional<Match> last_quarter(size_t first, size_t last);

  // --- durations introduced by "the past/last/next/coming/recent":
  // "the past three years" (P3Y), "the last few days" (PXD), "the past year" (P1Y),
  // "recent years" (PXY), "the coming weeks" (PXW), "past decade".
  std::optional<Match> parse_span_duration(size_t i);

  // --- START / MID / END: "early 2024", "late last year", "mid-2024", "the end of 2025",
  // "earlier this year", "later this month", "the beginning of October"
  std::optional<Match> parse_partial(size_t i);

  // "the year", "the month", "the week" after "end of" / "earlier in": the anchor's.
  std::optional<Match> current_period(size_t first, size_t unit_tok);

  // --- counts: "3", "three", "twenty-five", "a", "a few", "several", "a couple of", "a dozen"
  struct Count {
    int value = -1;  // -1: vague ("several")
    size_t end = 0;  // token after the count
    bool article = false;
    bool approx = false;
  };
  std::optional<Count> parse_count(size_t i) const;

  // --- count + unit: "three decades" (P30Y), "two years ago" (2023), "10-year" (P10Y),
  // "three days later" (reference + 3 days), "two weeks from now", "a year earlier"
  std::optional<Match> parse_quantity(size_t i);

  // "a year" is a duration after "for", "within", "than", "about", "over", ...
  bool duration_context(size_t i) const;

  // "N units ago" (sign -1) / "N units from now" (+1): anchor-relative, at the unit's granularity
  // (decades and centuries as years: "a decade ago" is 2015).
  std::optional<Match> ago(size_t first, size_t last, Unit unit, int count, int sign);

  // "three years later", "a week earlier": relative to the reference time, at its granularity.
  std::optional<Match> later(size_t first, size_t last, Unit unit, int n);

  // --- plural units standing alone: "for years" (PXY), "decades-long", "years ago" (PAST_REF)
  std::optional<Match> parse_bare_units(size_t i);

  // --- "about two years" (APPROX), "more than a decade" (MORE_THAN), "nearly 40 years" (LESS_THAN),
  // "at least three days" (EQUAL_OR_MORE), "up to five years" (EQUAL_OR_LESS), "around 2020" (APPROX).
  std::optional<Match> parse_modified(size_t i);

  // --- sets: "daily", "weekly", "annually"
  std::optional<Match> parse_set_word(size_t i);

  // --- "every day", "each year", "every two weeks", "every Tuesday", "every July", "every other week"
  std::optional<Match> parse_every(size_t i);

  // --- "now", "currently", "nowadays", "recently", "these days"
  std::optional<Match> parse_ref_word(size_t i);

  // --- "fiscal 2025", "fiscal year 2025"
  std::optional<Match> parse_fiscal(size_t i);

  // --- "post-2020" (AFTER), "pre-2020" (BEFORE)
  std::optional<Match> parse_post_pre(size_t i);

  // --- clock times: "10 a.m.", "3:30 p.m. EDT", "10am Tuesday", "noon", "midnight"
  std::optional<Match> parse_clock(size_t i);

  // After a day-granular date ending before token i: "and 25", "-12", "to 12",
  // "or 25" name another day of the same month.
  std::optional<Match> next_day_of(size_t i) const;

  // ---- output ------------------------------------------------------------

  // A preceding signal word gives a date its mod; the signal is not in the
  // span. "since 2018" is ON_OR_AFTER (the year itself is included: "since
  // 2018" counts 2018), "before"/"prior to" BEFORE, "after" AFTER,
  // "until"/"till"/"through"/"by" ON_OR_BEFORE.
  void apply_signal(Match& m) const;

  // Trailing "onward(s)", "and beyond", "or later" (ON_OR_AFTER) and "or earlier"
  // (ON_OR_BEFORE) belong to the expression.
  void apply_suffix(Match& m) const;

  void finish(Match& m, std::vector<TimeExpression>& out);

  std::string_view text_;
  std::vector<Tok> t_;
  std::optional<std::chrono::sys_days> anchor_;
  bool month_first_ = false;
  std::optional<std::chrono::sys_days> ref_;
  TimeGranularity ref_gran_ = TimeGranularity::kUnknown;
  bool ref_anchored_ = false;
  int depth_ = 0;
  static constexpr size_t kNoToken = std::numeric_limits<size_t>::max();
  size_t cue_first_ = kNoToken;       // set while a clock time parses its day
  std::optional<CalValue> last_cal_;  // value of the expression just emitted (a date without mod)
  bool last_anchored_ = false;
};

}  // namespace caspian::nlp::timex
