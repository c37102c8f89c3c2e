// The event coder's dictionary patterns: the pattern items matched against the words around a verb,
// and analyse_verb, which combines the verb's code, the best pattern, the source and target actors,
// negation and modality. See sentence_coder.h.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "events/sentence_coder.h"

namespace caspian::events::coding {

bool SentenceCoder::match_items(const std::vector<PatternItem>& items, const std::vector<uint32_t>& positions,
                                size_t from, std::vector<uint32_t>& matched, uint32_t& source_at,
                                uint32_t& target_at, uint32_t light) const {
  size_t pos = from;
  for (const PatternItem& it : items) {
    if (it.kind == PatternItem::Kind::kAny) continue;
    if (it.kind == PatternItem::Kind::kSource || it.kind == PatternItem::Kind::kTarget) {
      // The actor must start at or after the next word; a pronoun that refers to one counts
      // ("fired a rocket at it").
      uint32_t found = kNone;
      for (size_t p = pos; p < positions.size() && found == kNone; ++p) {
        const uint32_t w = positions[p];
        if (span_at_[w] != kNone || refers_[w]) found = w;
      }
      if (found == kNone) return false;
      (it.kind == PatternItem::Kind::kSource ? source_at : target_at) = found;
      continue;
    }
    bool ok = false;
    for (; pos < positions.size(); ++pos) {
      // Pattern words are matched on consecutive sentence words from here (phrases); the "to"
      // of an infinitive is not the preposition of a pattern ("agreed to lift sanctions" is not
      // "* (TO SANCTIONS)").
      const uint32_t w = positions[pos];
      if (sv_.is(w, UdRel::kMark)) continue;
      // The verb of a controlled clause is an event of its own, which the upper verb's code
      // frames ("wants to help Israel" is WANT 030 + HELP 070 = 033, not "* HELP" 023).
      if (sv_.is_verb(w) && sv_.base_rel(w) == UdRel::kXcomp) continue;
      // A light verb's pattern names its object or a phrase of its own ("took part in", "made a
      // trip to", "taken into custody"), not a word deeper in an adjunct ("made his remarks at
      // the start of a regional trip" is no trip).
      if (light != kNone && !light_verb_word(light, w)) continue;
      const size_t n = dicts_.verbs.match(it, sv_.words_from(w));
      if (n > 0) {
        for (size_t k = 0; k < n; ++k) matched.push_back(static_cast<uint32_t>(w + k));
        // Skip the positions of the words consumed.
        const uint32_t last = static_cast<uint32_t>(w + n - 1);
        while (pos < positions.size() && positions[pos] <= last) ++pos;
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

VerbResult SentenceCoder::analyse_verb(uint32_t v) const {
  VerbResult r;
  const std::span<const VerbForm> forms = dicts_.verbs.lookup(sv_.word(v));
  if (forms.empty()) return r;
  // The form whose particles follow the verb, the longest first ("ask for" over "ask").
  const VerbForm* form = nullptr;
  std::vector<uint32_t> particle_tokens;
  for (const VerbForm& f : forms) {
    std::vector<uint32_t> found;
    uint32_t next = v + 1;
    for (const std::string& p : f.particles) {
      // A particle is one of the next few words ("call the talks off" is rare; "call off" usual).
      constexpr uint32_t kParticleWindow = 3;
      uint32_t hit = kNone;
      for (uint32_t k = next; k < sv_.size() && k < next + kParticleWindow && hit == kNone; ++k) {
        if (sv_.word(k) == p) hit = k;
      }
      if (hit == kNone) break;
      found.push_back(hit);
      next = hit + 1;
    }
    if (found.size() != f.particles.size()) continue;
    if (form == nullptr || f.particles.size() > form->particles.size()) {
      form = &f;
      particle_tokens = std::move(found);
    }
  }
  if (form == nullptr) return r;
  r.known = true;
  const VerbBlock& block = dicts_.verbs.block(form->block);

  // The words around the verb within its clause: before it (auxiliaries, subject) and after it.
  std::vector<uint32_t> before;
  std::vector<uint32_t> after;
  // In a passive the subject is the object the patterns describe ("evidence against Russia was
  // presented" matches "* EVIDENCE"): its words come first after the verb.
  bool passive = false;
  const uint32_t subj = subject_of(v, passive);
  const bool passive_window = passive && subj != kNone && subj < v && !sv_.dominates(subj, v);
  for (uint32_t k = 0; k < sv_.size(); ++k) {
    if (k == v || !sv_.dominates(v, k) || in_other_clause(v, k, true)) continue;
    if (passive_window && sv_.dominates(subj, k)) continue;
    (k < v ? before : after).push_back(k);
  }
  if (passive_window) {
    std::vector<uint32_t> object;
    for (uint32_t k = 0; k < v; ++k) {
      if (sv_.dominates(subj, k)) object.push_back(k);
    }
    after.insert(after.begin(), object.begin(), object.end());
  }
  const bool light_verb = kLightVerbs.contains(form->lemma) && form->particles.empty();
  if (passive) {
    // The agent of a passive is the subject the patterns describe ("was demolished by a
    // protestor" matches "PROTESTOR *").
    if (const uint32_t k = passive_agent(v); k != kNone) {
      std::erase_if(after, [&](uint32_t w) { return sv_.dominates(k, w); });
      for (uint32_t w = 0; w < sv_.size(); ++w) {
        if (sv_.dominates(k, w) && !sv_.is(w, UdRel::kCase)) before.push_back(w);
      }
    }
  }
  // The best pattern: the one with most words, then with most words written as in the sentence
  // ("lifted sanctions" is "* SANCTIONS" 085 rather than the stem "* SANCTION" 0351), then the one
  // whose words after the verb lie nearer it, when neither names words before it ("orders the
  // release of an official under investigation for bribery" is "* RELEASE", not "* (FOR)"); the
  // earlier of two patterns on ties.
  const VerbPattern* best = nullptr;
  size_t best_exact = 0;
  uint32_t best_reach = 0;  // kNone: the pattern matched words before the verb
  std::vector<uint32_t> best_words;
  uint32_t pattern_source = kNone;
  uint32_t pattern_target = kNone;
  for (const VerbPattern& p : block.patterns) {
    if (best != nullptr && p.words < best->words) continue;
    std::vector<uint32_t> matched;
    uint32_t src = kNone;
    uint32_t tgt = kNone;
    if (!match_items(p.before, before, 0, matched, src, tgt)) continue;
    if (!match_items(p.after, after, 0, matched, src, tgt, light_verb ? v : kNone)) continue;
    if (p.words == 0 && src == kNone && tgt == kNone) continue;
    size_t exact = 0;
    for (const auto* items : {&p.before, &p.after}) {
      for (const PatternItem& it : *items) {
        exact += static_cast<size_t>(
            it.kind == PatternItem::Kind::kWord &&
            std::any_of(matched.begin(), matched.end(), [&](uint32_t k) { return sv_.word(k) == it.word; }));
      }
    }
    uint32_t reach = 0;
    for (const uint32_t k : matched) {
      const bool before_verb = std::find(before.begin(), before.end(), k) != before.end();
      reach = before_verb || reach == kNone ? kNone : std::max(reach, k > v ? k - v : v - k);
    }
    const bool nearer = reach != kNone && best_reach != kNone && reach < best_reach;
    // The same pattern listed twice: the later line wins, as in PETRARCH's pattern table ("ORDER
    // * &INVESTIGATION" is 091, then 1014).
    if (best != nullptr && p.words == best->words && exact <= best_exact &&
        (exact < best_exact || (p.text != best->text && !nearer))) {
      continue;
    }
    best = &p;
    best_exact = exact;
    best_reach = reach;
    best_words = std::move(matched);
    pattern_source = src;
    pattern_target = tgt;
  }
  // A light verb means what its object says ("took place", "taking samples", "make remarks"): it
  // codes only through a pattern, never by its block's code (TAKE is in APPREHEND, 171).
  const bool light = best == nullptr && light_verb;
  std::string code = best != nullptr ? best->code : light ? std::string() : form->code;
  std::string reverse_code = best != nullptr ? best->target_code : light ? std::string() : form->reverse_code;

  // A death or injury that an accident causes is no attack ("the plane crashes, killing all 48
  // on board", "two trains collide, injuring 40").
  if (is_attack(code) && after_accident(v)) {
    code.clear();
    reverse_code.clear();
  }

  // Source and target.
  // The dateline is where the report was filed, not who acted ("MOSCOW, May 1 - Armenia
  // criticized ...", which the parser may read as the subject).
  uint32_t source_head = passive || in_dateline(subj) ? kNone : subj;
  uint32_t target_head = passive ? subj : kNone;
  if (passive) source_head = passive_agent(v);
  if (target_head == kNone) target_head = sv_.kid(v, UdRel::kObj);
  if (target_head == kNone) target_head = sv_.kid(v, UdRel::kIobj);
  std::vector<Actor> sources;
  std::vector<Actor> targets;
  const auto actors_at = [&](uint32_t tok, std::vector<Actor>& into) {
    // The phrase that an actor found by a pattern belongs to: climb to the nominal head.
    uint32_t h = tok;
    while (h != kNone && sv_.head(h) != kNone && span_at_[sv_.head(h)] == span_at_[tok]) h = sv_.head(h);
    // A name that qualifies a role is that role's country ("an attack by Osgiliath soldiers":
    // OSGMIL, not OSG).
    if (const uint32_t up = sv_.head(h); up != kNone && span_at_[up] != kNone && spans_[span_at_[up]].agent) {
      const UdRel r = sv_.base_rel(h);
      if (r == UdRel::kCompound || r == UdRel::kAmod || sv_.is(h, UdRel::kNmod, "poss")) h = up;
    }
    actors_of(h, 0, into);
  };
  if (pattern_source != kNone) actors_at(pattern_source, sources);
  if (sources.empty() && pattern_source != kNone && sv_.tok(pattern_source).xpos == "PRP") {
    if (Actor a = antecedent_of(pattern_source); !a.code.empty()) sources.push_back(std::move(a));
  }
  if (sources.empty()) actors_of(source_head, 0, sources);
  if (sources.empty() && passive && source_head != kNone) {
    // The agent of a passive names its actor deeper down ("blown up by a missile believed to be
    // fired by pro-Russia rebels"): the first actor within the phrase.
    for (uint32_t k = source_head + 1; k < sv_.size() && sources.empty(); ++k) {
      if (span_at_[k] == kNone || !sv_.dominates(source_head, k) || is_place_phrase(k)) continue;
      actors_at(k, sources);  // the whole noun phrase: "Ukrainian soldiers", not "Ukrainian"
    }
  }
  if (pattern_target != kNone) actors_at(pattern_target, targets);
  // A pronoun where the pattern puts the target stands for its antecedent ("fired a rocket at
  // it").
  if (targets.empty() && pattern_target != kNone && sv_.tok(pattern_target).xpos == "PRP") {
    if (Actor a = antecedent_of(pattern_target); !a.code.empty()) targets.push_back(std::move(a));
  }
  if (targets.empty()) {
    actors_of(target_head, 0, targets);
    // An object the pattern itself names is not the target ("conducting military exercises in
    // Alaska": "* {&MILITARY EXERCISES}"): PETRARCH looks further. The subject of a passive is
    // the patient, named or not ("civilians were released" matches "* &PEOPLE").
    if (!passive)
      std::erase_if(targets, [&](const Actor& a) {
        return std::any_of(best_words.begin(), best_words.end(), [&](uint32_t k) {
          const Span w = sv_.tok(k).span;
          return w.begin < a.span.end && a.span.begin < w.end;
        });
      });
    r.object_target = !targets.empty() && !passive;
  }
  if (targets.empty()) {
    // A prepositional phrase of the verb, or of its object ("talks between A and B").
    std::vector<uint32_t> candidates;
    for (const uint32_t k : sv_.kids(v)) {
      if (sv_.base_rel(k) == UdRel::kObl) candidates.push_back(k);
    }
    if (target_head != kNone) {
      for (const uint32_t k : sv_.kids(target_head)) {
        if (sv_.base_rel(k) == UdRel::kNmod) candidates.push_back(k);
      }
    }
    for (const uint32_t k : candidates) {
      const std::string c = sv_.case_of(k);
      if (!target_preposition(c)) continue;
      // Where a passive's act came from is its source ("was fired at it from the Gaza Strip").
      if (passive && c == "from") continue;
      actors_of(k, 0, targets);
      // A pronoun stands for its antecedent ("fired at it": at Israel).
      if (targets.empty() && sv_.tok(k).xpos == "PRP") {
        if (Actor a = antecedent_of(k); !a.code.empty()) targets.push_back(std::move(a));
      }
      if (!targets.empty()) break;
    }
  }
  // Conjoined sources of a cooperative code without an object meet each other ("Armenia and
  // Azerbaijan met in Abu Dhabi"): the place is where, not whom (see emit()).
  const bool paired = sources.size() > 1 && is_paired_root(code);
  if (targets.empty()) {
    // The first actor named after the verb within its clause, outside clauses of other verbs
    // ("scheduled to attend a summit on the unrest in Iran").
    for (const uint32_t k : after) {
      if (span_at_[k] == kNone || in_other_clause(v, k)) continue;
      if (paired && is_place_phrase(k)) continue;
      // The attacker of a passive's attack is its source ("were injured in Russian strikes"), as
      // is where the act came from ("was fired at it from the Gaza Strip").
      if (passive && (in_attacker_phrase(k) || sv_.case_of(name_head(k)) == "from")) continue;
      // Not an actor already found as a source ("killed in Israeli and American strikes").
      const Span w = sv_.tok(k).span;
      if (std::any_of(sources.begin(), sources.end(),
                      [&](const Actor& a) { return a.span.begin <= w.begin && w.end <= a.span.end; })) {
        continue;
      }
      if (std::find(best_words.begin(), best_words.end(), k) != best_words.end()) continue;
      actors_at(k, targets);
      if (!targets.empty()) break;
    }
  }
  if (!passive && !sources.empty() && sv_.base_rel(v) == UdRel::kConj) {
    // A verb coordinated with a noun phrase before its subject is the parser's reading of
    // coordinated subjects ("The US, Russia, and Switzerland met" with "met" under "US"): the
    // phrase's names, apposed and coordinated, are subjects too.
    const uint32_t h = sv_.head(v);
    if (h != kNone && h < subj && !sv_.is_verb(h) && span_at_[h] != kNone) {
      std::vector<Actor> more;
      actors_of(h, 0, more);
      for (const uint32_t k : sv_.kids(h)) {
        if (sv_.is(k, UdRel::kAppos)) actors_of(k, 0, more);
      }
      sources.insert(sources.begin(), more.begin(), more.end());
    }
  }
  if (sources.empty() && passive) {
    // A passive without a "by" phrase: the first other actor after the verb that is not a place
    // ("were killed by shelling from Russian positions").
    for (const uint32_t k : after) {
      if (span_at_[k] == kNone || in_other_clause(v, k) || spans_[span_at_[k]].agent) continue;
      if (target_head != kNone && sv_.dominates(target_head, k)) continue;
      if (is_place_phrase(k)) continue;  // "finalized ... in Abu Dhabi": where, not who
      if (in_circumstance_phrase(k, is_attack(code))) continue;
      // Not an actor already found as a target ("imported to the US and Canada").
      const Span w = sv_.tok(k).span;
      if (std::any_of(targets.begin(), targets.end(),
                      [&](const Actor& a) { return a.span.begin <= w.begin && w.end <= a.span.end; })) {
        continue;
      }
      actors_at(k, sources);
      if (!sources.empty()) break;
    }
  }
  if (sources.empty() && !passive && source_head != kNone && sv_.tok(source_head).xpos == "PRP") {
    // "it has played a crucial role": the pronoun's antecedent.
    if (Actor a = antecedent_of(source_head); !a.code.empty()) sources.push_back(std::move(a));
  }
  if (sources.empty() && !passive && (source_head == kNone || sv_.tok(source_head).upos == Upos::kPron)) {
    // The nearest actor named before a verb without a subject (or with a pronoun that refers to
    // nothing found); a subject that names no actor ("the conflict took a turn") leaves the event
    // without source. Not a name inside a prepositional phrase: the parties of "the conflict
    // between Azerbaijan and Armenia, which spanned three decades, took a turn" took nothing.
    for (uint32_t k = v; k-- > 0;) {
      if (span_at_[k] == kNone || spans_[span_at_[k]].agent || in_prepositional_phrase(k)) continue;
      actors_at(k, sources);
      if (!sources.empty()) break;
    }
  }

  if (!passive && best == nullptr && kPatientSubjectBlocks.contains(block.head)) {
    // The subject of "die" is the victim, not an attacker of the place it died in ("people died
    // in Turkey"): it is the target, and the source only someone named as the cause ("died at
    // the hands of rebels", "died in a Russian drone strike"); without one there is no event.
    targets = std::move(sources);
    sources.clear();
    for (const uint32_t k : sv_.kids(v)) {
      const std::string c = sv_.case_of(k);
      if (sv_.base_rel(k) == UdRel::kObl && (c == "by" || c == "at hands of" || c == "at the hands of")) {
        actors_of(k, 0, sources);
      }
      const bool during = c == "in" || c == "from" || c == "after" || c == "during" || c == "under";
      if (sv_.base_rel(k) == UdRel::kObl && during && is_attack_noun(k)) actors_of(k, 0, sources);
      // "at the hands of X": the actor is the object of "of" under "hands".
      if (sv_.base_rel(k) == UdRel::kObl && c == "at" && sv_.word(k) == "hands") {
        for (const uint32_t n : sv_.kids(k)) {
          if (sv_.case_of(n) == "of") actors_of(n, 0, sources);
        }
      }
    }
  }

  resolve_titles(sources);
  resolve_titles(targets);

  // Negation: the code becomes its negation where CAMEO has one ("not provide" 060 -> 121).
  r.negated = failed(v);
  for (const uint32_t k : sv_.kids(v)) {
    const std::string& w = sv_.word(k);
    if (sv_.is(k, UdRel::kAdvmod) && (w == "not" || w == "n't" || w == "never")) {
      r.negated = true;
    }
  }
  if (r.negated && !code.empty()) {
    // A pattern's code CAMEO cannot negate falls back to the verb's own ("would not provide
    // support": provide 060, negated 121).
    auto n = dicts_.ontology.negate(code);
    if (!n && !form->code.empty()) n = dicts_.ontology.negate(form->code);
    if (n) {
      code = *n;
      r.negated = false;
    }
  }
  r.modality = modality_of(v);
  r.evidence.push_back(sv_.tok(v).span);
  for (const uint32_t k : particle_tokens) r.evidence.push_back(sv_.tok(k).span);
  for (const uint32_t k : best_words) r.evidence.push_back(sv_.tok(k).span);
  r.pattern_tokens = best_words;
  r.verb_code = form->code;
  r.pronoun_source = source_head != kNone && sv_.tok(source_head).xpos == "PRP";
  // A phrase "to", "with", "against" ... of the verb, of its complement or of their objects
  // that names no actor.
  for (uint32_t k = 0; k < sv_.size() && !r.unnamed_target; ++k) {
    if (k == v || !sv_.dominates(v, k) || sv_.is_verb(k) || span_at_[k] != kNone) continue;
    const UdRel kr = sv_.base_rel(k);
    if (kr != UdRel::kObl && kr != UdRel::kNmod) continue;
    // Within the verb's clause or a complement clause of it, not deeper ones.
    bool near = true;
    for (uint32_t up = sv_.head(k); up != v && up != kNone && near; up = sv_.head(up)) {
      const UdRel ur = sv_.base_rel(up);
      near = ur == UdRel::kXcomp || ur == UdRel::kCcomp || ur == UdRel::kObj || ur == UdRel::kNmod ||
             ur == UdRel::kObl;
    }
    // Only nouns for other parties: "agree to a ceasefire" names no recipient.
    static const std::unordered_set<std::string_view> kParties = {
        "countries", "nations", "states",  "others",      "neighbours", "neighbors",
        "partners",  "allies",  "members", "governments", "people"};
    const std::string p = sv_.case_of(k);
    r.unnamed_target = near && kParties.contains(sv_.word(k)) &&
                       (p == "to" || p == "toward" || p == "towards" || p == "with" || p == "against");
  }
  r.noun_subject =
      source_head != kNone && sv_.head(source_head) == v && sv_.tok(source_head).upos != Upos::kPron;
  r.code = std::move(code);
  r.reverse_code = std::move(reverse_code);
  r.sources = std::move(sources);
  r.targets = std::move(targets);
  r.pattern = best != nullptr ? fmt::format("{}: {}", block.head, best->text) : block.head;
  r.from_pattern = best != nullptr;
  return r;
}

}  // namespace caspian::events::coding
