#include "events/coder.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "caspian/utf8.h"
#include "events/actor_code.h"
#include "events/actor_spans.h"
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

namespace {

// Confidence of an event whose code a dictionary pattern gave, and of one that only the verb gave.
constexpr double kPatternConfidence = 0.8;
constexpr double kVerbConfidence = 0.65;
// Confidence of an event that a rule of caspian's proposes where the dictionaries are silent.
constexpr double kRuleConfidence = 0.5;
// Lower confidence when an actor is only a role without a country ("---MIL").
constexpr double kRoleOnlyFactor = 0.8;
// How far the coder looks through nested noun phrases for an actor ("the leaders of Azerbaijan").
constexpr int kMaxNounDepth = 3;

// An actor of an event: its code, the words that name it and their linked entity.
struct Actor {
  std::string code;
  Span span;
  std::string entity_id;
};

// CAMEO 010, "make statement": a verb of saying, which only frames the event of its clause.
constexpr std::string_view kStatementCode = "010";

// Whether conjoined sources of `code` without a target act with each other: verbal and material
// cooperation, roots 03 to 06 (intend to cooperate, consult, diplomatic and material cooperation).
bool is_paired_root(std::string_view code) {
  constexpr std::string_view kFirst = "03";
  constexpr std::string_view kLast = "06";
  const std::string_view root = code.substr(0, 2);
  return root.size() == 2 && root >= kFirst && root <= kLast;
}

// Assaults, fights and mass violence (CAMEO roots 18 to 20), the "attack" of PETRARCH's
// transformations.
bool is_attack(std::string_view code) {
  constexpr std::string_view kFirst = "18";
  constexpr std::string_view kLast = "20";
  const std::string_view root = code.substr(0, 2);
  return root.size() == 2 && root >= kFirst && root <= kLast;
}
constexpr std::string_view kAccuseCode = "112";  // accuse, not specified below
constexpr std::string_view kClaimCode = "015";   // acknowledge or claim responsibility
// Verb blocks whose subject undergoes the event rather than does it ("die"), when no pattern of
// the block says otherwise ("&PEOPLE * (IN SKIRMISH)" is a fight between the parties).
const std::unordered_set<std::string_view> kPatientSubjectBlocks = {"DIE"};
// Verbs whose meaning is in their object ("take place", "make a trip", "give permission").
const std::unordered_set<std::string_view> kLightVerbs = {"take", "make", "give", "get",
                                                          "have", "put",  "keep", "set"};
constexpr std::string_view kIntendCode = "030";         // express intent to cooperate (the frame of intents)
constexpr std::string_view kDisapproveRoot = "11";      // disapprove: criticize, accuse, allege, claim
constexpr std::string_view kSignAgreementCode = "057";  // sign formal agreement
constexpr std::string_view kMediateCode = "045";        // mediate
constexpr std::string_view kDiplomaticRoot = "05";      // engage in diplomatic cooperation

bool same_actors(const std::vector<Actor>& a, const std::vector<Actor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].code != b[i].code) return false;
  }
  return true;
}

// What the dictionaries say about one verb of a sentence.
struct VerbResult {
  bool known = false;        // the verb dictionary has the verb
  std::string code;          // its event code ("" when the verb or pattern codes nothing)
  std::string reverse_code;  // the code of the target's event for paired codes ("[042:043]")
  std::vector<Actor> sources;
  std::vector<Actor> targets;
  bool negated = false;                  // negated and the negation has no code of its own
  bool pronoun_source = false;           // the subject is a personal pronoun ("he", "they")
  bool noun_subject = false;             // the clause has a subject of its own, not a pronoun
  std::vector<uint32_t> pattern_tokens;  // the words the pattern matched
  bool object_target = false;            // the target is the verb's object
  std::string verb_code;                 // the verb's own code, before patterns
  bool rule = false;                     // coded by a rule of caspian's, not the dictionaries
  bool from_pattern = false;
  // The verb or its complement names a recipient or counterpart that is no actor ("promised to send
  // vaccines to other countries").
  bool unnamed_target = false;
  EventModality modality = EventModality::kAsserted;
  std::string pattern;
  std::vector<Span> evidence;
  [[nodiscard]] bool coded() const { return known && (!code.empty() || !reverse_code.empty()); }
  // Whether conjoined sources act with each other: a cooperative code and no target, named or not
  // ("Armenia and Azerbaijan met"; not "Nine countries promised to send vaccines to others").
  [[nodiscard]] bool pairs() const {
    return targets.empty() && !unnamed_target && sources.size() > 1 && is_paired_root(code);
  }
};

// An actor named earlier in the article, for pronouns and titles to refer to.
struct Antecedent {
  Actor actor;
  uint32_t sentence = 0;
  bool person = false;  // named by a person mention (he, she) rather than a country or group (it)
  bool party = false;   // named as a party: "talks between Armenia and Azerbaijan"
  bool city = false;    // named by a city's name, which pronouns do not refer to
};
// How many sentences back a pronoun or title may refer.
constexpr uint32_t kCorefSentences = 3;

class SentenceCoder {
 public:
  // `dateline`: the words of the article's dateline, where the report was filed, which name no
  // actor ("MOSCOW (Reuters) - Armenia criticized ...").
  SentenceCoder(const Dictionaries& dicts, const Document& doc, uint32_t sentence_index, Day day,
                const std::vector<Antecedent>& earlier, Span dateline)
      : dicts_(dicts),
        doc_(doc),
        sentence_(sentence_index),
        sv_(doc, doc.sentences[sentence_index], dateline),
        earlier_(earlier),
        dateline_(dateline) {
    spans_ = find_actor_spans(sv_, doc, dicts.actors, day);
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

  void code(std::vector<Event>& out) const {
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
      const std::string_view rel = sv_.base_rel(v);
      const uint32_t u = sv_.head(v);
      if (u == kNone || (rel != "xcomp" && rel != "ccomp") || !verbs[u].known) continue;
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
      if (rel == "xcomp" && up.object_target && !up.code.empty() && !r.code.empty() && !up.sources.empty()) {
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
      if (const uint32_t u = sv_.head(v); u != kNone && is_infinitive(v) && verbs[u].coded() &&
                                          !consumed[u] && !verbs[u].sources.empty() &&
                                          !verbs[u].targets.empty()) {
        continue;
      }
      emit(verbs[v], out);
    }
    for (uint32_t k = 0; k < sv_.size(); ++k) {
      if (auto rule = mediation_rule(k)) emit(*rule, out);
    }
  }

  // The rule for mediation the dictionaries miss: "under U.S. auspices", "under the auspices of
  // the UN" is the sponsor mediating (045) between the parties named in this sentence or the few
  // before ("negotiations between Armenia and Azerbaijan"). Method "rules", lower confidence.
  [[nodiscard]] std::optional<VerbResult> mediation_rule(uint32_t k) const {
    if (sv_.word(k) != "auspices") return std::nullopt;
    VerbResult r;
    actors_of(k, 0, r.sources);
    if (r.sources.empty()) return std::nullopt;
    for (uint32_t j = 0; j < sv_.size(); ++j) {
      if (span_at_[j] != kNone && !spans_[span_at_[j]].agent && is_party(j) && j != k) {
        const ActorSpan& a = spans_[span_at_[j]];
        const Span span = sv_.span(a.begin, a.end);
        r.targets.push_back({a.code, span, entity_in(span)});
        j = a.end - 1;
      }
    }
    for (auto it = earlier_.rbegin(); it != earlier_.rend() && r.targets.size() < 2; ++it) {
      if (it->sentence + kCorefSentences < sentence_) break;
      const bool known = std::any_of(r.targets.begin(), r.targets.end(),
                                     [&](const Actor& t) { return t.code == it->actor.code; });
      if (it->party && !known) r.targets.push_back(it->actor);
    }
    std::erase_if(r.targets, [&](const Actor& t) { return t.code == r.sources.front().code; });
    if (r.targets.empty()) return std::nullopt;
    r.known = true;
    r.rule = true;
    r.code = std::string(kMediateCode);
    r.verb_code = r.code;
    r.pattern = "rule: under the auspices of";
    r.evidence = {sv_.tok(k).span};
    return r;
  }

  // Appends the actors this sentence names (not bare roles) to `memory`, in text order.
  void remember(std::vector<Antecedent>& memory) const {
    for (const ActorSpan& a : spans_) {
      if (a.agent) continue;
      const Span span = sv_.span(a.begin, a.end);
      const bool person = names_person(span);
      memory.push_back(
          {{a.code, span, entity_in(span)}, sentence_, person, is_party(a.begin), names_city(span)});
    }
  }

  // Whether a person mention overlaps `span` (for "he" and "she" rather than "it").
  [[nodiscard]] bool names_person(Span span) const {
    return std::any_of(doc_.mentions.begin(), doc_.mentions.end(), [&](const Mention& m) {
      return m.kind == EntityKind::kPerson && m.span.begin < span.end && span.begin < m.span.end;
    });
  }

  // Whether `span` is just a city's name ("Baghdad": "they kidnapped" is not Baghdad).
  [[nodiscard]] bool names_city(Span span) const {
    return std::any_of(doc_.mentions.begin(), doc_.mentions.end(), [&](const Mention& m) {
      return m.kind == EntityKind::kPlace && m.span.begin <= span.begin && m.span.end >= span.end;
    });
  }

  // Whether `span` is just the name of a country or place ("Switzerland", not "the Swiss
  // government").
  [[nodiscard]] bool names_place_only(Span span) const {
    return std::any_of(doc_.mentions.begin(), doc_.mentions.end(), [&](const Mention& m) {
      return (m.kind == EntityKind::kCountry || m.kind == EntityKind::kPlace ||
              m.kind == EntityKind::kFeature) &&
             m.span.begin <= span.begin && m.span.end >= span.end;
    });
  }

  // Whether token `k` is (in) the object of "between": a party of talks or of a conflict.
  [[nodiscard]] bool is_party(uint32_t k) const {
    constexpr int kMaxSteps = 3;  // "between the leaders of A and B"
    uint32_t cur = k;
    for (int step = 0; step < kMaxSteps && cur != kNone; ++step) {
      if (sv_.case_of(cur) == "between") return true;
      cur = sv_.head(cur);
    }
    return false;
  }

 private:
  // Whether token `k` is in the article's dateline.
  [[nodiscard]] bool in_dateline(uint32_t k) const {
    if (k == kNone || dateline_.size() == 0) return false;
    const Span w = sv_.tok(k).span;
    return w.begin < dateline_.end && dateline_.begin < w.end;
  }

  // A person or organisation named again by a shorter name the dictionaries lack ("Bayramov" after
  // "Jeyhun Bayramov"), which the entity linker linked to the same entity as an actor named earlier
  // in the article, is that actor.
  void add_named_again() {
    for (const Mention& m : doc_.mentions) {
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
      const auto earlier = std::find_if(earlier_.rbegin(), earlier_.rend(), [&](const Antecedent& a) {
        return a.actor.entity_id == m.entity_id;
      });
      if (earlier == earlier_.rend()) continue;
      // A role noun inside the name ("Minister") gives way to the name.
      std::erase_if(spans_, [&](const ActorSpan& a) { return a.begin < end && begin < a.end; });
      spans_.push_back({begin, end, earlier->actor.code, false, false, {}});
    }
    std::sort(spans_.begin(), spans_.end(),
              [](const ActorSpan& a, const ActorSpan& b) { return a.begin < b.begin; });
  }

  // The actor a personal pronoun at token `k` refers to: the nearest earlier actor of the right
  // kind (he, she: a person; it: a country or group; they: any) in this sentence or the few
  // before. Empty code when none.
  [[nodiscard]] Actor antecedent_of(uint32_t k) const {
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
    for (auto it_e = earlier_.rbegin(); it_e != earlier_.rend(); ++it_e) {
      if (it_e->sentence + kCorefSentences < sentence_) break;
      if (fits(it_e->person) && !it_e->city) return it_e->actor;
    }
    return {};
  }

  // A bare role ("the president" ---GOV) stands for the latest actor named earlier with that role
  // (KAZGOV for "Kassym-Jomart Tokayev"); unchanged when there is none.
  void resolve_titles(std::vector<Actor>& actors) const {
    for (Actor& a : actors) {
      if (!is_role_only(a.code)) continue;
      const std::string_view role = std::string_view(a.code).substr(kUnknownCountry.size());
      if (role.empty()) continue;
      for (auto it_e = earlier_.rbegin(); it_e != earlier_.rend(); ++it_e) {
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

  // The actors of the noun phrase headed by `h`: its own name, or a role qualified by a country
  // among its modifiers, or the country of a modifier ("the US leader"); and those of its conjuncts.
  void actors_of(uint32_t h, int depth, std::vector<Actor>& out, bool parties = false) const {
    if (h == kNone || depth > kMaxNounDepth) return;
    const Token& t = sv_.tok(h);
    if (sv_.is_verb(h) || t.upos == "AUX") return;
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
      const std::string_view r = sv_.rel(k);
      // A number may be a name ("M23 rebels": "M23" tagged a numeral); a title before a name is
      // its "nmod:desc" ("Syrian foreign minister Asaad al-Shaibani").
      const bool nominal_modifier = r == "compound" || r == "amod" || r == "nmod:poss" || r == "flat" ||
                                    r == "nmod" || r == "appos" || r == "nummod" || r == "nmod:desc";
      if (!nominal_modifier) continue;
      if (r == "nmod") {
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
        const std::string_view r = sv_.rel(k);
        if ((r != "amod" && r != "compound") || span_at_[k] == kNone || !spans_[span_at_[k]].agent) continue;
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
      if (sv_.rel(k) != "conj") continue;
      actors_of(k, depth, out, parties);
      // A bare country coordinated with a role qualified by another shares the role: "US and
      // British activists" are USAOPP and GBROPP.
      const bool bare_country = own.size() == kActorPartLength && !own_agent && own_at < out.size() &&
                                std::all_of(sv_.kids(h).begin(), sv_.kids(h).end(), [&](uint32_t c) {
                                  const std::string_view r = sv_.base_rel(c);
                                  return r == "conj" || r == "cc" || r == "punct" || r == "det";
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

  // The entity of a mention within `span`, if any.
  [[nodiscard]] std::string entity_in(Span span) const {
    for (const Mention& m : doc_.mentions) {
      if (m.sentence == sentence_ && m.span.begin >= span.begin && m.span.end <= span.end &&
          !m.entity_id.empty()) {
        return m.entity_id;
      }
    }
    return {};
  }

  // The sentence's root verb, the verbs of a verbless root ("X is ready to ...") and their
  // coordinated and paratactic verbs.
  [[nodiscard]] bool is_main_verb(uint32_t v) const {
    if (!sv_.is_verb(v)) return false;
    uint32_t cur = v;
    for (uint32_t steps = 0; steps < sv_.size(); ++steps) {
      const std::string_view r = sv_.base_rel(cur);
      if (r == "root") return true;
      if (r != "conj" && r != "parataxis") break;
      cur = sv_.head(cur);
      if (cur == kNone) return false;
    }
    // A verb directly under a root that is not a verb (a nominal or adjectival predicate).
    const uint32_t h = sv_.head(v);
    return h != kNone && sv_.base_rel(h) == "root" && !sv_.is_verb(h) && sv_.rel(v) != "cop";
  }

  // A verb of a complement or adverbial clause of a main verb (or coordinated with one).
  [[nodiscard]] bool is_lower_verb(uint32_t v, const std::vector<bool>& main) const {
    uint32_t cur = v;
    while (sv_.base_rel(cur) == "conj" && sv_.head(cur) != kNone) cur = sv_.head(cur);
    const std::string_view r = sv_.base_rel(cur);
    const uint32_t h = sv_.head(cur);
    return h != kNone && main[h] && (r == "advcl" || r == "ccomp" || r == "xcomp");
  }

  // The "by" phrase of passive verb `v`, or kNone: its own, or that of its instrument ("were killed
  // in an air strike by government forces").
  [[nodiscard]] uint32_t passive_agent(uint32_t v) const {
    for (const uint32_t k : sv_.kids(v)) {
      if (sv_.base_rel(k) == "obl" && sv_.case_of(k) == "by") return k;
    }
    for (const uint32_t k : sv_.kids(v)) {
      if (sv_.base_rel(k) != "obl") continue;
      for (const uint32_t n : sv_.kids(k)) {
        if (sv_.base_rel(n) == "nmod" && sv_.case_of(n) == "by") return n;
      }
    }
    return kNone;
  }

  // Whether token `k` is the object of a preposition, or conjoined or apposed to one ("between A
  // and B", "in Urubamba province, Peru").
  [[nodiscard]] bool in_prepositional_phrase(uint32_t k) const {
    for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
      const std::string c = sv_.case_of(cur);
      if (!c.empty() && c != "'s" && c != "'") return true;
      const std::string_view r = sv_.base_rel(cur);
      if (r != "conj" && r != "flat" && r != "compound" && r != "appos") return false;
    }
    return false;
  }

  // Whether token `k` is in a phrase that says when, why or where to, not who: introduced by
  // "after", "before", "since", "amid", "to", ... on its way up to the verb ("sent to the border
  // area after Venezuelan civilians fired": not sent by the civilians). With `attack`, a phrase
  // that names an attack names its attackers ("killed amid Iranian attacks").
  [[nodiscard]] bool in_circumstance_phrase(uint32_t k, bool attack) const {
    static const std::unordered_set<std::string_view> kCircumstance = {
        "after", "before", "since",   "until", "amid", "despite", "following", "to",
        "into",  "toward", "towards", "as",    "than", "like",    "about"};
    for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
      if (kCircumstance.contains(sv_.case_of(cur))) return !(attack && is_attack_noun(cur));
      if (sv_.is_verb(cur)) return false;
    }
    return false;
  }

  // Whether verb `v` tells what an accident did: a participle or coordinated verb of a crash,
  // collision, collapse, sinking or derailment ("crashes into a forest, killing all 48").
  [[nodiscard]] bool after_accident(uint32_t v) const {
    static const std::unordered_set<std::string_view> kAccidents = {
        "crash",     "crashes",   "crashed",  "collide",  "collides", "collided",  "collapse",
        "collapses", "collapsed", "sink",     "sinks",    "sank",     "derail",    "derails",
        "derailed",  "capsize",   "capsizes", "capsized", "overturn", "overturns", "overturned"};
    // The participle of the accident itself ("crashes, killing 31"; "collide, killing a driver and
    // injuring 40"), not a clause of its own ("crashes while repelling a Russian airstrike", "after
    // being shot down").
    uint32_t cur = v;
    while (sv_.base_rel(cur) == "conj" && sv_.head(cur) != kNone && sv_.tok(sv_.head(cur)).xpos == "VBG") {
      cur = sv_.head(cur);
    }
    const std::string_view r = sv_.base_rel(cur);  // "acl": "crashes" read as a noun
    if (sv_.tok(cur).xpos != "VBG" || (r != "advcl" && r != "acl") || sv_.kid(cur, "mark") != kNone)
      return false;
    const uint32_t up = sv_.head(cur);
    return up != kNone && kAccidents.contains(sv_.word(up));
  }

  // Whether verb `v` is what its governor failed to do ("fail to reach an agreement") or was kept
  // from doing ("are prohibited from providing services to the Syrian government").
  [[nodiscard]] bool failed(uint32_t v) const {
    static const std::unordered_set<std::string_view> kFail = {"fail", "fails", "failed", "failing"};
    static const std::unordered_set<std::string_view> kKeep = {
        "prohibit", "prohibits", "prohibited", "bar",       "bars",      "barred",  "ban",      "bans",
        "banned",   "prevent",   "prevents",   "prevented", "stop",      "stops",   "stopped",  "block",
        "blocks",   "blocked",   "forbid",     "forbids",   "forbidden", "refrain", "refrains", "refrained"};
    const uint32_t up = sv_.head(v);
    if (up == kNone) return false;
    if (sv_.base_rel(v) == "xcomp" && kFail.contains(sv_.word(up))) return true;
    const uint32_t m = sv_.kid(v, "mark");
    return m != kNone && sv_.word(m) == "from" && kKeep.contains(sv_.word(up));
  }

  // The head word of the actor name that token `k` is in (`k` itself outside names).
  [[nodiscard]] uint32_t name_head(uint32_t k) const {
    uint32_t h = k;
    for (uint32_t steps = 0; span_at_[k] != kNone && sv_.head(h) != kNone &&
                             span_at_[sv_.head(h)] == span_at_[k] && steps < sv_.size();
         ++steps) {
      h = sv_.head(h);
    }
    return h;
  }

  // Whether token `k` qualifies an attack named on its way up to the verb ("in Russian drone
  // strikes", "amid Iranian attacks", "an attack by Hamas"), and so names an attacker; a phrase of
  // the attack names its target or place instead ("strikes on Kyiv").
  [[nodiscard]] bool in_attacker_phrase(uint32_t k) const {
    for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
      if (sv_.is_verb(cur)) return false;
      const uint32_t up = sv_.head(cur);
      if (up == kNone || !is_attack_noun(up)) continue;
      const std::string_view r = sv_.base_rel(cur);
      const std::string c = sv_.case_of(cur);
      return r == "amod" || r == "compound" || sv_.rel(cur) == "nmod:poss" || c == "by" || c == "from";
    }
    return false;
  }

  // Whether word `w` below light verb `v` may be a word of its patterns: in its object, complement
  // or passive subject, or a dependent of the verb itself with its preposition and determiners.
  [[nodiscard]] bool light_verb_word(uint32_t v, uint32_t w) const {
    uint32_t top = w;
    while (top != kNone && sv_.head(top) != v) top = sv_.head(top);
    if (top == kNone) return false;
    const std::string_view r = sv_.base_rel(top);
    if (r == "obj" || r == "iobj" || r == "xcomp" || r == "ccomp" || r == "compound" || r == "nsubj")
      return true;
    if (w == top) return true;
    const std::string_view wr = sv_.base_rel(w);
    return sv_.head(w) == top && (wr == "case" || wr == "det");
  }

  // Whether verb `v` heads a "to" infinitive clause of the word above it.
  [[nodiscard]] bool is_infinitive(uint32_t v) const {
    const std::string_view r = sv_.base_rel(v);
    if (r != "advcl" && r != "xcomp" && r != "acl") return false;
    const uint32_t m = sv_.kid(v, "mark");
    return m != kNone && sv_.word(m) == "to";
  }

  // Whether nominal `k` names an attack, by itself or by a compound or participle of its own
  // ("air strike", "tank shelling"): "killed in an Israeli air strike" names the attacker, not a
  // place.
  [[nodiscard]] bool is_attack_noun(uint32_t k) const {
    static const std::unordered_set<std::string_view> kAttackNouns = {
        "attack",  "attacks",  "strike",  "strikes",     "airstrike", "airstrikes", "shelling",
        "bombing", "bombings", "raid",    "raids",       "offensive", "assault",    "ambush",
        "fire",    "gunfire",  "barrage", "bombardment", "crackdown", "shellfire"};
    // A strike that is no attack: "lightning strikes", "a hunger strike", "a general strike".
    static const std::unordered_set<std::string_view> kNotAttacks = {"lightning", "hunger", "general",
                                                                     "labor",     "labour", "national"};
    if (std::any_of(sv_.kids(k).begin(), sv_.kids(k).end(),
                    [&](uint32_t d) { return kNotAttacks.contains(sv_.word(d)); })) {
      return false;
    }
    if (kAttackNouns.contains(sv_.word(k))) return true;
    return std::any_of(sv_.kids(k).begin(), sv_.kids(k).end(), [&](uint32_t d) {
      const std::string_view r = sv_.base_rel(d);
      // "a series of Israeli strikes", "a wave of attacks".
      const bool counted = r == "nmod" && sv_.case_of(d) == "of";
      return (r == "compound" || r == "acl" || r == "conj" || counted) && kAttackNouns.contains(sv_.word(d));
    });
  }

  // Whether token `k` is in a phrase introduced by "in", "at", "across", "near", ... (a place,
  // not a participant), and not "in" an attack.
  [[nodiscard]] bool is_place_phrase(uint32_t k) const {
    static const std::unordered_set<std::string_view> kPlacePrepositions = {
        "in", "at", "across", "throughout", "near", "around", "inside", "outside", "within"};
    // Whether a preposition other than "of" stands between `k` and the phrase ("Israeli strikes on
    // Gaza": Gaza is where, "Israeli" who).
    bool nested = false;
    for (uint32_t cur = k; cur != kNone; cur = sv_.head(cur)) {
      const std::string c = sv_.case_of(cur);
      if (kPlacePrepositions.contains(c)) return nested || !is_attack_noun(cur);
      // "of" joins a quantity to what it counts ("a series of Israeli strikes"), no place.
      if (!c.empty() && c != "by" && c != "of" && c != "'s" && c != "'") nested = true;
      if (sv_.is_verb(cur)) return false;
    }
    return false;
  }

  // Whether token `k` (in the subtree of verb `v`) belongs to the clause of another verb below `v`;
  // with `through_xcomp`, the controlled complements of `v` ("wants to attack X") count as its own.
  [[nodiscard]] bool in_other_clause(uint32_t v, uint32_t k, bool through_xcomp = false) const {
    for (uint32_t cur = k; cur != kNone && cur != v; cur = sv_.head(cur)) {
      if (sv_.is_verb(cur) && !(through_xcomp && sv_.base_rel(cur) == "xcomp")) return true;
    }
    return false;
  }

  // The subject of `v`, inherited from the verb it depends on when it has none. `passive` is set
  // also when there is none ("warned that people could be hit by flooding", "people" misparsed).
  [[nodiscard]] uint32_t subject_of(uint32_t v, bool& passive) const {
    passive =
        sv_.kid(v, "aux:pass") != kNone || (sv_.kid(v, "obl:agent") != kNone && sv_.kid(v, "nsubj") == kNone);
    for (uint32_t cur = v, steps = 0; cur != kNone && steps < sv_.size(); ++steps) {
      const uint32_t s = sv_.kid(cur, "nsubj", true);
      if (s != kNone) {
        // A passive verb may take its subject from the verb it depends on ("the civilians
        // imprisoned ... were released by Putin"): its auxiliary tells.
        // A participle coordinated with a passive shares its auxiliary ("are killed and 10 more
        // injured").
        const bool shares_aux = sv_.tok(v).xpos == "VBN" && sv_.kid(v, "aux") == kNone;
        passive = passive || (sv_.rel(s) == "nsubj:pass" && (cur == v || shares_aux));
        // A relative pronoun stands for the noun the clause modifies.
        const std::string_view x = sv_.tok(s).xpos;
        if ((x == "WDT" || x == "WP") && sv_.base_rel(cur) == "acl") return sv_.head(cur);
        // A relative clause the parser hung on the verb ("condemns ISIL's attacks, which killed
        // civilians": "killed" advcl:relcl of "condemns"): "which" stands for the verb's object.
        if ((x == "WDT" || x == "WP") && sv_.rel(cur) == "advcl:relcl" && sv_.head(cur) != kNone) {
          const uint32_t o = sv_.kid(sv_.head(cur), "obj");
          if (o != kNone && o < s) return o;
        }
        return s;
      }
      const std::string_view r = sv_.base_rel(cur);
      if (r == "acl" && sv_.rel(cur) != "acl:relcl") {
        // A participle modifying a noun: "soldiers killed in Ukraine" (the noun is the patient),
        // "the leader prepared to attend" (the agent).
        passive = cur == v && sv_.tok(cur).xpos == "VBN" && sv_.kid(cur, "obj") == kNone;
        return sv_.head(cur);
      }
      if (r != "xcomp" && r != "conj" && r != "advcl") return kNone;
      const uint32_t up = sv_.head(cur);
      // "sentences three people to death for killing a rabbi", "accused Ukraine of attacking",
      // "prevented Hamas from attacking": the object of the governor does the gerund.
      if (r == "advcl" && sv_.tok(cur).xpos == "VBG" && up != kNone && sv_.kid(up, "obj") != kNone) {
        const uint32_t m = sv_.kid(cur, "mark");
        if (m != kNone && (sv_.word(m) == "for" || sv_.word(m) == "of" || sv_.word(m) == "from")) {
          return sv_.kid(up, "obj");
        }
      }
      // "asked Obama to help": the object of a verb of asking, ordering or letting does the
      // controlled verb; the subject still does it after other verbs ("visits Washington to attend
      // meetings", an infinitive of purpose the parser took for a complement).
      static const std::unordered_set<std::string_view> kObjectControl = {
          "ask",        "asks",       "asked",      "asking",    "urge",       "urges",      "urged",
          "urging",     "order",      "orders",     "ordered",   "ordering",   "tell",       "tells",
          "told",       "telling",    "force",      "forces",    "forced",     "forcing",    "allow",
          "allows",     "allowed",    "allowing",   "permit",    "permits",    "permitted",  "invite",
          "invites",    "invited",    "inviting",   "encourage", "encourages", "encouraged", "persuade",
          "persuades",  "persuaded",  "press",      "presses",   "pressed",    "pressing",   "want",
          "wants",      "wanted",     "require",    "requires",  "required",   "instruct",   "instructs",
          "instructed", "advise",     "advises",    "advised",   "authorize",  "authorizes", "authorized",
          "authorise",  "authorises", "authorised", "compel",    "compels",    "compelled",  "enable",
          "enables",    "enabled",    "help",       "helps",     "helped",     "pressure",   "pressured",
          "call",       "calls",      "called",     "direct",    "directs",    "directed",   "appeal",
          "appealed",   "lead",       "led",        "get",       "got",        "let",        "lets",
          "expect",     "expects",    "expected",   "warn",      "warns",      "warned"};
      if (r == "xcomp" && up != kNone && sv_.kid(up, "obj") != kNone &&
          kObjectControl.contains(sv_.word(up))) {
        return sv_.kid(up, "obj");
      }
      cur = up;
    }
    return kNone;
  }

  // Prepositions whose object may be the target of an event ("meet with", "attack on").
  static bool target_preposition(std::string_view p) {
    static const std::unordered_set<std::string_view> kTargets = {
        "with", "to",  "against", "toward", "towards", "on", "upon",
        "from", "for", "between", "into",   "over",    "at"};
    return kTargets.contains(p);
  }

  // Matches pattern items against the words of `positions` (sentence order) starting at `from`;
  // records where "$" and "+" stand. Returns false if the items do not all match.
  // With `light` (a light verb), a pattern's words start only where light_verb_word allows.
  bool match_items(const std::vector<PatternItem>& items, const std::vector<uint32_t>& positions, size_t from,
                   std::vector<uint32_t>& matched, uint32_t& source_at, uint32_t& target_at,
                   uint32_t light = kNone) const {
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
        if (sv_.rel(w) == "mark") continue;
        // The verb of a controlled clause is an event of its own, which the upper verb's code
        // frames ("wants to help Israel" is WANT 030 + HELP 070 = 033, not "* HELP" 023).
        if (sv_.is_verb(w) && sv_.base_rel(w) == "xcomp") continue;
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

  // The code, actors and evidence of verb `v` (known: false when the dictionary lacks it).
  [[nodiscard]] VerbResult analyse_verb(uint32_t v) const {
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
          if (sv_.dominates(k, w) && sv_.rel(w) != "case") before.push_back(w);
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
          exact += static_cast<size_t>(it.kind == PatternItem::Kind::kWord &&
                                       std::any_of(matched.begin(), matched.end(),
                                                   [&](uint32_t k) { return sv_.word(k) == it.word; }));
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
    std::string reverse_code = best != nullptr ? best->target_code
                               : light         ? std::string()
                                               : form->reverse_code;

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
    if (target_head == kNone) target_head = sv_.kid(v, "obj");
    if (target_head == kNone) target_head = sv_.kid(v, "iobj");
    std::vector<Actor> sources;
    std::vector<Actor> targets;
    const auto actors_at = [&](uint32_t tok, std::vector<Actor>& into) {
      // The phrase that an actor found by a pattern belongs to: climb to the nominal head.
      uint32_t h = tok;
      while (h != kNone && sv_.head(h) != kNone && span_at_[sv_.head(h)] == span_at_[tok]) h = sv_.head(h);
      // A name that qualifies a role is that role's country ("an attack by Osgiliath soldiers":
      // OSGMIL, not OSG).
      if (const uint32_t up = sv_.head(h);
          up != kNone && span_at_[up] != kNone && spans_[span_at_[up]].agent) {
        const std::string_view r = sv_.base_rel(h);
        if (r == "compound" || r == "amod" || sv_.rel(h) == "nmod:poss") h = up;
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
        if (sv_.base_rel(k) == "obl") candidates.push_back(k);
      }
      if (target_head != kNone) {
        for (const uint32_t k : sv_.kids(target_head)) {
          if (sv_.base_rel(k) == "nmod") candidates.push_back(k);
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
    if (!passive && !sources.empty() && sv_.base_rel(v) == "conj") {
      // A verb coordinated with a noun phrase before its subject is the parser's reading of
      // coordinated subjects ("The US, Russia, and Switzerland met" with "met" under "US"): the
      // phrase's names, apposed and coordinated, are subjects too.
      const uint32_t h = sv_.head(v);
      if (h != kNone && h < subj && !sv_.is_verb(h) && span_at_[h] != kNone) {
        std::vector<Actor> more;
        actors_of(h, 0, more);
        for (const uint32_t k : sv_.kids(h)) {
          if (sv_.rel(k) == "appos") actors_of(k, 0, more);
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
    if (sources.empty() && !passive && (source_head == kNone || sv_.tok(source_head).upos == "PRON")) {
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
        if (sv_.base_rel(k) == "obl" && (c == "by" || c == "at hands of" || c == "at the hands of")) {
          actors_of(k, 0, sources);
        }
        const bool during = c == "in" || c == "from" || c == "after" || c == "during" || c == "under";
        if (sv_.base_rel(k) == "obl" && during && is_attack_noun(k)) actors_of(k, 0, sources);
        // "at the hands of X": the actor is the object of "of" under "hands".
        if (sv_.base_rel(k) == "obl" && c == "at" && sv_.word(k) == "hands") {
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
      if (sv_.base_rel(k) == "neg" ||
          (sv_.rel(k) == "advmod" && (w == "not" || w == "n't" || w == "never"))) {
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
      const std::string_view kr = sv_.base_rel(k);
      if (kr != "obl" && kr != "nmod") continue;
      // Within the verb's clause or a complement clause of it, not deeper ones.
      bool near = true;
      for (uint32_t up = sv_.head(k); up != v && up != kNone && near; up = sv_.head(up)) {
        const std::string_view ur = sv_.base_rel(up);
        near = ur == "xcomp" || ur == "ccomp" || ur == "obj" || ur == "nmod" || ur == "obl";
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
        source_head != kNone && sv_.head(source_head) == v && sv_.tok(source_head).upos != "PRON";
    r.code = std::move(code);
    r.reverse_code = std::move(reverse_code);
    r.sources = std::move(sources);
    r.targets = std::move(targets);
    r.pattern = best != nullptr ? fmt::format("{}: {}", block.head, best->text) : block.head;
    r.from_pattern = best != nullptr;
    return r;
  }

  // The rule for agreements the dictionaries miss ("the agreement between Azerbaijan and Armenia
  // was finalized", "Armenia signed a treaty with Turkey"): a verb of concluding whose object (or
  // passive subject) is an agreement is CAMEO 057, sign formal agreement, between its subject and
  // the agreement's parties, or among the parties. Method "rules", lower confidence.
  [[nodiscard]] std::optional<VerbResult> agreement_rule(uint32_t v) const {
    static const std::unordered_set<std::string_view> kConclude = {
        "sign",       "signs",      "signed",    "signing",   "finalize",   "finalizes", "finalized",
        "finalizing", "finalise",   "finalises", "finalised", "finalising", "conclude",  "concludes",
        "concluded",  "concluding", "seal",      "seals",     "sealed",     "sealing",   "ink",
        "inks",       "inked",      "inking",    "reach",     "reaches",    "reached",   "reaching",
        "initial",    "initialled", "initialed", "ratify",    "ratifies",   "ratified",  "ratifying"};
    static const std::unordered_set<std::string_view> kAgreement = {
        "agreement", "agreements", "accord", "accords",    "treaty",      "treaties", "deal",
        "deals",     "pact",       "pacts",  "memorandum", "declaration", "protocol"};
    if (!kConclude.contains(sv_.word(v))) return std::nullopt;
    bool passive = false;
    const uint32_t subj = subject_of(v, passive);
    const uint32_t patient = passive ? subj : sv_.kid(v, "obj");
    if (patient == kNone || !kAgreement.contains(sv_.word(patient))) return std::nullopt;
    VerbResult r;
    r.known = true;
    r.code = std::string(kSignAgreementCode);
    r.verb_code = r.code;
    r.pattern = fmt::format("rule: {} agreement", sv_.word(v));
    // The parties named with the agreement come first ("military pacts with Estonia and Italy":
    // Estonia and Italy, not the military).
    for (const uint32_t k : sv_.kids(patient)) {
      const std::string c = sv_.case_of(k);
      if (sv_.base_rel(k) == "nmod" && (c == "between" || c == "with")) actors_of(k, 0, r.targets, true);
    }
    if (r.targets.empty()) actors_of(patient, 0, r.targets, true);
    if (r.targets.empty()) {
      // The parties may be named deeper in the agreement's title ("the Agreement on the
      // Establishment of Peace and Interstate Relations between Azerbaijan and Armenia").
      for (uint32_t k = patient + 1; k < sv_.size() && r.targets.empty(); ++k) {
        const std::string c = sv_.case_of(k);
        if ((c == "between" || c == "with") && sv_.dominates(patient, k) && !in_other_clause(v, k)) {
          actors_of(k, 0, r.targets, true);
        }
      }
    }
    if (passive) {
      actors_of(passive_agent(v), 0, r.sources);
    } else {
      actors_of(subj, 0, r.sources);
    }
    if (r.sources.empty()) {
      // The parties sign with each other.
      r.sources = std::move(r.targets);
      r.targets.clear();
      if (r.sources.size() < 2) return std::nullopt;
    } else if (r.targets.empty()) {
      return std::nullopt;
    }
    r.modality = modality_of(v);
    r.negated = failed(v);
    r.rule = true;
    r.evidence = {sv_.tok(v).span, sv_.tok(patient).span};
    return r;
  }

  // Appends the events of a coded verb: every source with every target, and the reverse event of
  // a paired code ("[042:043]").
  void emit(const VerbResult& r, std::vector<Event>& out) const {
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

  // Said, intends, offered, planned or denied: from the verbs above `v` and its auxiliaries.
  [[nodiscard]] EventModality modality_of(uint32_t v) const {
    for (const uint32_t k : sv_.kids(v)) {
      const std::string& w = sv_.word(k);
      if (sv_.rel(k) == "aux" && (w == "will" || w == "would" || w == "shall" || w == "'ll")) {
        return EventModality::kIntends;
      }
    }
    static const std::unordered_set<std::string_view> kOffer = {
        "offer", "offered", "offers", "offering", "propose", "proposed", "proposes", "volunteered"};
    static const std::unordered_set<std::string_view> kPlan = {
        "plan",      "plans",     "planned", "planning", "prepare",  "prepares", "prepared",
        "preparing", "scheduled", "intend",  "intends",  "intended", "seek",     "seeks",
        "sought",    "seeking",   "want",    "wants",    "wanted",   "hope",     "hopes",
        "hoped",     "expect",    "expects", "expected", "aim",      "aims",     "aimed"};
    static const std::unordered_set<std::string_view> kDeny = {"deny",    "denies",  "denied",   "denying",
                                                               "reject",  "rejects", "rejected", "refuse",
                                                               "refuses", "refused"};
    static const std::unordered_set<std::string_view> kSay = {
        "say", "says", "said", "told", "tell", "tells", "stated", "announced", "reported", "claimed"};
    for (uint32_t cur = v, steps = 0; cur != kNone && steps < sv_.size(); ++steps) {
      const std::string_view r = sv_.base_rel(cur);
      if (r != "xcomp" && r != "ccomp" && r != "advcl") break;
      const uint32_t up = sv_.head(cur);
      if (up == kNone) break;
      const std::string& w = sv_.word(up);
      if (r == "xcomp" && kOffer.contains(w)) return EventModality::kOffered;
      if (r == "xcomp" && kPlan.contains(w)) return EventModality::kPlanned;
      if (kDeny.contains(w)) return EventModality::kDenied;
      if (r == "ccomp" && kSay.contains(w)) return EventModality::kSaid;
      cur = up;
    }
    // The infinitive of a noun of plans, means or demands is no deed ("Israel's plan to annex the
    // West Bank", "its capacity to attack the United States", "an offer to host talks").
    static const std::unordered_set<std::string_view> kPlanNouns = {
        "plan",   "plans",   "proposal", "proposals", "capacity",   "capability", "capabilities", "ability",
        "bid",    "attempt", "attempts", "effort",    "efforts",    "threat",     "threats",      "intention",
        "intent", "offer",   "offers",   "readiness", "commitment", "pledge",     "promise",      "promises",
        "plot",   "call",    "calls",    "demand",    "demands",    "request",    "requests"};
    const uint32_t m = sv_.kid(v, "mark");
    const uint32_t up = sv_.head(v);
    if (sv_.base_rel(v) == "acl" && m != kNone && sv_.word(m) == "to" && up != kNone &&
        kPlanNouns.contains(sv_.word(up))) {
      return kOffer.contains(sv_.word(up)) ? EventModality::kOffered : EventModality::kPlanned;
    }
    return EventModality::kAsserted;
  }

  const Dictionaries& dicts_;
  const Document& doc_;
  uint32_t sentence_;
  SentenceView sv_;
  const std::vector<Antecedent>& earlier_;
  Span dateline_;
  std::vector<ActorSpan> spans_;
  std::vector<uint32_t> span_at_;
  std::vector<bool> refers_;  // per word: a personal pronoun with an antecedent actor
};

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
void place_event(const Document& doc, const Mention* dateline, Event& e) {
  for (const Mention& m : doc.mentions) {
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

}  // namespace

void EventCoder::code(Document& doc) const {
  const Day day = day_of_document(doc);
  const Mention* dateline = dateline_place(doc);
  const Span dateline_span = dateline != nullptr ? dateline_words(doc, *dateline) : Span{};
  std::vector<Event> events;
  std::vector<Antecedent> memory;  // actors named so far, for pronouns and titles
  for (uint32_t s = 0; s < doc.sentences.size(); ++s) {
    const Sentence& sent = doc.sentences[s];
    if (sent.first_token + sent.token_count > doc.tokens.size()) continue;
    if (sent.token_count > kMaxSentenceTokens) {
      doc.issues.push_back({"events", fmt::format("sentence {} ({} tokens, more than {}) not coded", s,
                                                  sent.token_count, kMaxSentenceTokens)});
      continue;
    }
    const size_t before = events.size();
    const SentenceCoder coder(dicts_, doc, s, day, memory, dateline_span);
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
      date_event(doc, events[i]);
      place_event(doc, dateline, events[i]);
    }
  }
  for (Event& e : events) doc.events.push_back(std::move(e));
}

}  // namespace caspian::events
