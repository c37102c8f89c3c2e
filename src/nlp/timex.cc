// The timex grammar. See timex.h for the overview; the heuristics are
// documented where they are applied. In short:
//
// * Extents follow TimeML: prepositions and signals ("on", "in", "since",
//   "before") are not part of the span, but a preceding signal sets `mod`
//   (see apply_signal). Modifiers that TimeML includes are in the span:
//   "late 2025", "the past three years", "about two years", "two years ago",
//   "from 2024 onward" -> span "2024 onward".
// * Resolution of underspecified dates (news conventions; see Recognizer::dir_for):
//   - a weekday without "last"/"next"/"this" is the nearest such day on or before
//     the publication date ("said on Tuesday"), or on or after it when a future
//     cue ("will", "scheduled", "next", ...) is close by in the same sentence;
//   - a month, month-day, season or quarter without a year is the nearest one to
//     the publication date (so within about six months either way); a future cue
//     picks the nearest one on or after it, a past cue ("was", "said", "ago", ...)
//     the nearest on or before it ("clearly past": an auxiliary in the window).
// * Bare four-digit years (see parse_year) need 1800..2100 and support.
// * Numeric dates d/m/y vs m/d/y (see scan_date_order): a field over 12
//   decides; otherwise the document's own habit decides ("August 20" vs
//   "20 August", and unambiguous numeric dates); otherwise day first.
#include "nlp/timex.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "nlp/timex_calendar.h"
#include "nlp/timex_tokens.h"

namespace caspian::nlp {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;
using timex::CalValue;
using timex::Cue;
using timex::DayPart;
using timex::Holiday;
using timex::Kw;
using timex::Lexeme;
using timex::Season;
using timex::Tok;
using timex::TokKind;
using timex::Unit;

// Tense cues are looked for this many tokens before / after an expression,
// within its sentence.
constexpr size_t kCueWindowBack = 8;
constexpr size_t kCueWindowAhead = 3;
constexpr size_t kNarrowCueWindowBack = 4;
constexpr size_t kNarrowCueWindowAhead = 2;
// Bare years ("in 1997") must fall in this range; inside a date phrase
// ("July 4, 1776") a wider one is allowed.
constexpr int kMinBareYear = 1800;
constexpr int kMaxBareYear = 2100;
constexpr int kMinDateYear = 1000;
constexpr int kMaxDateYear = 2999;
// Counts in durations ("3 years") above this are not temporal in news text.
constexpr int kMaxCount = 9999;
constexpr int kMaxDayOfMonth = 31;
constexpr int kMonthsPerYear = 12;
constexpr int kDaysPerWeek = 7;
constexpr int kYearsPerDecade = 10;
constexpr int kYearsPerCentury = 100;
constexpr int kHoursPerHalfDay = 12;
constexpr int kMinutesPerHour = 60;
constexpr int kHoursPerDay = 24;
// Nesting of wrappers ("about" -> "the" -> "late" -> core).
constexpr int kMaxDepth = 4;
// Votes for the numeric date order: an unambiguous numeric date outweighs
// the habit shown by month-name dates.
constexpr int kStrongVote = 10;
constexpr int kWeakVote = 1;
// Clock times: "T24:00" is TIMEX3's midnight.
constexpr int kMidnightHour = 24;
constexpr int kNoonHour = 12;

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

std::optional<Match> longer(std::optional<Match> a, std::optional<Match> b) {
  if (!b) return a;
  if (!a || b->last > a->last) return b;
  return a;
}

bool is_day_value(const CalValue& v) {
  return v.gran == TimeGranularity::kDay;
}

class Recognizer {
 public:
  Recognizer(std::string_view text, std::optional<year_month_day> anchor)
      : text_(text), t_(timex::tokenize(text)) {
    // Anchors far outside news history are ignored, which keeps every year
    // computed from one (the anchor's +- a year or so) printable in 4 digits.
    if (anchor && anchor->ok()) {
      const int y = static_cast<int>(anchor->year());
      if (y >= kMinDateYear && y <= kMaxDateYear) anchor_ = sys_days{*anchor};
    }
    scan_date_order();
  }

  std::vector<TimeExpression> run() {
    std::vector<TimeExpression> out;
    for (size_t i = 0; i < t_.size();) {
      if (!is_trigger(i)) {
        ++i;
        continue;
      }
      depth_ = 0;
      std::optional<Match> m = match_at(i);
      if (!m || m->last <= i) {
        ++i;
        continue;
      }
      finish(*m, out);
      i = m->last;
      // "April 24 and 25", "July 10-12": the second day of the pair.
      if (std::optional<Match> second = next_day_of(i)) {
        finish(*second, out);
        i = second->last;
      }
    }
    return out;
  }

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
  Cue cue_near(size_t first, size_t last, size_t back, size_t ahead) const {
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
  Cue cue_of(size_t j) const {
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
  // Direction for an expression resolved by tense. Weekdays look further
  // for a cue than dates with a month: the verb governing "Tuesday" can be far
  // away, while a past cue far from "Jan. 14" often governs something else.
  Dir dir_for(size_t first, size_t last, Dir fallback, bool wide = false) const {
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

  // Decides the order of ambiguous numeric dates for the whole document.
  void scan_date_order() {
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

  // ---- resolution helpers ------------------------------------------------

  int anchor_year() const { return static_cast<int>(year_month_day{*anchor_}.year()); }
  int anchor_month() const {
    return static_cast<int>(static_cast<unsigned>(year_month_day{*anchor_}.month()));
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
  CalValue resolve_month(int m, Dir dir, bool& anchored) const {
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

  static CalValue unknown_year(CalValue v) {
    v.year.reset();
    return v;
  }

  // Day `d` of month `m` in an unstated year. nullopt when no year has it.
  std::optional<CalValue> resolve_month_day(int m, int d, Dir dir, bool& anchored) const {
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

  // A weekday without "last"/"next": nearest on or before the anchor, or on
  // or after it with a future cue.
  CalValue resolve_weekday(int wd, Dir dir, bool& anchored) const {
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

  // "last/this/next Friday": strictly before / in the anchor's week / strictly after.
  CalValue relative_weekday(int wd, int offset, bool& anchored) const {
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

  // Season `s` of an unstated year (by `dir`), or with `offset` -1/0/+1 the
  // last one before the anchor's season, the one of its year, the next one after it.
  std::optional<CalValue> resolve_season(Season s, Dir dir, std::optional<int> offset, bool& anchored) const {
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

  // The anchor at granularity g, moved by `n` units of g.
  std::optional<CalValue> anchor_shift(TimeGranularity g, long n, bool& anchored) const {
    if (!anchor_) {
      CalValue v;
      v.gran = g;
      return v;
    }
    anchored = true;
    return timex::shift(timex::at_granularity(*anchor_, g), n);
  }

  // The reference time for anaphora ("the next day", "two years later"): the
  // last fully specified date mentioned, else the anchor.
  std::optional<sys_days> reference_day() const {
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
  std::optional<Match> match_at(size_t i) {
    std::optional<Match> best = parse_date_core(i, false);
    const Tok& t = t_[i];
    if (t.kind == TokKind::kNumber) {
      best = longer(std::move(best), parse_quantity(i));
      best = longer(std::move(best), parse_clock(i));
    } else if (t.lex != nullptr) {
      const Lexeme& l = *t.lex;
      if (l.cardinal != 0) best = longer(std::move(best), parse_quantity(i));
      if (l.set_unit != Unit::kNone) best = longer(std::move(best), parse_set_word(i));
      if (l.unit != Unit::kNone && l.plural) best = longer(std::move(best), parse_bare_units(i));
      switch (l.kw) {
        case Kw::kA:
        case Kw::kAn:
        case Kw::kFew:
        case Kw::kSeveral:
        case Kw::kMany:
          best = longer(std::move(best), parse_quantity(i));
          break;
        case Kw::kEarly:
        case Kw::kLate:
        case Kw::kMid:
        case Kw::kEarlier:
        case Kw::kLater:
        case Kw::kEnd:
        case Kw::kBeginning:
        case Kw::kStart:
        case Kw::kMiddle:
          best = longer(std::move(best), parse_partial(i));
          break;
        case Kw::kApprox:
        case Kw::kNearly:
        case Kw::kMore:
        case Kw::kLess:
        case Kw::kOver:
        case Kw::kAt:
        case Kw::kUp:
          best = longer(std::move(best), parse_modified(i));
          break;
        case Kw::kEvery:
        case Kw::kEach:
          best = longer(std::move(best), parse_every(i));
          break;
        case Kw::kNow:
        case Kw::kCurrently:
        case Kw::kRecently:
        case Kw::kNowadays:
        case Kw::kThese:
          best = longer(std::move(best), parse_ref_word(i));
          break;
        case Kw::kNoon:
        case Kw::kMidnight:
          best = longer(std::move(best), parse_clock(i));
          break;
        case Kw::kFiscal:
          best = longer(std::move(best), parse_fiscal(i));
          break;
        case Kw::kPost:
        case Kw::kPre:
          best = longer(std::move(best), parse_post_pre(i));
          break;
        case Kw::kThe:
        case Kw::kLast:
        case Kw::kPast:
        case Kw::kNext:
        case Kw::kComing:
        case Kw::kRecent:
          best = longer(std::move(best), parse_span_duration(i));
          break;
        default:
          break;
      }
    }
    return best;
  }

  // Calendar expressions (no durations), optionally `vouched` for by a
  // wrapper that supplies context ("late 2025", "mid-March").
  std::optional<Match> parse_date_core(size_t i, bool vouched) {
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

  // --- numeric dates: 2025-08-20[T10:00:00Z], 2025/08/20, 20/08/2025, 08/20/2025, 20.08.2025
  std::optional<Match> parse_numeric_date(size_t i) {
    if (!number(i) || (glued(i) && (number(i - 1) || is_word(i - 1) || punct(i - 1, '/') ||
                                    punct(i - 1, '.') || punct(i - 1, '-') || punct(i - 1, ':')))) {
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

  // "T10:00:00.5Z", "T10:00+02:00": swallowed (the value keeps the day).
  size_t skip_iso_time(size_t j) const {
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

  // A four-digit year at i within [lo, hi] that is a plain number.
  bool year_at(size_t i, int lo, int hi) const {
    return number(i) && digits(i) == 4 && num(i) >= lo && num(i) <= hi && !continues_number(i) &&
           !(glued(i + 1) && is_word(i + 1) && !is(i + 1, Kw::kS));
  }

  // --- month-first: "July 10", "Aug. 20, 2025", "July 10th", "August 2025", "August of 2025", "in March"
  std::optional<Match> parse_month_phrase(size_t i, bool vouched) {
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

  // A month name standing alone is a date when a preposition introduces it
  // ("in March", "since May"), or, for unambiguous names, when it is not
  // followed by a capitalised word ("April Ryan", "June Carter" are names).
  bool month_supported(size_t i, const Lexeme& l) const {
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

  // --- day-first: "20 August 2025", "10th of July", "20 Aug"
  std::optional<Match> parse_day_month(size_t i) {
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

  // --- weekdays: "Tuesday", "Friday morning", "Monday, Aug. 18", "Tue, 19 Aug 2025"
  std::optional<Match> parse_weekday(size_t i) {
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
    const Dir dir =
        possessive_day ? Dir::kPast : dir_for(cue_first_ < i ? cue_first_ : i, j, Dir::kPast, true);
    CalValue v = resolve_weekday(wd, dir, anchored);
    if (const Lexeme* p = lx(j); p != nullptr && p->part != DayPart::kNone && !p->is_dayref) {
      v.part = p->part;
      last = j + 1;
    }
    return date_match(i, last, v, anchored);
  }

  // Words that make "Sunday X" a name rather than a date.
  bool is_title_word(size_t i) const {
    static constexpr std::string_view kTitles[] = {
        "times",   "telegraph", "express",  "mirror", "post",    "herald",  "independent", "mail",
        "star",    "people",    "sport",    "school", "schools", "service", "edition",     "review",
        "tribune", "observer",  "magazine", "club",   "league",  "show",    "prayers"};
    for (std::string_view w : kTitles) {
      if (word_is(i, w)) return true;
    }
    return false;
  }

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
  std::optional<Match> parse_year(size_t i, bool vouched) {
    if (!year_at(i, kMinBareYear, kMaxBareYear)) return std::nullopt;
    if (glued(i + 1) && is(i + 1, Kw::kS)) return std::nullopt;  // decade
    if (!vouched && !year_supported(i)) return std::nullopt;
    if (!vouched && is_count_noun(i + 1)) return std::nullopt;
    return date_match(i, i + 1, timex::year_value(num(i)), false);
  }

  bool year_supported(size_t i) const {
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

  bool is_count_noun(size_t i) const {
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

  // --- decades and centuries: "1990s" (199), "the '90s", "the nineties", "the 1800s" (18)
  std::optional<Match> parse_decade(size_t i, bool vouched) {
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

  bool possessive(size_t i) const {
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

  // --- seasons: "summer 2025", "the summer of 2025", "in spring", "last winter"
  std::optional<Match> parse_season(size_t i, bool vouched) {
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

  // --- "Q3 2025", "Q3"
  std::optional<Match> parse_q(size_t i) {
    if (!(t_[i].upper_initial) || !number(i + 1) || !glued(i + 1) || digits(i + 1) != 1 || num(i + 1) < 1 ||
        num(i + 1) > 4 || (glued(i) && is_word(i - 1)) ||
        (glued(i + 2) && (number(i + 2) || is_word(i + 2)))) {
      return std::nullopt;
    }
    return quarter_tail(i, i + 2, num(i + 1), 0);
  }

  // After "third quarter" / "first half": "of 2025", " 2025", ", 2025", "of last year", or nothing.
  std::optional<Match> quarter_tail(size_t first, size_t j, int quarter, int half) {
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

  // --- "third quarter", "third-quarter", "first half", "20th century" (ordinal words)
  std::optional<Match> parse_ordinal_period(size_t i) {
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

  Match century_match(size_t first, size_t last, int ordinal) const {
    CalValue v;
    v.gran = TimeGranularity::kCentury;
    v.century = ordinal - 1;
    return date_match(first, last, v, false);
  }

  // --- today, tomorrow, yesterday, tonight [+ morning/afternoon/evening/night]
  std::optional<Match> parse_dayref(size_t i) {
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

  // --- holidays: Christmas [Day|Eve], Easter, Thanksgiving, Halloween, New Year's Day/Eve,
  // Good Friday, Labor Day, Memorial Day, Valentine's Day; optionally followed by a year.
  std::optional<Match> parse_holiday(size_t i) {
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

  // --- "last/this/next/coming/past" + weekday | month | season | unit | part of day
  std::optional<Match> parse_relative(size_t i) {
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

  // A weekend: -1 the last one, 0 this one, +1 the next; with no offset the
  // one just past unless a future cue is near.
  std::optional<Match> weekend_match(size_t first, size_t last, std::optional<int> offset) {
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

  // --- "that day/week/month/year", relative to the reference time
  std::optional<Match> parse_that(size_t i) {
    const size_t j = i + 1;
    if (!singular_unit(j) && !(lx(j) != nullptr && lx(j)->part != DayPart::kNone && !lx(j)->is_dayref)) {
      return std::nullopt;
    }
    return anaphoric(i, j, 0);
  }

  // The unit at j relative to the reference time, moved by `n` units.
  std::optional<Match> anaphoric(size_t first, size_t j, long n) {
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

  // --- the ...
  std::optional<Match> parse_the(size_t i) {
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

  // The last quarter completed before the anchor.
  std::optional<Match> last_quarter(size_t first, size_t last) {
    bool anchored = false;
    auto v = anchor_shift(TimeGranularity::kQuarter, -1, anchored);
    if (!v) return std::nullopt;
    return date_match(first, last, *v, anchored);
  }

  // --- durations introduced by "the past/last/next/coming/recent":
  // "the past three years" (P3Y), "the last few days" (PXD), "the past year" (P1Y),
  // "recent years" (PXY), "the coming weeks" (PXW), "past decade".
  std::optional<Match> parse_span_duration(size_t i) {
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

  // --- START / MID / END: "early 2024", "late last year", "mid-2024", "the end of 2025",
  // "earlier this year", "later this month", "the beginning of October"
  std::optional<Match> parse_partial(size_t i) {
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

  // "the year", "the month", "the week" after "end of" / "earlier in": the anchor's.
  std::optional<Match> current_period(size_t first, size_t unit_tok) {
    const TimeGranularity g = timex::unit_granularity(unit_at(unit_tok));
    if (g == TimeGranularity::kUnknown || g == TimeGranularity::kDay) return std::nullopt;
    bool anchored = false;
    auto v = anchor_shift(g, 0, anchored);
    if (!v) return std::nullopt;
    return date_match(first, unit_tok + 1, *v, anchored);
  }

  // --- counts: "3", "three", "twenty-five", "a", "a few", "several", "a couple of", "a dozen"
  struct Count {
    int value = -1;  // -1: vague ("several")
    size_t end = 0;  // token after the count
    bool article = false;
    bool approx = false;
  };
  std::optional<Count> parse_count(size_t i) const {
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

  // --- count + unit: "three decades" (P30Y), "two years ago" (2023), "10-year" (P10Y),
  // "three days later" (reference + 3 days), "two weeks from now", "a year earlier"
  std::optional<Match> parse_quantity(size_t i) {
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

  // "a year" is a duration after "for", "within", "than", "about", "over", ...
  bool duration_context(size_t i) const {
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

  // "N units ago" (sign -1) / "N units from now" (+1): anchor-relative, at the unit's granularity
  // (decades and centuries as years: "a decade ago" is 2015).
  std::optional<Match> ago(size_t first, size_t last, Unit unit, int count, int sign) {
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

  // "three years later", "a week earlier": relative to the reference time, at its granularity.
  std::optional<Match> later(size_t first, size_t last, Unit unit, int n) {
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

  // --- plural units standing alone: "for years" (PXY), "decades-long", "years ago" (PAST_REF)
  std::optional<Match> parse_bare_units(size_t i) {
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

  // --- "about two years" (APPROX), "more than a decade" (MORE_THAN), "nearly 40 years" (LESS_THAN),
  // "at least three days" (EQUAL_OR_MORE), "up to five years" (EQUAL_OR_LESS), "around 2020" (APPROX).
  std::optional<Match> parse_modified(size_t i) {
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

  // --- sets: "daily", "weekly", "annually"
  std::optional<Match> parse_set_word(size_t i) {
    const Unit u = lx(i)->set_unit;
    return literal_match(i, i + 1, TimeType::kSet, timex::format_duration(u, 1), timex::unit_granularity(u));
  }

  // --- "every day", "each year", "every two weeks", "every Tuesday", "every July", "every other week"
  std::optional<Match> parse_every(size_t i) {
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

  // --- "now", "currently", "nowadays", "recently", "these days"
  std::optional<Match> parse_ref_word(size_t i) {
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

  // --- "fiscal 2025", "fiscal year 2025"
  std::optional<Match> parse_fiscal(size_t i) {
    size_t j = i + 1;
    if (is(j, Kw::kYear)) ++j;
    if (!year_at(j, kMinBareYear, kMaxBareYear) || glued(j)) return std::nullopt;
    return date_match(i, j + 1, timex::year_value(num(j)), false);
  }

  // --- "post-2020" (AFTER), "pre-2020" (BEFORE)
  std::optional<Match> parse_post_pre(size_t i) {
    if (!dash(i + 1) || !glued(i + 1) || !glued(i + 2)) return std::nullopt;
    auto core = parse_date_core(i + 2, true);
    if (!core || !core->cal || core->is_ref) return std::nullopt;
    core->first = i;
    core->mod = is(i, Kw::kPost) ? "AFTER" : "BEFORE";
    return core;
  }

  // --- clock times: "10 a.m.", "3:30 p.m. EDT", "10am Tuesday", "noon", "midnight"
  std::optional<Match> parse_clock(size_t i) {
    int hour = -1;
    int minute = 0;
    size_t j = i;
    if (is(i, Kw::kNoon) || is(i, Kw::kMidnight)) {
      hour = is(i, Kw::kNoon) ? kNoonHour : kMidnightHour;
      j = i + 1;
    } else {
      if (!number(i) || digits(i) > 2 ||
          (glued(i) && (number(i - 1) || is_word(i - 1) || punct(i - 1, ':') || punct(i - 1, '.') ||
                        punct(i - 1, '/')))) {
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

  // After a day-granular date ending before token i: "and 25", "-12", "to 12",
  // "or 25" name another day of the same month.
  std::optional<Match> next_day_of(size_t i) const {
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

  // ---- output ------------------------------------------------------------

  // A preceding signal word gives a date its mod; the signal is not in the
  // span. "since 2018" is ON_OR_AFTER (the year itself is included: "since
  // 2018" counts 2018), "before"/"prior to" BEFORE, "after" AFTER,
  // "until"/"till"/"through"/"by" ON_OR_BEFORE.
  void apply_signal(Match& m) const {
    if (m.type != TimeType::kDate || m.is_ref || !m.mod.empty() || m.first == 0) return;
    switch (kw(m.first - 1)) {
      case Kw::kSince:
        m.mod = "ON_OR_AFTER";
        break;
      case Kw::kBefore:
        m.mod = "BEFORE";
        break;
      case Kw::kAfter:
        m.mod = "AFTER";
        break;
      case Kw::kUntil:
      case Kw::kThrough:
      case Kw::kBy:
        m.mod = "ON_OR_BEFORE";
        break;
      case Kw::kTo:
        if (is(m.first - 2, Kw::kPrior)) m.mod = "BEFORE";
        break;
      default:
        break;
    }
  }

  // Trailing "onward(s)", "and beyond", "or later" (ON_OR_AFTER) and "or earlier"
  // (ON_OR_BEFORE) belong to the expression.
  void apply_suffix(Match& m) const {
    if (m.type != TimeType::kDate || m.is_ref) return;
    const size_t j = m.last;
    if (is(j, Kw::kOnward)) {
      m.mod = "ON_OR_AFTER";
      m.last = j + 1;
    } else if ((is(j, Kw::kAnd) && is(j + 1, Kw::kBeyond)) || (is(j, Kw::kOr) && is(j + 1, Kw::kLater))) {
      m.mod = "ON_OR_AFTER";
      m.last = j + 2;
    } else if (is(j, Kw::kOr) && is(j + 1, Kw::kEarlier)) {
      m.mod = "ON_OR_BEFORE";
      m.last = j + 2;
    }
  }

  void finish(Match& m, std::vector<TimeExpression>& out) {
    apply_suffix(m);
    apply_signal(m);
    TimeExpression e;
    e.span = Span{t_[m.first].begin, t_[m.last - 1].end};
    e.type = m.type;
    e.mod = std::move(m.mod);
    e.anchored = m.anchored;
    last_cal_.reset();
    last_anchored_ = m.anchored;
    if (m.cal && m.type == TimeType::kDate && e.mod.empty()) last_cal_ = m.cal;
    if (m.cal) {
      e.value = timex::format_value(*m.cal);
      e.granularity = m.cal->gran;
      // Later anaphora ("the next day") count from the latest full date.
      if (m.type == TimeType::kDate) {
        if (auto start = timex::start_day(*m.cal)) {
          ref_ = *start;
          ref_gran_ = m.cal->gran;
          ref_anchored_ = m.anchored;
        }
      }
    } else {
      e.value = std::move(m.literal);
      e.granularity = m.literal_gran;
    }
    out.push_back(std::move(e));
  }

  std::string_view text_;
  std::vector<Tok> t_;
  std::optional<sys_days> anchor_;
  bool month_first_ = false;
  std::optional<sys_days> ref_;
  TimeGranularity ref_gran_ = TimeGranularity::kUnknown;
  bool ref_anchored_ = false;
  int depth_ = 0;
  static constexpr size_t kNoToken = std::numeric_limits<size_t>::max();
  size_t cue_first_ = kNoToken;       // set while a clock time parses its day
  std::optional<CalValue> last_cal_;  // value of the expression just emitted (a date without mod)
  bool last_anchored_ = false;
};

}  // namespace

std::vector<TimeExpression> find_time_expressions(std::string_view text,
                                                  std::optional<std::chrono::year_month_day> anchor) {
  constexpr size_t kMaxText = std::numeric_limits<uint32_t>::max() - 1;
  if (text.size() > kMaxText) text = text.substr(0, kMaxText);
  return Recognizer(text, anchor).run();
}

}  // namespace caspian::nlp
