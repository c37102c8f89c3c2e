// The event coder: the dictionaries it loads, the coding of one sentence (construction, the verbs
// of a sentence, the events of a coded verb) and of a document (coreference memory across
// sentences, one event per source, code, target and negation, date and place). See coder.h and
// sentence_coder.h for the rest of the sentence coder.
#include "events/coder.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "caspian/pipeline.h"
#include "events/actor_code.h"
#include "events/actor_spans.h"
#include "events/sentence_coder.h"
#include "events/sentence_mentions.h"
#include "events/sentence_view.h"

namespace caspian::events {

Result<std::unique_ptr<Dictionaries>> Dictionaries::load(const std::filesystem::path& data_dir,
                                                         const EventDictionaryOptions& options) {
  auto d = std::make_unique<Dictionaries>();
  const std::filesystem::path dir = data_dir / "events";
  auto verbs =
      VerbDictionary::load(options.verbs.empty() ? dir / "petrarch2" / "CAMEO.2.0.txt" : options.verbs);
  if (!verbs.ok()) return verbs.status();
  d->verbs = std::move(verbs).value();
  if (!options.only_given_actors) {
    for (const char* f : {"Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                          "Phoenix.MilNonState.actors.txt"}) {
      if (Status s = d->actors.add_actor_file(dir / "petrarch2" / f); !s.ok()) return s;
    }
    if (Status s = d->actors.add_actor_file(dir / "actors.caspian.txt"); !s.ok()) return s;
  }
  const std::filesystem::path agents =
      options.agents.empty() ? dir / "petrarch2" / "Phoenix.agents.txt" : options.agents;
  if (Status s = d->actors.add_agent_file(agents); !s.ok()) return s;
  for (const auto& f : options.actors) {
    if (Status s = d->actors.add_actor_file(f); !s.ok()) return s;
  }
  auto ontology = CodeOntology::load(dir / "petrarch2" / "PETR.Internal.Coding.Ontology.txt");
  if (!ontology.ok()) return ontology.status();
  d->ontology = std::move(ontology).value();
  auto cameo = CameoTable::load(dir / "cameo_codes.tsv");
  if (!cameo.ok()) return cameo.status();
  d->cameo = std::move(cameo).value();
  return d;
}

namespace coding {

SentenceCoder::SentenceCoder(const Dictionaries& dicts, const Document& doc, uint32_t sentence_index, Day day,
                             const Memory& earlier, std::span<const Mention* const> mentions, Span dateline)
    : dicts_(dicts),
      doc_(doc),
      sentence_(sentence_index),
      sv_(doc, doc.sentences[sentence_index], dateline),
      earlier_(earlier),
      mentions_(mentions),
      dateline_(dateline) {
  spans_ = find_actor_spans(sv_, doc, mentions, dicts.actors, day);
  std::erase_if(spans_, [&](const ActorSpan& a) { return in_dateline(a.begin); });
  add_named_again();
  span_at_.assign(sv_.size(), kNone);
  for (uint32_t s = 0; s < spans_.size(); ++s) {
    for (uint32_t k = spans_[s].begin; k < spans_[s].end; ++k) span_at_[k] = s;
  }
  refers_.assign(sv_.size(), false);
  for (uint32_t k = 0; k < sv_.size(); ++k) {
    refers_[k] = sv_.tok(k).xpos == "PRP" && !antecedent_of(k).code.empty();
  }
}

void SentenceCoder::code(std::vector<Event>& out) const {
  std::vector<VerbResult> verbs(sv_.size());
  for (uint32_t v = 0; v < sv_.size(); ++v) {
    // A verb inside an actor's name ("United" in "Belarus–United States relations") is no verb.
    if (!sv_.is_verb(v) || span_at_[v] != kNone) continue;
    verbs[v] = analyse_verb(v);
    const VerbResult& r = verbs[v];
    // The rule codes agreements the dictionaries miss, or code as something else than
    // diplomatic cooperation ("ratified an agreement" is ALLOW 031 there; CAMEO's 057 covers
    // ratifying).
    if (!(r.coded() && !r.sources.empty() && !r.targets.empty()) || !r.code.starts_with(kDiplomaticRoot)) {
      if (auto rule = agreement_rule(v)) verbs[v] = std::move(*rule);
    }
  }
  // A verb whose clause is the complement of another coded verb combines with it ("seek to
  // deepen" 031, "threaten to attack" 138; "said that X" is X) and that upper verb's own event
  // is not emitted.
  std::vector<bool> consumed(sv_.size(), false);
  for (uint32_t v = 0; v < sv_.size(); ++v) {
    VerbResult& r = verbs[v];
    if (!r.coded()) continue;
    const UdRel rel = sv_.base_rel(v);
    const uint32_t u = sv_.head(v);
    if (u == kNone || (rel != UdRel::kXcomp && rel != UdRel::kCcomp) || !verbs[u].known) continue;
    const VerbResult& up = verbs[u];
    // A pronoun subject of the clause is the upper verb's source ("Obama said he would ...").
    // A subject that names no actor stays without one ("Washington said such a step enjoyed
    // support": the step, not Washington).
    if (((r.sources.empty() && !r.noun_subject) || r.pronoun_source) && !up.sources.empty()) {
      r.sources = up.sources;
    }
    const auto merge = [&](std::string code) {
      // As PETRARCH, a combined event is one-way: "is preparing to host Pashinyan" is the host's
      // 043, without the guest's 042.
      r.reverse_code.clear();
      r.code = std::move(code);
      r.pattern = fmt::format("{} + {}", up.pattern, r.pattern);
      r.evidence.insert(r.evidence.end(), up.evidence.begin(), up.evidence.end());
      consumed[u] = true;
    };
    // PETRARCH's transformations of a statement about an attack: "X said (claimed) Y attacked Z"
    // is X accusing Y (112); "X said it would attack Z" is X claiming the attack (015).
    const bool statement = up.verb_code == kStatementCode || up.verb_code.starts_with(kDisapproveRoot);
    if (statement && is_attack(r.code) && !up.sources.empty() && !r.sources.empty()) {
      if (same_actors(up.sources, r.sources)) {
        if (!r.targets.empty()) merge(std::string(kClaimCode));
      } else {
        r.targets = r.sources;
        r.sources = up.sources;
        merge(std::string(kAccuseCode));
      }
      continue;
    }
    // PETRARCH's future under a statement: "Israel announced it would free prisoners" is Israel
    // expressing its intent to (03) do it: release 0841 becomes 0352.
    if (up.verb_code == kStatementCode && r.modality == EventModality::kIntends && !is_attack(r.code) &&
        !r.targets.empty() && same_actors(up.sources, r.sources)) {
      if (const auto c = dicts_.ontology.combine(kIntendCode, r.code)) merge(*c);
      continue;
    }
    const bool pattern_here = std::any_of(up.pattern_tokens.begin(), up.pattern_tokens.end(),
                                          [&](uint32_t k) { return sv_.dominates(v, k); });
    // "Congress asked Obama to help Iran": Congress appeals to Obama (020 + 070 = 023), with the
    // upper verb's own code when its pattern only named this clause.
    if (rel == UdRel::kXcomp && up.object_target && !up.code.empty() && !r.code.empty() &&
        !up.sources.empty()) {
      if (const auto c = dicts_.ontology.combine(pattern_here ? up.verb_code : up.code, r.code)) {
        r.sources = up.sources;
        r.targets = up.targets;
        merge(*c);
      }
      continue;
    }
    // The upper verb's pattern names this clause ("want ... * ATTACK" 138): its code is the event's.
    if (pattern_here && !up.code.empty()) {
      if (r.sources.empty() && !up.sources.empty()) r.sources = up.sources;
      if (r.sources.empty() || r.targets.empty()) continue;
      consumed[u] = true;
      r.code = up.code;
      r.reverse_code = up.reverse_code;
      r.pattern = up.pattern;
      r.from_pattern = true;
      r.evidence.insert(r.evidence.end(), up.evidence.begin(), up.evidence.end());
      continue;
    }
    if (!up.code.empty() && !dicts_.ontology.is_frame(up.code)) continue;
    // A clause whose conjoined subjects act with each other ("Brazil and the United States are
    // seeking to deepen a partnership") combines too.
    const bool paired = r.pairs();
    if (r.sources.empty() || (r.targets.empty() && !paired)) continue;
    consumed[u] = true;
    if (up.code.empty() || up.code == kStatementCode || r.code.empty()) continue;
    if (const auto c = dicts_.ontology.combine(up.code, r.code)) merge(*c);
  }
  // As PETRARCH: when the main verbs of the sentence (its root and their conjuncts) code events,
  // only they and the verbs of their complement and adverbial clauses do; verbs deeper down
  // (relative clauses, modifiers of nouns) are background.
  std::vector<bool> main(sv_.size(), false);
  bool main_coded = false;
  for (uint32_t v = 0; v < sv_.size(); ++v) {
    main[v] = is_main_verb(v);
    main_coded = main_coded || (main[v] && verbs[v].coded() && verbs[v].code != kStatementCode &&
                                !verbs[v].sources.empty() && !verbs[v].targets.empty());
  }
  for (uint32_t v = 0; v < sv_.size(); ++v) {
    if (!verbs[v].coded() || consumed[v]) continue;
    if (main_coded && !main[v] && !is_lower_verb(v, main)) continue;
    // An infinitive under a verb that codes an event of its own is its purpose or its content,
    // not a second event ("pressured by Congress to help Iran", "permission to Russia to help
    // Israel"): as PETRARCH, only the upper event is coded.
    if (const uint32_t u = sv_.head(v); u != kNone && is_infinitive(v) && verbs[u].coded() && !consumed[u] &&
                                        !verbs[u].sources.empty() && !verbs[u].targets.empty()) {
      continue;
    }
    emit(verbs[v], out);
  }
  for (uint32_t k = 0; k < sv_.size(); ++k) {
    if (auto rule = mediation_rule(k)) emit(*rule, out);
  }
}

void SentenceCoder::emit(const VerbResult& r, std::vector<Event>& out) const {
  std::vector<Span> evidence = r.evidence;
  std::sort(evidence.begin(), evidence.end(), [](Span a, Span b) { return a.begin < b.begin; });
  evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
  const auto one = [&](const Actor& src, const Actor& tgt, const std::string& c) {
    // "Make a public statement" says nothing about the target (PETRARCH drops it too).
    if (c.empty() || c == kStatementCode || src.code == tgt.code) return;
    Event e;
    e.sentence = sentence_;
    e.source = {src.span, src.code, src.entity_id};
    e.target = {tgt.span, tgt.code, tgt.entity_id};
    e.code = c;
    constexpr size_t kBase = 3;
    constexpr size_t kRoot = 2;
    e.base_code = c.substr(0, std::min(kBase, c.size()));
    e.root_code = c.substr(0, std::min(kRoot, c.size()));
    if (const CameoCode* cc = dicts_.cameo.find_nearest(c)) {
      e.plover_type = cc->plover_type;
      e.plover_mode = cc->plover_mode;
      e.quad_class = cc->quad_class;
      e.goldstein = cc->goldstein;
    }
    e.negated = r.negated;
    e.modality = r.modality;
    e.evidence = evidence;
    e.pattern = r.pattern;
    e.confidence = r.rule ? kRuleConfidence : r.from_pattern ? kPatternConfidence : kVerbConfidence;
    if (is_role_only(src.code) || is_role_only(tgt.code)) e.confidence *= kRoleOnlyFactor;
    e.method = r.rule ? "rules" : "dictionary";
    out.push_back(std::move(e));
  };
  for (const Actor& s : r.sources) {
    for (const Actor& t : r.targets) {
      one(s, t, r.code);
      // A place visited does not host ("attend a summit in Switzerland"): the reverse event of a
      // pair needs a target named as an actor, not a bare place name.
      if (!names_place_only(t.span)) one(t, s, r.reverse_code);
    }
  }
  // Cooperation among conjoined actors without a target ("the US, Russia and Switzerland met"):
  // each with each, as PETRARCH pairs them.
  if (r.pairs()) {
    for (const Actor& a : r.sources) {
      for (const Actor& b : r.sources) {
        if (&a != &b) one(a, b, r.code);
      }
    }
  }
}

}  // namespace coding

void EventCoder::code(Document& doc) const {
  const Day day = coding::day_of_document(doc);
  const Mention* dateline = coding::dateline_place(doc);
  const Span dateline_span = dateline != nullptr ? coding::dateline_words(doc, *dateline) : Span{};
  std::vector<Event> events;
  coding::Memory memory;  // actors named so far, for pronouns and titles
  const SentenceMentions mentions(doc);
  for (uint32_t s = 0; s < doc.sentences.size(); ++s) {
    if (run_cancelled()) return;  // the document is dropped by its run (events_stage.cc)
    const Sentence& sent = doc.sentences[s];
    if (sent.first_token + sent.token_count > doc.tokens.size()) continue;
    if (sent.token_count > kMaxSentenceTokens) {
      doc.issues.push_back({"events", fmt::format("sentence {} ({} tokens, more than {}) not coded", s,
                                                  sent.token_count, kMaxSentenceTokens)});
      continue;
    }
    const size_t before = events.size();
    const coding::SentenceCoder coder(dicts_, doc, s, day, memory, mentions.of(s), dateline_span);
    coder.code(events);
    coder.remember(memory);
    // One event per (source, code, target, negation) and sentence, as PETRARCH keys them: "will meet
    // in Zurich to discuss" is one consultation, whichever verbs report it; the first keeps the
    // others' evidence and the best confidence.
    for (size_t i = before; i < events.size();) {
      const auto same =
          std::find_if(events.begin() + static_cast<std::ptrdiff_t>(before),
                       events.begin() + static_cast<std::ptrdiff_t>(i), [&](const Event& e) {
                         return e.code == events[i].code && e.source.code == events[i].source.code &&
                                e.target.code == events[i].target.code && e.negated == events[i].negated;
                       });
      if (same == events.begin() + static_cast<std::ptrdiff_t>(i)) {
        ++i;
        continue;
      }
      same->confidence = std::max(same->confidence, events[i].confidence);
      for (const Span& w : events[i].evidence) {
        if (std::find(same->evidence.begin(), same->evidence.end(), w) == same->evidence.end()) {
          same->evidence.push_back(w);
        }
      }
      std::sort(same->evidence.begin(), same->evidence.end(),
                [](Span a, Span b) { return a.begin < b.begin; });
      events.erase(events.begin() + static_cast<std::ptrdiff_t>(i));
    }
    for (size_t i = before; i < events.size(); ++i) {
      coding::date_event(doc, events[i]);
      coding::place_event(doc, mentions.of(events[i].sentence), dateline, events[i]);
    }
  }
  for (Event& e : events) doc.events.push_back(std::move(e));
}

}  // namespace caspian::events
