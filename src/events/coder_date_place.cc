// The date and place of coded events: the publication day for dated roles, an event's date from
// its sentence's time expressions, the article's dateline and an event's place. See
// sentence_coder.h.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string_view>

#include "events/sentence_coder.h"

namespace caspian::events::coding {

Day day_of_document(const Document& doc) {
  if (doc.published)
    return static_cast<Day>(std::chrono::sys_days(*doc.published).time_since_epoch().count());
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<Day>(today.time_since_epoch().count());
}

// The date of an event in sentence `s`: its first dated time expression, else the publication date.
void date_event(const Document& doc, Event& e) {
  for (const TimeExpression& t : doc.times) {
    // A value without a single digit ("XXXX-XX-XX": a weekday with no date to anchor it) says
    // nothing about when.
    const bool dated =
        std::any_of(t.value.begin(), t.value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (t.sentence == e.sentence && t.type == TimeType::kDate && dated) {
      e.date = t.value;
      e.date_granularity = t.granularity;
      e.date_from_text = true;
      return;
    }
  }
  if (doc.published) {
    e.date = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(doc.published->year()),
                         static_cast<unsigned>(doc.published->month()),
                         static_cast<unsigned>(doc.published->day()));
    e.date_granularity = TimeGranularity::kDay;
  }
}

// The mention of the article's dateline: a place (linked or not) that opens the body and is
// followed by a comma, colon, dash or parenthesis ("GAZA CITY, Palestinian Territories:", "MOSCOW
// (Reuters) -"); nullptr when there is none.
const Mention* dateline_place(const Document& doc) {
  const std::string_view text = doc.text;
  const size_t body = std::min(static_cast<size_t>(doc.body_offset), text.size());
  const size_t first = text.find_first_not_of(" \t\r\n", body);
  if (first == std::string_view::npos) return nullptr;
  for (const Mention& m : doc.mentions) {
    // A place the gazetteer does not know still opens a dateline ("GAZA CITY, Palestinian
    // Territories:"); it only does not place the events.
    if (m.span.begin != first || m.kind != EntityKind::kPlace) continue;
    const size_t after = text.find_first_not_of(' ', m.span.end);
    if (after == std::string_view::npos) return nullptr;
    const char c = text[after];
    if (c == ',' || c == ':' || c == '(' || c == '-' || text.substr(after).starts_with("\u2014")) return &m;
  }
  return nullptr;
}

// The words of the dateline `m` opens: through the first separator that follows within a short
// distance (" - ", an em dash, ": "), else the place name alone.
Span dateline_words(const Document& doc, const Mention& m) {
  constexpr size_t kMaxDateline = 60;  // "WASHINGTON, Aug 20 (Reuters) -" and a little more
  const std::string_view text = doc.text;
  const std::string_view rest = text.substr(m.span.end, std::min(kMaxDateline, text.size() - m.span.end));
  size_t end = std::string_view::npos;
  for (const std::string_view sep :
       {std::string_view(" - "), std::string_view("\u2014"), std::string_view(": ")}) {
    if (const size_t at = rest.find(sep); at != std::string_view::npos) {
      end = std::min(end, at + sep.size());
    }
  }
  if (end == std::string_view::npos) return m.span;
  return {m.span.begin, static_cast<uint32_t>(m.span.end + end)};
}

// The place of an event: a linked populated place named in its sentence after "in" or "at", else
// for a body sentence the dateline's place.
void place_event(const Document& doc, std::span<const Mention* const> mentions, const Mention* dateline,
                 Event& e) {
  for (const Mention* mp : mentions) {
    const Mention& m = *mp;
    if (m.sentence != e.sentence || m.entity_id.empty() || m.kind != EntityKind::kPlace) continue;
    const std::string_view before = std::string_view(doc.text).substr(0, m.span.begin);
    const auto trimmed = before.substr(0, before.find_last_not_of(' ') + 1);
    if (trimmed.ends_with(" in") || trimmed.ends_with(" at") || trimmed.ends_with(" In") ||
        trimmed.ends_with(" At")) {
      e.location_id = m.entity_id;
      return;
    }
  }
  if (dateline != nullptr && e.sentence < doc.sentences.size() &&
      doc.sentences[e.sentence].span.begin >= doc.body_offset) {
    if (!dateline->entity_id.empty()) e.location_id = dateline->entity_id;
  }
}

}  // namespace caspian::events::coding
