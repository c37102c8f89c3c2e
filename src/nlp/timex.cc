// The timex grammar's driver: trigger tokens, the longest match at each, and
// the output (signals, suffixes, the reference time for anaphora); and
// find_time_expressions(). See timex.h for the overview and timex_grammar.h
// for the files holding the rules; the heuristics are documented where they
// are applied. In short:
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

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "nlp/timex_grammar.h"

namespace caspian::nlp {

namespace timex {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

Recognizer::Recognizer(std::string_view text, std::optional<year_month_day> anchor)
    : text_(text), t_(timex::tokenize(text)) {
  // Anchors far outside news history are ignored, which keeps every year
  // computed from one (the anchor's +- a year or so) printable in 4 digits.
  if (anchor && anchor->ok()) {
    const int y = static_cast<int>(anchor->year());
    if (y >= kMinDateYear && y <= kMaxDateYear) anchor_ = sys_days{*anchor};
  }
  scan_date_order();
}

std::vector<TimeExpression> Recognizer::run() {
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

std::optional<Match> Recognizer::match_at(size_t i) {
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

void Recognizer::apply_signal(Match& m) const {
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

void Recognizer::apply_suffix(Match& m) const {
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

void Recognizer::finish(Match& m, std::vector<TimeExpression>& out) {
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

}  // namespace timex

std::vector<TimeExpression> find_time_expressions(std::string_view text,
                                                  std::optional<std::chrono::year_month_day> anchor) {
  constexpr size_t kMaxText = std::numeric_limits<uint32_t>::max() - 1;
  if (text.size() > kMaxText) text = text.substr(0, kMaxText);
  return timex::Recognizer(text, anchor).run();
}

}  // namespace caspian::nlp
