// The event coder's actors: the actors of a noun phrase (names, roles qualified by a country, the
// country of a modifier, conjuncts), names the linker saw again, pronouns and bare titles resolved
// to earlier actors, and the memory of named actors for later sentences. See sentence_coder.h.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/actor_code.h"
#include "events/sentence_coder.h"

namespace caspian::events::coding {

void SentenceCoder::remember(Memory& memory) const {
  for (const ActorSpan& a : spans_) {
    if (a.agent) continue;
    const Span span = sv_.span(a.begin, a.end);
    const bool person = names_person(span);
    memory.add({{a.code, span, entity_in(span)}, sentence_, person, is_party(a.begin), names_city(span)});
  }
}

bool SentenceCoder::names_person(Span span) const {
  return std::any_of(mentions_.begin(), mentions_.end(), [&](const Mention* mp) {
    const Mention& m = *mp;
    return m.kind == EntityKind::kPerson && m.span.begin < span.end && span.begin < m.span.end;
  });
}

bool SentenceCoder::names_city(Span span) const {
  return std::any_of(mentions_.begin(), mentions_.end(), [&](const Mention* mp) {
    const Mention& m = *mp;
    return m.kind == EntityKind::kPlace && m.span.begin <= span.begin && m.span.end >= span.end;
  });
}

bool SentenceCoder::names_place_only(Span span) const {
  return std::any_of(mentions_.begin(), mentions_.end(), [&](const Mention* mp) {
    const Mention& m = *mp;
    return (m.kind == EntityKind::kCountry || m.kind == EntityKind::kPlace ||
            m.kind == EntityKind::kFeature) &&
           m.span.begin <= span.begin && m.span.end >= span.end;
  });
}

bool SentenceCoder::is_party(uint32_t k) const {
  constexpr int kMaxSteps = 3;  // "between the leaders of A and B"
  uint32_t cur = k;
  for (int step = 0; step < kMaxSteps && cur != kNone; ++step) {
    if (sv_.case_of(cur) == "between") return true;
    cur = sv_.head(cur);
  }
  return false;
}

bool SentenceCoder::in_dateline(uint32_t k) const {
  if (k == kNone || dateline_.size() == 0) return false;
  const Span w = sv_.tok(k).span;
  return w.begin < dateline_.end && dateline_.begin < w.end;
}

void SentenceCoder::add_named_again() {
  for (const Mention* mp : mentions_) {
    const Mention& m = *mp;
    if (m.sentence != sentence_ || m.entity_id.empty() ||
        (m.kind != EntityKind::kPerson && m.kind != EntityKind::kOrganization)) {
      continue;
    }
    uint32_t begin = kNone;
    uint32_t end = kNone;
    for (uint32_t k = 0; k < sv_.size(); ++k) {
      const Span w = sv_.tok(k).span;
      if (w.begin >= m.span.begin && w.end <= m.span.end) {
        if (begin == kNone) begin = k;
        end = k + 1;
      }
    }
    if (begin == kNone) continue;
    const bool covered = std::any_of(spans_.begin(), spans_.end(), [&](const ActorSpan& a) {
      return !a.agent && a.begin < end && begin < a.end;
    });
    if (covered) continue;
    const Antecedent* earlier = earlier_.latest(m.entity_id);
    if (earlier == nullptr) continue;
    // A role noun inside the name ("Minister") gives way to the name.
    std::erase_if(spans_, [&](const ActorSpan& a) { return a.begin < end && begin < a.end; });
    spans_.push_back({begin, end, earlier->actor.code, false, false, {}});
  }
  std::sort(spans_.begin(), spans_.end(),
            [](const ActorSpan& a, const ActorSpan& b) { return a.begin < b.begin; });
}

Actor SentenceCoder::antecedent_of(uint32_t k) const {
  const std::string& w = sv_.word(k);
  const bool he = w == "he" || w == "she" || w == "him" || w == "her";
  const bool it = w == "it";
  const bool they = w == "they" || w == "them";
  if (!he && !it && !they) return {};
  const auto fits = [&](bool person) { return they || (he && person) || (it && !person); };
  for (uint32_t j = k; j-- > 0;) {
    if (span_at_[j] == kNone || spans_[span_at_[j]].agent) continue;
    const ActorSpan& a = spans_[span_at_[j]];
    const Span span = sv_.span(a.begin, a.end);
    const bool person = names_person(span);
    if (fits(person) && !names_city(span)) return {a.code, span, entity_in(span)};
  }
  for (auto it_e = earlier_.items.rbegin(); it_e != earlier_.items.rend(); ++it_e) {
    if (it_e->sentence + kCorefSentences < sentence_) break;
    if (fits(it_e->person) && !it_e->city) return it_e->actor;
  }
  return {};
}

void SentenceCoder::resolve_titles(std::vector<Actor>& actors) const {
  for (Actor& a : actors) {
    if (!is_role_only(a.code)) continue;
    const std::string_view role = std::string_view(a.code).substr(kUnknownCountry.size());
    if (role.empty()) continue;
    for (auto it_e = earlier_.items.rbegin(); it_e != earlier_.items.rend(); ++it_e) {
      if (it_e->sentence + kCorefSentences < sentence_) break;
      const std::string& c = it_e->actor.code;
      if (c.size() > role.size() && c.ends_with(role) && !is_role_only(c)) {
        a.code = c;
        if (a.entity_id.empty()) a.entity_id = it_e->actor.entity_id;
        break;
      }
    }
  }
}

void SentenceCoder::actors_of(uint32_t h, int depth, std::vector<Actor>& out, bool parties) const {
  if (h == kNone || depth > kMaxNounDepth) return;
  const Token& t = sv_.tok(h);
  if (sv_.is_verb(h) || t.upos == Upos::kAux) return;
  std::string own;
  Span own_span;
  bool own_agent = false;
  bool own_prefix = false;
  if (span_at_[h] != kNone) {
    const ActorSpan& s = spans_[span_at_[h]];
    own = s.code;
    own_agent = s.agent;
    own_prefix = s.agent_prefix;
    own_span = sv_.span(s.begin, s.end);
  }
  const bool has_role = span_at_[h] != kNone && !spans_[span_at_[h]].role.empty();
  // Countries and organisations among the modifiers: all the actors of the first modifier that
  // has any ("the leaders of Azerbaijan and Armenia"). With `parties`, also the parties of an
  // agreement or a conflict ("between A and B", "with C").
  std::vector<Actor> modifiers;
  for (const uint32_t k : sv_.kids(h)) {
    // A number may be a name ("M23 rebels": "M23" tagged a numeral); a title before a name is
    // its "nmod:desc" ("Syrian foreign minister Asaad al-Shaibani").
    const bool nominal_modifier = sv_.is(k, UdRel::kCompound) || sv_.is(k, UdRel::kAmod) ||
                                  sv_.is(k, UdRel::kNmod, "poss") || sv_.is(k, UdRel::kFlat) ||
                                  sv_.is(k, UdRel::kNmod) || sv_.is(k, UdRel::kAppos) ||
                                  sv_.is(k, UdRel::kNummod) || sv_.is(k, UdRel::kNmod, "desc");
    if (!nominal_modifier) continue;
    if (sv_.is(k, UdRel::kNmod)) {
      const std::string c = sv_.case_of(k);
      const bool party = parties && (c == "between" || c == "with");
      // A role takes the country it is in ("a court in Guyana" GUYJUD).
      const bool where = own_agent && c == "in";
      if (c != "of" && c != "from" && !party && !where) continue;
    }
    if (span_at_[k] != kNone && span_at_[k] == span_at_[h]) continue;  // part of the same name
    if (modifiers.empty()) actors_of(k, depth + 1, modifiers, parties);
  }
  const auto add = [&](Actor a) {
    a.entity_id = entity_in(a.span);
    // A dictionary entry may name several actors at once ("[FRO/BIL/SAM]"): one each.
    const std::string code = a.code;
    for (size_t from = 0; from <= code.size();) {
      const size_t slash = std::min(code.find('/', from), code.size());
      if (slash > from) {
        a.code = code.substr(from, slash - from);
        out.push_back(a);
      }
      from = slash + 1;
    }
  };
  if (span_at_[h] == kNone && !modifiers.empty()) {
    // A noun that names no actor takes the role of a bare modifier word: "the Somali militant
    // group" is SOMUAF, as "Somali militants" ("Pakistan Army personnel" already has its role
    // from "Army").
    for (const uint32_t k : sv_.kids(h)) {
      if (!(sv_.is(k, UdRel::kAmod) || sv_.is(k, UdRel::kCompound)) || span_at_[k] == kNone ||
          !spans_[span_at_[k]].agent)
        continue;
      const ActorSpan& a = spans_[span_at_[k]];
      const bool bare =
          a.end == a.begin + 1 && std::none_of(sv_.kids(k).begin(), sv_.kids(k).end(),
                                               [&](uint32_t c) { return span_at_[c] != kNone; });
      const bool qualified = std::any_of(modifiers.begin(), modifiers.end(), [&](const Actor& m) {
        return m.code.size() > kActorPartLength ||
               (m.span.begin <= sv_.tok(k).span.begin && m.span.end >= sv_.tok(k).span.end);
      });
      if (!bare || qualified) continue;
      own = a.code;
      own_agent = true;
      own_prefix = a.agent_prefix;
      own_span = sv_.span(a.begin, a.end);
      break;
    }
  }
  if (has_role && !own_agent && !modifiers.empty()) {
    // A name that is also a role takes the role when a country qualifies it: "Rwanda's Senate"
    // is RWALEG, not the US Senate.
    own = spans_[span_at_[h]].role;
    own_agent = true;
    own_prefix = false;
  }
  const size_t own_at = out.size();
  if (!own.empty() && !own_agent) {
    add({own, own_span, {}});
  } else if (own_agent) {
    // As PETRARCH's mix_codes: a role already at the end (or start) of the actor is not repeated
    // ("ministers from the Georgian government" GEOGOV).
    const auto mix = [&](const std::string& country) {
      if (own_prefix) return country.starts_with(own) ? country : own + country;
      return country.ends_with(own) ? country : country + own;
    };
    if (modifiers.empty()) add({mix(std::string(kUnknownCountry)), own_span, {}});
    for (const Actor& m : modifiers) {
      add({mix(m.code), {std::min(own_span.begin, m.span.begin), std::max(own_span.end, m.span.end)}, {}});
    }
  } else {
    for (Actor& m : modifiers) out.push_back(std::move(m));
  }
  for (const uint32_t k : sv_.kids(h)) {
    if (!sv_.is(k, UdRel::kConj)) continue;
    actors_of(k, depth, out, parties);
    // A bare country coordinated with a role qualified by another shares the role: "US and
    // British activists" are USAOPP and GBROPP.
    const bool bare_country =
        own.size() == kActorPartLength && !own_agent && own_at < out.size() &&
        std::all_of(sv_.kids(h).begin(), sv_.kids(h).end(), [&](uint32_t c) {
          const UdRel r = sv_.base_rel(c);
          return r == UdRel::kConj || r == UdRel::kCc || r == UdRel::kPunct || r == UdRel::kDet;
        });
    if (bare_country && span_at_[k] != kNone && spans_[span_at_[k]].agent &&
        !spans_[span_at_[k]].agent_prefix) {
      const std::string& role = spans_[span_at_[k]].code;  // an agent's code is its role ("OPP")
      if (out.back().code.size() > role.size() && out.back().code.ends_with(role) &&
          !is_role_only(out.back().code)) {
        out[own_at].code = own + role;
      }
    }
  }
}

std::string SentenceCoder::entity_in(Span span) const {
  for (const Mention* mp : mentions_) {
    const Mention& m = *mp;
    if (m.sentence == sentence_ && m.span.begin >= span.begin && m.span.end <= span.end &&
        !m.entity_id.empty()) {
      return m.entity_id;
    }
  }
  return {};
}

uint32_t SentenceCoder::name_head(uint32_t k) const {
  uint32_t h = k;
  for (uint32_t steps = 0; span_at_[k] != kNone && sv_.head(h) != kNone &&
                           span_at_[sv_.head(h)] == span_at_[k] && steps < sv_.size();
       ++steps) {
    h = sv_.head(h);
  }
  return h;
}

}  // namespace caspian::events::coding
