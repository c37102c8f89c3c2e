// Temporal expressions: found in English text and normalised to TIMEX3
// values against the publication date.
//
// A rule-based recogniser in the spirit of HeidelTime, without a regex
// engine: the text is cut once into small tokens (timex_tokens.h), a lexicon
// marks the words that can start or shape a temporal expression, and a
// hand-written grammar is tried only at those tokens, looking a bounded number
// of tokens ahead. The cost is linear in the text with a small constant.
//
// What it recognises (see timex.cc and timex_grammar.h for the rules and heuristics):
//   dates     "July 10", "10 July 2025", "Aug. 20, 2025", "2025-08-20T10:00Z", "20/08/2025",
//             "Tuesday", "last Friday", "yesterday", "this morning", "Christmas"
//   coarser   "August 2025", "in March", "last month", "last week" (2025-W33), "Q3 2025",
//             "the third quarter of 2025", "summer 2025", "1997", "the 1990s", "the 20th century"
//   modified  "late 2025" (END), "early 2024" (START), "mid-2024" (MID), "since 2018"
//             (ON_OR_AFTER), "before 2020", "from 2024 onward", "about two years" (APPROX)
//   relative  "two years ago", "three days later", "the next day", "earlier this year" (START)
//   durations "three decades" (P30Y), "the past three years" (P3Y), "10-year", "several weeks" (PXW)
//   sets      "daily", "every Tuesday", "each year"
//   refs      "now" (PRESENT_REF), "recently" (PAST_REF), "the future" (FUTURE_REF)
//   clock     "10 a.m. Tuesday" (2025-08-19T10:00), "Friday morning" (2025-08-15TMO): type date,
//             granularity day, the time of day in the value
// Durations with a known count are written in base units so that they compare
// directly: decades and centuries in years ("P30Y", TIMEX3's "P3DE"), quarters
// in months; unknown counts keep TIMEX3 letters ("PXDE"). ISO timestamps keep
// only their day ("2025-08-20T10:00:00Z" is "2025-08-20").
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "caspian/document.h"

namespace caspian::nlp {

// Finds the temporal expressions in `text` and normalises them against
// `anchor` (the publication date).
//
// Requires: nothing; any bytes are accepted (invalid UTF-8 is skipped over),
//   though spans are only meaningful for valid UTF-8. Texts of 4 GiB or more
//   are truncated to their first 4 GiB - 1 bytes (spans are 32-bit). An
//   anchor that is not a valid date or lies outside the years 1000..2999 is
//   treated as absent.
// Guarantees: spans are byte offsets into `text`, non-overlapping, sorted by
//   begin, and never split a UTF-8 sequence. `sentence` is left 0 (the stage
//   fills it). Expressions whose value needs the anchor are still returned
//   without one, underspecified ("XXXX-07-10", "XXXX-WXX-2") with
//   anchored = false. Never throws on input (only std::bad_alloc).
// Complexity: linear in text.size().
// Thread safety: safe to call concurrently (shared tables are immutable).
[[nodiscard]] std::vector<TimeExpression> find_time_expressions(
    std::string_view text, std::optional<std::chrono::year_month_day> anchor);

}  // namespace caspian::nlp
