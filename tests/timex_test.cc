// Tests of the timex recogniser, its calendar helpers, the "timex" stage and
// the TimeML evaluator. All sentences are written for these tests.
#include "nlp/timex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "caspian/utf8.h"
#include "eval/timeml_eval.h"
#include "nlp/timex_calendar.h"
#include "pipeline/stages.h"

namespace caspian::nlp {
namespace {

using std::chrono::year;
using std::chrono::year_month_day;

// Publication date of the tests: Wednesday 20 August 2025, ISO week 34.
const year_month_day kPublished{year{2025}, std::chrono::August, std::chrono::day{20}};

std::vector<TimeExpression> find(std::string_view text, std::optional<year_month_day> anchor = kPublished) {
  return find_time_expressions(text, anchor);
}

std::string_view slice(std::string_view text, const TimeExpression& t) {
  return text.substr(t.span.begin, t.span.size());
}

// The expressions of `text`, as "span=value" (plus "/mod" when there is one).
std::vector<std::string> summary(std::string_view text, std::optional<year_month_day> anchor = kPublished) {
  std::vector<std::string> out;
  for (const TimeExpression& t : find(text, anchor)) {
    std::string s = std::string(slice(text, t)) + "=" + t.value;
    if (!t.mod.empty()) s += "/" + t.mod;
    out.push_back(std::move(s));
  }
  return out;
}

// The single expression of `text` whose span is `phrase`.
std::optional<TimeExpression> expr(std::string_view text, std::string_view phrase,
                                   std::optional<year_month_day> anchor = kPublished) {
  std::optional<TimeExpression> found;
  for (const TimeExpression& t : find(text, anchor)) {
    if (slice(text, t) == phrase) {
      if (found) ADD_FAILURE() << "'" << phrase << "' found twice in: " << text;
      found = t;
    }
  }
  if (!found) ADD_FAILURE() << "'" << phrase << "' not found in: " << text;
  return found;
}

// Expects one expression spanning `phrase` with that value (and mod / type / granularity).
void expect_value(std::string_view text, std::string_view phrase, std::string_view value,
                  std::string_view mod = "", std::optional<year_month_day> anchor = kPublished) {
  SCOPED_TRACE(std::string(text));
  const auto t = expr(text, phrase, anchor);
  if (!t) return;
  EXPECT_EQ(t->value, value) << phrase;
  EXPECT_EQ(t->mod, mod) << phrase;
}

// ---- required behaviour ----------------------------------------------------

TEST(TimexDates, MonthDayUsesPublicationYear) {
  expect_value("The deal was finalized on July 10 in Abu Dhabi.", "July 10", "2025-07-10");
  expect_value("July 10 was a Thursday.", "July 10", "2025-07-10");
  const auto t = expr("It happened on July 10.", "July 10");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->type, TimeType::kDate);
  EXPECT_EQ(t->granularity, TimeGranularity::kDay);
  EXPECT_TRUE(t->anchored);
}

TEST(TimexDates, MonthDayYearFollowsTense) {
  // Without a cue: the nearest December 5 (in 107 days rather than 258 days ago).
  expect_value("Talks on December 5 are the next step.", "December 5", "2025-12-05");
  // Clearly past: the previous year.
  expect_value("The treaty was signed on December 5.", "December 5", "2024-12-05");
  // Clearly future.
  expect_value("The leaders will meet on December 5.", "December 5", "2025-12-05");
  // A February date mentioned in August is in the past unless the future is named.
  expect_value("Exports fell on February 3.", "February 3", "2025-02-03");
  expect_value("The vote is scheduled for February 3.", "February 3", "2026-02-03");
}

TEST(TimexDates, StartMidEnd) {
  expect_value("The visit is scheduled for late 2025.", "late 2025", "2025", "END");
  expect_value("Sales rose in early 2024.", "early 2024", "2024", "START");
  expect_value("Sales rose in mid-2024.", "mid-2024", "2024", "MID");
  expect_value("Sales rose in mid 2024.", "mid 2024", "2024", "MID");
  expect_value("Talks were held in late 2024.", "late 2024", "2024", "END");
  expect_value("It opens at the end of 2026.", "the end of 2026", "2026", "END");
  expect_value("It opened in late July.", "late July", "2025-07", "END");
  const auto t = expr("The visit is scheduled for late 2025.", "late 2025");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->granularity, TimeGranularity::kYear);
  EXPECT_FALSE(t->anchored);
}

TEST(TimexDates, SignalsGiveMods) {
  expect_value("Since 2018, the partnership has grown.", "2018", "2018", "ON_OR_AFTER");
  expect_value("It was built before 2020.", "2020", "2020", "BEFORE");
  expect_value("It was built after 2019.", "2019", "2019", "AFTER");
  expect_value("It has not hosted talks from 2024 onward.", "2024 onward", "2024", "ON_OR_AFTER");
  expect_value("Prices will stay high until 2027.", "2027", "2027", "ON_OR_BEFORE");
  expect_value("Rates will fall in 2027 or later.", "2027 or later", "2027", "ON_OR_AFTER");
}

TEST(TimexDates, RelativeWeeksAndDays) {
  expect_value("Prices fell last week.", "last week", "2025-W33");
  expect_value("Prices fell this week.", "this week", "2025-W34");
  expect_value("Prices will fall next week.", "next week", "2025-W35");
  expect_value("Prices fell yesterday.", "yesterday", "2025-08-19");
  expect_value("Prices fell today.", "today", "2025-08-20");
  expect_value("Prices may fall tomorrow.", "tomorrow", "2025-08-21");
  const auto t = expr("Prices fell last week.", "last week");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->granularity, TimeGranularity::kWeek);
  EXPECT_TRUE(t->anchored);
}

TEST(TimexDates, Weekdays) {
  expect_value("The minister spoke on Tuesday.", "Tuesday", "2025-08-19");
  expect_value("The minister spoke on Wednesday.", "Wednesday", "2025-08-20");
  expect_value("The minister resigned last Friday.", "last Friday", "2025-08-15");
  expect_value("The minister arrives next Monday.", "next Monday", "2025-08-25");
  expect_value("The minister will speak on Friday.", "Friday", "2025-08-22");
  expect_value("The minister said on Friday that talks would go on.", "Friday", "2025-08-15");
  expect_value("The summit ends this Friday.", "this Friday", "2025-08-22");
  expect_value("Shops closed Friday morning.", "Friday morning", "2025-08-15TMO");
}

TEST(TimexDates, MonthsYearsAndRelativeUnits) {
  expect_value("Prices rose in March.", "March", "2025-03");
  expect_value("Prices rose last month.", "last month", "2025-07");
  expect_value("Prices will rise next month.", "next month", "2025-09");
  expect_value("Prices rose last year.", "last year", "2024");
  expect_value("Prices rose this year.", "this year", "2025");
  // "earlier this year" is the publication year with mod START.
  expect_value("Prices rose earlier this year.", "earlier this year", "2025", "START");
  expect_value("Prices rose in 2023.", "2023", "2023");
  expect_value("Prices rose two years ago.", "two years ago", "2023");
  expect_value("Prices rose three days ago.", "three days ago", "2025-08-17");
  expect_value("Prices rose a decade ago.", "a decade ago", "2015");
  expect_value("Prices rose last August.", "last August", "2024-08");
  expect_value("It opens in the fourth quarter of last year.", "the fourth quarter of last year", "2024-Q4");
  const auto t = expr("Prices rose in March.", "March");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->granularity, TimeGranularity::kMonth);
}

TEST(TimexDates, DecadesAndDurations) {
  expect_value("Growth was fast in the 1990s.", "the 1990s", "199");
  expect_value("Growth was fast in the early 1990s.", "the early 1990s", "199", "START");
  expect_value("Growth was fast in the '80s.", "the '80s", "198");
  expect_value("Growth was fast in the nineties.", "the nineties", "199");
  expect_value("The dispute lasted three decades.", "three decades", "P30Y");
  expect_value("Prices rose over the past three years.", "the past three years", "P3Y");
  expect_value("It took about two years.", "about two years", "P2Y", "APPROX");
  expect_value("It took more than a decade.", "more than a decade", "P10Y", "MORE_THAN");
  expect_value("A 10-year plan was agreed.", "10-year", "P10Y");
  expect_value("It took several weeks.", "several weeks", "PXW");
  expect_value("They talked for five hours.", "five hours", "PT5H");
  expect_value("It was the 20th century.", "the 20th century", "19");
  const auto d = expr("The dispute lasted three decades.", "three decades");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, TimeType::kDuration);
  EXPECT_EQ(d->granularity, TimeGranularity::kDecade);
  const auto decade = expr("Growth was fast in the 1990s.", "the 1990s");
  ASSERT_TRUE(decade);
  EXPECT_EQ(decade->granularity, TimeGranularity::kDecade);
}

TEST(TimexDates, ExplicitForms) {
  expect_value("Filed 2025-08-20.", "2025-08-20", "2025-08-20");
  expect_value("Filed 2025-08-20T10:00:00Z by the clerk.", "2025-08-20T10:00:00Z", "2025-08-20");
  expect_value("Filed 20/08/2025.", "20/08/2025", "2025-08-20");
  expect_value("Filed 08/20/2025.", "08/20/2025", "2025-08-20");
  expect_value("Filed 20.08.2025.", "20.08.2025", "2025-08-20");
  expect_value("Filed Aug. 20, 2025.", "Aug. 20, 2025", "2025-08-20");
  expect_value("Filed August 20, 2025.", "August 20, 2025", "2025-08-20");
  expect_value("Filed 20 August 2025.", "20 August 2025", "2025-08-20");
  expect_value("Filed the 20th of August 2025.", "20th of August 2025", "2025-08-20");
  expect_value("Filed in Aug 2025.", "Aug 2025", "2025-08");
  expect_value("Filed in August 2025.", "August 2025", "2025-08");
  expect_value("Filed in Q3 2025.", "Q3 2025", "2025-Q3");
  expect_value("Filed in the third quarter of 2025.", "the third quarter of 2025", "2025-Q3");
  expect_value("Filed in summer 2025.", "summer 2025", "2025-SU");
  expect_value("Filed in 1997.", "1997", "1997");
  expect_value("Filed in the first half of 2025.", "the first half of 2025", "2025-H1");
  expect_value("Filed on Tuesday, Aug. 19, 2025.", "Tuesday, Aug. 19, 2025", "2025-08-19");
  const auto q = expr("Filed in Q3 2025.", "Q3 2025");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->granularity, TimeGranularity::kQuarter);
  const auto s = expr("Filed in summer 2025.", "summer 2025");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->granularity, TimeGranularity::kSeason);
}

TEST(TimexDates, AmbiguousNumericDatesFollowTheDocument) {
  // Both fields <= 12: day first by default.
  expect_value("Filed 05/06/2025.", "05/06/2025", "2025-06-05");
  // A US-style document ("August 20, 2025") reads them month first.
  expect_value("Filed August 20, 2025, and 05/06/2025.", "05/06/2025", "2025-05-06");
  // An unambiguous numeric date decides for the others.
  expect_value("Filed 12/25/2024 and 05/06/2025.", "05/06/2025", "2025-05-06");
  // Impossible dates are not dates.
  EXPECT_TRUE(find("Filed 31/02/2025 and 13/13/2025.").empty());
}

TEST(TimexDates, RangesAndAnaphora) {
  EXPECT_EQ(summary("The fair runs July 10-12."),
            (std::vector<std::string>{"July 10=2025-07-10", "12=2025-07-12"}));
  EXPECT_EQ(summary("The summit was held on Aug. 3 and 4."),
            (std::vector<std::string>{"Aug. 3=2025-08-03", "4=2025-08-04"}));
  EXPECT_EQ(summary("Between 2019 and 2021 it grew."), (std::vector<std::string>{"2019=2019", "2021=2021"}));
  EXPECT_EQ(summary("The deal was signed on March 3, 2020. The next day, markets rose."),
            (std::vector<std::string>{"March 3, 2020=2020-03-03", "The next day=2020-03-04"}));
  EXPECT_EQ(summary("The war began in 2014. Two years later, talks resumed."),
            (std::vector<std::string>{"2014=2014", "Two years later=2016"}));
}

TEST(TimexDates, SetsAndReferences) {
  expect_value("The paper appears daily.", "daily", "P1D");
  expect_value("They meet every Tuesday.", "every Tuesday", "XXXX-WXX-2");
  expect_value("They meet each year.", "each year", "P1Y");
  expect_value("They meet every two weeks.", "every two weeks", "P2W");
  expect_value("It is calm now.", "now", "PRESENT_REF");
  expect_value("It was calm recently.", "recently", "PAST_REF");
  expect_value("It will be calm in the near future.", "the near future", "FUTURE_REF");
  EXPECT_EQ(expr("They meet every Tuesday.", "every Tuesday")->type, TimeType::kSet);
}

TEST(TimexDates, HolidaysAndClockTimes) {
  expect_value("Shops close at Christmas.", "Christmas", "2025-12-25");
  expect_value("It happened at Easter 2024.", "Easter 2024", "2024-03-31");
  expect_value("The vote closes at 10 a.m. Tuesday.", "10 a.m. Tuesday", "2025-08-19T10:00");
  expect_value("The vote closes at 3:30 p.m. EDT.", "3:30 p.m. EDT", "2025-08-20T15:30");
  expect_value("Markets reopen on New Year's Day.", "New Year's Day", "2026-01-01");
  // Other calendars and places are not these days.
  EXPECT_TRUE(find("They marked Chinese New Year and Orthodox Easter on Easter Island.").empty());
}

// ---- no anchor ---------------------------------------------------------------

TEST(TimexNoAnchor, RelativeExpressionsStayUnderspecified) {
  const std::optional<year_month_day> none;
  expect_value("It happened on July 10.", "July 10", "XXXX-07-10", "", none);
  expect_value("The minister spoke on Tuesday.", "Tuesday", "XXXX-WXX-2", "", none);
  expect_value("Prices fell last week.", "last week", "XXXX-WXX", "", none);
  expect_value("Prices fell yesterday.", "yesterday", "XXXX-XX-XX", "", none);
  expect_value("Prices rose in March.", "March", "XXXX-03", "", none);
  expect_value("Prices rose two years ago.", "two years ago", "XXXX", "", none);
  expect_value("Prices rose last year.", "last year", "XXXX", "", none);
  // Absolute expressions do not need the anchor.
  expect_value("The visit is scheduled for late 2025.", "late 2025", "2025", "END", none);
  expect_value("Filed August 20, 2025.", "August 20, 2025", "2025-08-20", "", none);
  for (const TimeExpression& t : find("It happened on July 10, on Tuesday and last week.", none)) {
    EXPECT_FALSE(t.anchored) << t.value;
  }
}

TEST(TimexNoAnchor, InvalidAnchorIsIgnored) {
  const year_month_day bad{year{2025}, std::chrono::February, std::chrono::day{30}};
  expect_value("It happened on July 10.", "July 10", "XXXX-07-10", "", bad);
  const year_month_day far{year{9999}, std::chrono::December, std::chrono::day{31}};
  expect_value("It happened on July 10.", "July 10", "XXXX-07-10", "", far);
}

TEST(TimexDates, AnaphoraKeepTheirOrigin) {
  // Relative to a date written in the text: not anchored to the publication date.
  const std::string text = "The deal was signed on March 3, 2020. The next day, markets rose.";
  const auto next = expr(text, "The next day");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->value, "2020-03-04");
  EXPECT_FALSE(next->anchored);
  // Relative to the publication date.
  const auto after = expr("Markets fell yesterday. The next day they rose.", "The next day");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->value, "2025-08-20");
  EXPECT_TRUE(after->anchored);
}

// ---- false positives -----------------------------------------------------------

TEST(TimexFalsePositives, NumbersAreNotYears) {
  EXPECT_TRUE(find("About 2,000 people came, then 1,000 more, and 100 left.").empty());
  EXPECT_TRUE(find("See page 2025 of the report.").empty());
  EXPECT_TRUE(find("The plant employs 1997 workers and 2010 engineers.").empty());
  EXPECT_TRUE(find("In 2000 people marched.").empty());
  EXPECT_TRUE(find("The price rose 3.5 percent to $2025.50 per tonne.").empty());
  EXPECT_TRUE(find("Model A2025 and the 1024x768 screen, version 2019.3.").empty());
  EXPECT_TRUE(find("Call 555-2019-2020 now-ish.").empty());
  EXPECT_TRUE(find("He is in his 90s and she is in her twenties.").empty());
}

TEST(TimexFalsePositives, WordsThatLookTemporal) {
  EXPECT_TRUE(find("It may rain, and it might march on.").empty());
  EXPECT_TRUE(find("Theresa May said the plan was fine.").empty());
  EXPECT_TRUE(find("Protesters march to the square.").empty());
  EXPECT_TRUE(find("The Sunday Times reported it first.").empty());
  EXPECT_TRUE(find("The Mail on Sunday reported it first.").empty());
  EXPECT_TRUE(find("USA Today reported it first.").empty());
  EXPECT_TRUE(find("April Ryan asked a question.").empty());
  EXPECT_TRUE(find("The fall of the city was swift. Water from the spring was clean.").empty());
  EXPECT_TRUE(find("They won a second term; the second round is close.").empty());
  EXPECT_TRUE(find("A quarter of the vote went to him. 60 Minutes aired it.").empty());
  EXPECT_TRUE(find("The 10-year-old boy is five years old.").empty());
  EXPECT_TRUE(find("He worked twice a day for $5 a week.").empty());
}

TEST(TimexFalsePositives, YearsNeedSupport) {
  expect_value("The 2024 election was close.", "2024", "2024");
  expect_value("Iraq's 1990 invasion of Kuwait.", "1990", "1990");
  expect_value("The film (1997) won.", "1997", "1997");
  EXPECT_TRUE(find("The score went from 7 to 1850.").empty());
  EXPECT_TRUE(find("The index rose to 2010 points.").empty());
  EXPECT_TRUE(find("He ran 2019 metres.").empty());
  EXPECT_TRUE(find("It costs 1850 dollars.").empty());
  EXPECT_TRUE(find("It weighs 2200 kg.").empty());  // outside 1800..2100 anyway
  expect_value("The year 2150 is far.", "The year 2150", "2150");
  EXPECT_EQ(summary("From 2019 to 2021 it grew."), (std::vector<std::string>{"2019=2019", "2021=2021"}));
}

// ---- the seed article ------------------------------------------------------------

TEST(TimexSeed, AlmatyArticle) {
  const std::filesystem::path path = CASPIAN_SOURCE_DIR "/data/corpus/almaty.txt";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "seed article not found: " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::vector<TimeExpression> found = find(text);
  auto has = [&](std::string_view phrase, std::string_view value, std::string_view mod, TimeType type) {
    for (const TimeExpression& t : found) {
      if (slice(text, t) == phrase && t.value == value && t.mod == mod && t.type == type) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("July 10", "2025-07-10", "", TimeType::kDate));
  EXPECT_TRUE(has("late 2025", "2025", "END", TimeType::kDate));
  EXPECT_TRUE(has("late 2024", "2024", "END", TimeType::kDate));
  EXPECT_TRUE(has("2018", "2018", "ON_OR_AFTER", TimeType::kDate));         // "Since 2018"
  EXPECT_TRUE(has("2024 onward", "2024", "ON_OR_AFTER", TimeType::kDate));  // "from 2024 onward"
  EXPECT_TRUE(has("three decades", "P30Y", "", TimeType::kDuration));
  EXPECT_EQ(found.size(), 6u);
}

// ---- invariants on any input -----------------------------------------------------

void check_invariants(std::string_view text, const std::vector<TimeExpression>& found) {
  const bool valid_utf8 = !utf8::find_invalid(text).has_value();
  uint32_t prev_end = 0;
  for (const TimeExpression& t : found) {
    ASSERT_LT(t.span.begin, t.span.end);
    ASSERT_LE(t.span.end, text.size());
    ASSERT_GE(t.span.begin, prev_end);
    prev_end = t.span.end;
    // In valid UTF-8, spans never start or end inside a sequence.
    if (valid_utf8) {
      ASSERT_NE(static_cast<unsigned char>(text[t.span.begin]) & 0xC0, 0x80);
      if (t.span.end < text.size()) {
        ASSERT_NE(static_cast<unsigned char>(text[t.span.end]) & 0xC0, 0x80);
      }
    }
    ASSERT_FALSE(t.value.empty());
    ASSERT_EQ(t.sentence, 0u);
  }
}

TEST(TimexRobustness, UnicodeAndInvalidBytes) {
  const std::string texts[] = {
      "",
      " ",
      "\xff\xfe",
      "July\u00A010 \u2014 2025",
      "Ma\u0301y 5",
      "May\u00E9 5",
      "\u201990s",
      "2025-08-\U0001F600",
      "\u0412 2020 \u0433\u043E\u0434\u0443",
      "on July 10\u201312",
      std::string("in 2020\0 and 2021", 17),
      "late",
      "the",
      "the past",
      "1 9 9 0 s",
      "'",
      "Q",
      "Q5 2025",
  };
  for (const std::string& t : texts) {
    SCOPED_TRACE(t);
    check_invariants(t, find(t));
    check_invariants(t, find(t, std::nullopt));
  }
  // A no-break space behaves like a space, an en dash like a hyphen, a curly apostrophe like '.
  EXPECT_EQ(summary("on July\u00A010"), (std::vector<std::string>{"July\u00A010=2025-07-10"}));
  EXPECT_EQ(summary("on July 10\u201312"), (std::vector<std::string>{"July 10=2025-07-10", "12=2025-07-12"}));
  EXPECT_EQ(summary("in the \u201990s"), (std::vector<std::string>{"the \u201990s=199"}));
  // Letters outside ASCII belong to the word: "Mayé" is no month.
  EXPECT_TRUE(find("in May\u00E9 5").empty());
}

TEST(TimexRobustness, RandomInput) {
  // Random mixes of temporal vocabulary, digits, punctuation and bytes.
  const char* pieces[] = {
      "May",    "march", "July",    "10",           "2025",      "1990s",   "'",    "s",    "-",
      "/",      ".",     ",",       "the",          "late",      "early",   "mid",  "last", "next",
      "week",   "years", "ago",     "since",        "Q",         "3",       "a",    "m",    "p",
      "at",     "\xC3",  "\xA9",    "\xE2\x80\x99", "of",        "Tuesday", "T",    ":",    "00",
      " ",      " ",     " ",       "\n",           "Christmas", "New",     "Year", "Day",  "every",
      "about",  "than",  "more",    "9999",         "0",         "31",      "12",   "(",    ")",
      "onward", "and",   "decades", "half",         "first"};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> coin(0, 3);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = 1 + round % 40;
    for (int k = 0; k < n; ++k) {
      text += pieces[pick(rng)];
      if (coin(rng) == 0) text += ' ';
    }
    SCOPED_TRACE(text);
    check_invariants(text, find(text));
    check_invariants(text, find(text, std::nullopt));
    const year_month_day edge{year{1}, std::chrono::January, std::chrono::day{1}};
    check_invariants(text, find(text, edge));
    const year_month_day far{year{9999}, std::chrono::December, std::chrono::day{31}};
    check_invariants(text, find(text, far));
  }
}

TEST(TimexRobustness, LongRepetitiveInputIsLinear) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "the the late early mid 1990 - ";
  const auto found = find(text);
  check_invariants(text, found);
}

// ---- calendar helpers ------------------------------------------------------------

TEST(TimexCalendar, IsoWeeksAtYearBoundaries) {
  using std::chrono::sys_days;
  auto week = [](int y, unsigned m, unsigned d) {
    return timex::format_value(
        timex::week_value(sys_days{year{y} / std::chrono::month{m} / std::chrono::day{d}}));
  };
  EXPECT_EQ(week(2025, 8, 20), "2025-W34");
  EXPECT_EQ(week(2024, 12, 30), "2025-W01");
  EXPECT_EQ(week(2021, 1, 3), "2020-W53");
  EXPECT_EQ(week(2026, 12, 31), "2026-W53");
  const auto shifted = timex::shift(timex::week_value(sys_days{year{2020} / 12 / 31}), 1);
  ASSERT_TRUE(shifted);
  EXPECT_EQ(timex::format_value(*shifted), "2021-W01");
}

TEST(TimexCalendar, HolidaysAndDurations) {
  EXPECT_EQ(timex::easter(2025), (year{2025} / std::chrono::April / 20));
  EXPECT_EQ(timex::easter(2000), (year{2000} / std::chrono::April / 23));
  EXPECT_EQ(timex::nth_weekday(2025, 11, 4, 4), (year{2025} / std::chrono::November / 27));  // Thanksgiving
  EXPECT_EQ(timex::nth_weekday(2025, 5, 1, 5), (year{2025} / std::chrono::May / 26));        // Memorial Day
  EXPECT_EQ(timex::format_duration(timex::Unit::kDecade, 3), "P30Y");
  EXPECT_EQ(timex::format_duration(timex::Unit::kDecade, -1), "PXDE");
  EXPECT_EQ(timex::format_duration(timex::Unit::kHour, 5), "PT5H");
  EXPECT_EQ(timex::format_duration(timex::Unit::kQuarter, 2), "P6M");
}

TEST(TimexCalendar, ShiftStaysInRange) {
  EXPECT_FALSE(timex::shift(timex::year_value(9999), 1));
  EXPECT_FALSE(timex::shift(timex::year_value(1), -1));
  const auto m = timex::shift(timex::month_value(2025, 1), -1);
  ASSERT_TRUE(m);
  EXPECT_EQ(timex::format_value(*m), "2024-12");
  const auto s = timex::shift(timex::season_value(2024, timex::Season::kWinter), 1);
  ASSERT_TRUE(s);
  EXPECT_EQ(timex::format_value(*s), "2025-SP");
}

// ---- the stage -------------------------------------------------------------------

TEST(TimexStage, FillsTimesWithSentences) {
  Resources res;
  auto stage = stages::make_timex(res);
  ASSERT_TRUE(stage.ok()) << stage.status().to_string();
  EXPECT_EQ((*stage)->name(), "timex");
  Document doc =
      make_document("Talks set for late 2025", "The deal was signed on July 10. Since 2018, trade grew.");
  doc.published = kPublished;
  // Two body sentences after the headline.
  const uint32_t b = doc.body_offset;
  doc.sentences.push_back({Span{0, b - 2}, 0, 0});
  doc.sentences.push_back({Span{b, b + 31}, 0, 0});
  doc.sentences.push_back({Span{b + 32, static_cast<uint32_t>(doc.text.size())}, 0, 0});
  ASSERT_TRUE((*stage)->process(doc).ok());
  ASSERT_EQ(doc.times.size(), 3u);
  EXPECT_EQ(doc.slice(doc.times[0].span), "late 2025");
  EXPECT_EQ(doc.times[0].sentence, 0u);
  EXPECT_EQ(doc.times[1].value, "2025-07-10");
  EXPECT_EQ(doc.times[1].sentence, 1u);
  EXPECT_EQ(doc.times[2].mod, "ON_OR_AFTER");
  EXPECT_EQ(doc.times[2].sentence, 2u);
  // Running again appends and leaves the earlier entries in place.
  const std::vector<TimeExpression> first_run = doc.times;
  ASSERT_TRUE((*stage)->process(doc).ok());
  ASSERT_EQ(doc.times.size(), 6u);
  for (size_t i = 0; i < first_run.size(); ++i) {
    EXPECT_EQ(doc.times[i], first_run[i]);
    EXPECT_EQ(doc.times[i + 3], first_run[i]);
  }
}

TEST(TimexStage, WithoutPublicationDate) {
  Resources res;
  auto stage = stages::make_timex(res);
  ASSERT_TRUE(stage.ok());
  Document doc = make_document("", "It happened on July 10.");
  ASSERT_TRUE((*stage)->process(doc).ok());
  ASSERT_EQ(doc.times.size(), 1u);
  EXPECT_EQ(doc.times[0].value, "XXXX-07-10");
  EXPECT_FALSE(doc.times[0].anchored);
}

// ---- TimeML evaluation -----------------------------------------------------------

// A small TimeML document written for this test.
constexpr std::string_view kTimeml = R"(<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2025-08-20" functionInDocument="CREATION_TIME">2025-08-20</TIMEX3></DCT>
<TITLE>Test &amp; more</TITLE>
<TEXT>
Officials <EVENT eid="e1" class="OCCURRENCE">met</EVENT> <TIMEX3 tid="t1" type="DATE" value="2025-08-19">Tuesday</TIMEX3> &amp; agreed to <EVENT eid="e2">talk</EVENT> for <TIMEX3 tid="t2" type="DURATION" value="P2W">two weeks</TIMEX3>.
<!-- a comment with <TIMEX3> inside -->
Sales rose <TIMEX3 tid="t3" type="DATE" value="2024">last year</TIMEX3> &#8212; a lot<SIGNAL sid="s1">.</SIGNAL> The report came out <TIMEX3 tid="t4" type="DATE" value="PRESENT_REF">the other day</TIMEX3>.
</TEXT>
</TimeML>
)";

TEST(TimemlEval, ParsesMarkup) {
  auto doc = parse_timeml(kTimeml);
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  ASSERT_TRUE(doc->dct);
  EXPECT_EQ(*doc->dct, kPublished);
  ASSERT_EQ(doc->timexes.size(), 4u);
  const std::string_view text = doc->text;
  EXPECT_EQ(text.substr(doc->timexes[0].span.begin, doc->timexes[0].span.size()), "Tuesday");
  EXPECT_EQ(doc->timexes[1].type, "DURATION");
  EXPECT_EQ(doc->timexes[1].value, "P2W");
  EXPECT_NE(text.find("Officials met Tuesday & agreed"), std::string_view::npos);
  EXPECT_NE(text.find("\xE2\x80\x94 a lot."), std::string_view::npos);  // &#8212; decoded
  EXPECT_EQ(text.find("comment"), std::string_view::npos);
  EXPECT_EQ(text.find('<'), std::string_view::npos);
}

TEST(TimemlEval, RejectsMalformedMarkup) {
  EXPECT_EQ(parse_timeml("<TimeML>no text</TimeML>").status().code(), ErrorCode::kParseError);
  EXPECT_EQ(parse_timeml("<TEXT>open <TIMEX3 type=\"DATE\">x</TEXT>").status().code(),
            ErrorCode::kParseError);
  EXPECT_EQ(parse_timeml("<TEXT>broken <TIMEX3").status().code(), ErrorCode::kParseError);
}

TEST(TimemlEval, ScoresADocument) {
  auto doc = parse_timeml(kTimeml);
  ASSERT_TRUE(doc.ok());
  TimexEvalReport report;
  score_document(*doc, "test.tml", TimexEvalOptions{.max_mismatches = 10}, report);
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(report.gold, 4u);
  // Found: Tuesday, two weeks, last year. Missed: "the other day".
  EXPECT_EQ(report.predicted, 3u);
  EXPECT_EQ(report.strict_matches, 3u);
  EXPECT_EQ(report.relaxed_matches, 3u);
  EXPECT_EQ(report.value_correct, 3u);
  EXPECT_EQ(report.type_correct, 3u);
  EXPECT_DOUBLE_EQ(report.relaxed_precision(), 1.0);
  EXPECT_DOUBLE_EQ(report.relaxed_recall(), 0.75);
  ASSERT_EQ(report.mismatches.size(), 1u);
  EXPECT_EQ(report.mismatches[0].kind, TimexMismatch::Kind::kMissed);
  EXPECT_EQ(report.mismatches[0].gold_text, "the other day");
  const std::string table = format_report(report);
  EXPECT_NE(table.find("relaxed"), std::string::npos);
  EXPECT_NE(table.find("the other day"), std::string::npos);
}

TEST(TimemlEval, EvaluatesFilesAndDirectories) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "caspian_timex_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  {
    std::ofstream(dir / "sub" / "a.tml") << kTimeml;
    std::ofstream(dir / "ignored.txt") << "not timeml";
  }
  auto r = evaluate_timeml({dir});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->files, 1u);
  EXPECT_EQ(r->gold, 4u);
  EXPECT_EQ(evaluate_timeml({dir / "missing"}).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(evaluate_timeml({dir / "ignored.txt"}).status().code(), ErrorCode::kParseError);
  std::filesystem::create_directories(dir / "empty");
  EXPECT_EQ(evaluate_timeml({dir / "empty"}).status().code(), ErrorCode::kEmptyInput);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace caspian::nlp
