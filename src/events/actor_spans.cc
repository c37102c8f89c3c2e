#include "events/actor_spans.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "events/actor_code.h"

namespace caspian::events {

bool capitalised(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80; });
}

std::vector<ActorSpan> find_actor_spans(const SentenceView& sv, const Document& doc,
                                        std::span<const Mention* const> mentions, const ActorDictionary& dict,
                                        Day day) {
  // Whether the capitalised name that continues at word `end` is a facility's, a vehicle's or an
  // event's, which no actor or role inside it names ("Imam Khomeini International Airport",
  // "Beechcraft King Air", "Mombasa Air Safari", "Premier League"), unless a role continues the name
  // ("Russian Air Force").
  const auto in_facility_name = [&](uint32_t end) {
    static const std::unordered_set<std::string_view> kFacilities = {
        "Airport",  "Airports", "Air",     "Airlines", "Airline",    "Airways",  "Aviation", "Safari",
        "League",   "Cup",      "Stadium", "Arena",    "Hotel",      "Hospital", "Street",   "Avenue",
        "Road",     "Square",   "Bridge",  "Park",     "Mall",       "Station",  "Prize",    "Award",
        "Festival", "Museum",   "Tower",   "Highway",  "Expressway", "Dam",      "Base",     "Games"};
    constexpr uint32_t kMaxNameWords = 4;
    for (uint32_t j = end; j < sv.size() && j < end + kMaxNameWords; ++j) {
      const std::string_view w = doc.slice(sv.tok(j).span);
      if (w.empty() || w.front() < 'A' || w.front() > 'Z') return false;
      if (dict.match_agent(sv.words_from(j)).length > 0) return false;
      if (kFacilities.contains(w)) return true;
    }
    return false;
  };
  // The actor named from word `i`: its length and code, or length 0.
  const auto actor_at = [&](uint32_t i) -> std::pair<size_t, std::string> {
    const NameMatch a = dict.match_actor(sv.words_from(i), day);
    if (a.length == 0) return {0, {}};
    // Actor names are proper nouns: one of the words must be capitalised ("Turkey", not "turkey").
    bool proper = false;
    for (uint32_t k = i; k < i + a.length; ++k) proper = proper || capitalised(doc.slice(sv.tok(k).span));
    // A person or group inside a longer organisation or other name is part of that name
    // ("Trump" in "Trump Route for International Peace"); countries stay ("Kazakh" in "Kazakh
    // Foreign Ministry" makes it Kazakh).
    std::string code = a.actor->code_on(day);
    const Span where = sv.span(i, static_cast<uint32_t>(i + a.length));
    const bool inside_name = code.size() > kActorPartLength &&
                             std::any_of(mentions.begin(), mentions.end(), [&](const Mention* mp) {
                               const Mention& m = *mp;
                               return (m.kind == EntityKind::kOrganization || m.kind == EntityKind::kMisc) &&
                                      m.span.begin <= where.begin && m.span.end >= where.end &&
                                      m.span.size() > where.size();
                             });
    // A country's letters written against a dollar sign name its currency ("US$1.8 billion",
    // "NZ$40 million"), not the country.
    const bool currency = where.end < doc.text.size() && doc.text[where.end] == '$';
    // A two-letter name is an acronym, written in capitals ("UN", "EU"; not the "Un" of "Kim Jong
    // Un" or a French "Un").
    constexpr size_t kAcronymLetters = 2;
    const std::string_view first_word = doc.slice(sv.tok(i).span);
    const bool lower_acronym =
        a.length == 1 && first_word.size() <= kAcronymLetters &&
        std::any_of(first_word.begin(), first_word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!proper || inside_name || currency || lower_acronym ||
        in_facility_name(i + static_cast<uint32_t>(a.length)))
      return {0, {}};
    return {a.length, std::move(code)};
  };
  std::vector<ActorSpan> spans;
  for (uint32_t i = 0; i < sv.size();) {
    if (auto [length, code] = actor_at(i); length > 0) {
      const NameMatch g = dict.match_agent(sv.words_from(i));
      std::string role = g.length == length && !g.agent->prefix ? g.agent->code : std::string();
      spans.push_back({i, static_cast<uint32_t>(i + length), std::move(code), false, false, std::move(role)});
      i += static_cast<uint32_t>(length);
      continue;
    }
    const NameMatch g = dict.match_agent(sv.words_from(i));
    if (g.length > 0 && !in_facility_name(static_cast<uint32_t>(i + g.length))) {
      const auto after = static_cast<uint32_t>(i + g.length);
      // A title before the name of someone the dictionaries know is part of that name: "President
      // Michel Suleiman" is LBNGOV on the day, not a president of unknown country.
      if (after < sv.size()) {
        if (auto [length, code] = actor_at(after); length > 0 && code.size() > kActorPartLength) {
          spans.push_back({i, static_cast<uint32_t>(after + length), std::move(code), false, false, {}});
          i = static_cast<uint32_t>(after + length);
          continue;
        }
      }
      spans.push_back({i, after, g.agent->code, true, g.agent->prefix, {}});
      i = after;
      continue;
    }
    ++i;
  }
  return spans;
}

}  // namespace caspian::events
