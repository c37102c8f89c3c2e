// Internal to the event coder: the coding of one sentence (SentenceCoder) and the per-document
// helpers for an event's date and place.
//
// SentenceCoder's members are defined by responsibility in:
//   coder.cc           construction (actor spans, pronouns), code() over the verbs, emit()
//   coder_actors.cc    actors: noun phrases, names again, pronouns and titles, memory for coreference
//   coder_clauses.cc   the clause structure the actors are read from: subjects, passive agents,
//                      circumstance, place and attacker phrases, infinitives, failures, accidents
//   coder_patterns.cc  dictionary patterns matched around a verb (analyse_verb)
//   coder_rules.cc     caspian's rules where the dictionaries are silent (mediation, agreements)
//   coder_modality.cc  the modality of an event (said, intends, offered, planned, denied)
// and the date and place helpers in coder_date_place.cc.
//
// Requires: the Document has tokens with part-of-speech tags and a dependency parse; the
//   dictionaries, the document and `earlier` outlive a SentenceCoder.
// Guarantees: a SentenceCoder only reads its sentence's tokens (indices checked against the view);
//   code() appends events and never throws on input (only std::bad_alloc).
// Thread safety: a SentenceCoder is immutable after construction (code() and remember() are
//   const); distinct coders may run concurrently over distinct outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "caspian/document.h"
#include "events/actor_spans.h"
#include "events/coder.h"
#include "events/sentence_view.h"
#include "events/verb_dictionary.h"

namespace caspian::events::coding {

// Confidence of an event whose code a dictionary pattern gave, and of one that only the verb gave.
inline constexpr double kPatternConfidence = 0.8;
inline constexpr double kVerbConfidence = 0.65;
// Confidence of an event that a rule of caspian's proposes where the dictionaries are silent.
inline constexpr double kRuleConfidence = 0.5;
// Lower confidence when an actor is only a role without a country ("---MIL").
inline constexpr double kRoleOnlyFactor = 0.8;
// How far the coder looks through nested noun phrases for an actor ("the leaders of Azerbaijan").
inline constexpr int kMaxNounDepth = 3;

// An actor of an event: its code, the words that name it and their linked entity.
struct Actor {
  std::string code;
  Span span;
  std::string entity_id;
};

// CAMEO 010, "make statement": a verb of saying, which only frames the event of its clause.
inline constexpr std::string_view kStatementCode = "010";

// Whether conjoined sources of `code` without a target act with each other: verbal and material
// cooperation, roots 03 to 06 (intend to cooperate, consult, diplomatic and material cooperation).
inline bool is_paired_root(std::string_view code) {
  constexpr std::string_view kFirst = "03";
  constexpr std::string_view kLast = "06";
  const std::string_view root = code.substr(0, 2);
  return root.size() == 2 && root >= kFirst && root <= kLast;
}

// Assaults, fights and mass violence (CAMEO roots 18 to 20), the "attack" of PETRARCH's
// transformations.
inline bool is_attack(std::string_view code) {
  constexpr std::string_view kFirst = "18";
  constexpr std::string_view kLast = "20";
  const std::string_view root = code.substr(0, 2);
  return root.size() == 2 && root >= kFirst && root <= kLast;
}
inline constexpr std::string_view kAccuseCode = "112";  // accuse, not specified below
inline constexpr std::string_view kClaimCode = "015";   // acknowledge or claim responsibility
// Verb blocks whose subject undergoes the event rather than does it ("die"), when no pattern of
// the block says otherwise ("&PEOPLE * (IN SKIRMISH)" is a fight between the parties).
inline const std::unordered_set<std::string_view> kPatientSubjectBlocks = {"DIE"};
// Verbs whose meaning is in their object ("take place", "make a trip", "give permission").
inline const std::unordered_set<std::string_view> kLightVerbs = {"take", "make", "give", "get",
                                                                 "have", "put",  "keep", "set"};
inline constexpr std::string_view kIntendCode = "030";  // express intent to cooperate (the frame of intents)
inline constexpr std::string_view kDisapproveRoot = "11";      // disapprove: criticize, accuse, allege, claim
inline constexpr std::string_view kSignAgreementCode = "057";  // sign formal agreement
inline constexpr std::string_view kMediateCode = "045";        // mediate
inline constexpr std::string_view kDiplomaticRoot = "05";      // engage in diplomatic cooperation

inline bool same_actors(const std::vector<Actor>& a, const std::vector<Actor>& b) {
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
inline constexpr uint32_t kCorefSentences = 3;

// The actors named so far in the article, in text order, for pronouns and titles to refer to,
// with the latest one linked to each entity (so that a name seen again finds its actor without a
// scan of the whole article).
struct Memory {
  std::vector<Antecedent> items;
  std::unordered_map<std::string, size_t> latest_of_entity;  // entity id -> index into items

  void add(Antecedent a) {
    if (!a.actor.entity_id.empty()) latest_of_entity[a.actor.entity_id] = items.size();
    items.push_back(std::move(a));
  }
  // The latest antecedent linked to `entity_id`; nullptr when none (or for an empty id).
  [[nodiscard]] const Antecedent* latest(const std::string& entity_id) const {
    const auto it = latest_of_entity.find(entity_id);
    return it == latest_of_entity.end() ? nullptr : &items[it->second];
  }
};

class SentenceCoder {
 public:
  // `dateline`: the words of the article's dateline, where the report was filed, which name no
  // actor ("MOSCOW (Reuters) - Armenia criticized ...").
  // `mentions`: those of the sentence (SentenceMentions::of), which outlive the coder.
  SentenceCoder(const Dictionaries& dicts, const Document& doc, uint32_t sentence_index, Day day,
                const Memory& earlier, std::span<const Mention* const> mentions, Span dateline);

  void code(std::vector<Event>& out) const;

  // The rule for mediation the dictionaries miss: "under U.S. auspices", "under the auspices of
  // the UN" is the sponsor mediating (045) between the parties named in this sentence or the few
  // before ("negotiations between Armenia and Azerbaijan"). Method "rules", lower confidence.
  [[nodiscard]] std::optional<VerbResult> mediation_rule(uint32_t k) const;

  // Appends the actors this sentence names (not bare roles) to `memory`, in text order.
  void remember(Memory& memory) const;

  // Whether a person mention overlaps `span` (for "he" and "she" rather than "it").
  [[nodiscard]] bool names_person(Span span) const;

  // Whether `span` is just a city's name ("Baghdad": "they kidnapped" is not Baghdad).
  [[nodiscard]] bool names_city(Span span) const;

  // Whether `span` is just the name of a country or place ("Switzerland", not "the Swiss
  // government").
  [[nodiscard]] bool names_place_only(Span span) const;

  // Whether token `k` is (in) the object of "between": a party of talks or of a conflict.
  [[nodiscard]] bool is_party(uint32_t k) const;

 private:
  // Whether token `k` is in the article's dateline.
  [[nodiscard]] bool in_dateline(uint32_t k) const;

  // A person or organisation named again by a shorter name the dictionaries lack ("Bayramov" after
  // "Jeyhun Bayramov"), which the entity linker linked to the same entity as an actor named earlier
  // in the article, is that actor.
  void add_named_again();

  // The actor a personal pronoun at token `k` refers to: the nearest earlier actor of the right
  // kind (he, she: a person; it: a country or group; they: any) in this sentence or the few
  // before. Empty code when none.
  [[nodiscard]] Actor antecedent_of(uint32_t k) const;

  // A bare role ("the president" ---GOV) stands for the latest actor named earlier with that role
  // (KAZGOV for "Kassym-Jomart Tokayev"); unchanged when there is none.
  void resolve_titles(std::vector<Actor>& actors) const;

  // The actors of the noun phrase headed by `h`: its own name, or a role qualified by a country
  // among its modifiers, or the country of a modifier ("the US leader"); and those of its conjuncts.
  void actors_of(uint32_t h, int depth, std::vector<Actor>& out, bool parties = false) const;

  // The entity of a mention within `span`, if any.
  [[nodiscard]] std::string entity_in(Span span) const;

  // The sentence's root verb, the verbs of a verbless root ("X is ready to ...") and their
  // coordinated and paratactic verbs.
  [[nodiscard]] bool is_main_verb(uint32_t v) const;

  // A verb of a complement or adverbial clause of a main verb (or coordinated with one).
  [[nodiscard]] bool is_lower_verb(uint32_t v, const std::vector<bool>& main) const;

  // The "by" phrase of passive verb `v`, or kNone: its own, or that of its instrument ("were killed
  // in an air strike by government forces").
  [[nodiscard]] uint32_t passive_agent(uint32_t v) const;

  // Whether token `k` is the object of a preposition, or conjoined or apposed to one ("between A
  // and B", "in Urubamba province, Peru").
  [[nodiscard]] bool in_prepositional_phrase(uint32_t k) const;

  // Whether token `k` is in a phrase that says when, why or where to, not who: introduced by
  // "after", "before", "since", "amid", "to", ... on its way up to the verb ("sent to the border
  // area after Venezuelan civilians fired": not sent by the civilians). With `attack`, a phrase
  // that names an attack names its attackers ("killed amid Iranian attacks").
  [[nodiscard]] bool in_circumstance_phrase(uint32_t k, bool attack) const;

  // Whether verb `v` tells what an accident did: a participle or coordinated verb of a crash,
  // collision, collapse, sinking or derailment ("crashes into a forest, killing all 48").
  [[nodiscard]] bool after_accident(uint32_t v) const;

  // Whether verb `v` is what its governor failed to do ("fail to reach an agreement") or was kept
  // from doing ("are prohibited from providing services to the Syrian government").
  [[nodiscard]] bool failed(uint32_t v) const;

  // The head word of the actor name that token `k` is in (`k` itself outside names).
  [[nodiscard]] uint32_t name_head(uint32_t k) const;

  // Whether token `k` qualifies an attack named on its way up to the verb ("in Russian drone
  // strikes", "amid Iranian attacks", "an attack by Hamas"), and so names an attacker; a phrase of
  // the attack names its target or place instead ("strikes on Kyiv").
  [[nodiscard]] bool in_attacker_phrase(uint32_t k) const;

  // Whether word `w` below light verb `v` may be a word of its patterns: in its object, complement
  // or passive subject, or a dependent of the verb itself with its preposition and determiners.
  [[nodiscard]] bool light_verb_word(uint32_t v, uint32_t w) const;

  // Whether verb `v` heads a "to" infinitive clause of the word above it.
  [[nodiscard]] bool is_infinitive(uint32_t v) const;

  // Whether nominal `k` names an attack, by itself or by a compound or participle of its own
  // ("air strike", "tank shelling"): "killed in an Israeli air strike" names the attacker, not a
  // place.
  [[nodiscard]] bool is_attack_noun(uint32_t k) const;

  // Whether token `k` is in a phrase introduced by "in", "at", "across", "near", ... (a place,
  // not a participant), and not "in" an attack.
  [[nodiscard]] bool is_place_phrase(uint32_t k) const;

  // Whether token `k` (in the subtree of verb `v`) belongs to the clause of another verb below `v`;
  // with `through_xcomp`, the controlled complements of `v` ("wants to attack X") count as its own.
  [[nodiscard]] bool in_other_clause(uint32_t v, uint32_t k, bool through_xcomp = false) const;

  // The subject of `v`, inherited from the verb it depends on when it has none. `passive` is set
  // also when there is none ("warned that people could be hit by flooding", "people" misparsed).
  [[nodiscard]] uint32_t subject_of(uint32_t v, bool& passive) const;

  // Prepositions whose object may be the target of an event ("meet with", "attack on").
  static bool target_preposition(std::string_view p);

  // Matches pattern items against the words of `positions` (sentence order) starting at `from`;
  // records where "$" and "+" stand. Returns false if the items do not all match.
  // With `light` (a light verb), a pattern's words start only where light_verb_word allows.
  bool match_items(const std::vector<PatternItem>& items, const std::vector<uint32_t>& positions, size_t from,
                   std::vector<uint32_t>& matched, uint32_t& source_at, uint32_t& target_at,
                   uint32_t light = kNone) const;

  // The code, actors and evidence of verb `v` (known: false when the dictionary lacks it).
  [[nodiscard]] VerbResult analyse_verb(uint32_t v) const;

  // The rule for agreements the dictionaries miss ("the agreement between Azerbaijan and Armenia
  // was finalized", "Armenia signed a treaty with Turkey"): a verb of concluding whose object (or
  // passive subject) is an agreement is CAMEO 057, sign formal agreement, between its subject and
  // the agreement's parties, or among the parties. Method "rules", lower confidence.
  [[nodiscard]] std::optional<VerbResult> agreement_rule(uint32_t v) const;

  // Appends the events of a coded verb: every source with every target, and the reverse event of
  // a paired code ("[042:043]").
  void emit(const VerbResult& r, std::vector<Event>& out) const;

  // Said, intends, offered, planned or denied: from the verbs above `v` and its auxiliaries.
  [[nodiscard]] EventModality modality_of(uint32_t v) const;

  const Dictionaries& dicts_;
  const Document& doc_;
  uint32_t sentence_;
  SentenceView sv_;
  const Memory& earlier_;
  std::span<const Mention* const> mentions_;  // those that may concern this sentence
  Span dateline_;
  std::vector<ActorSpan> spans_;
  std::vector<uint32_t> span_at_;
  std::vector<bool> refers_;  // per word: a personal pronoun with an antecedent actor
};

// --- date and place (coder_date_place.cc) ----------------------------------------------------------

// The day on which the actors' dated roles are resolved: the publication date, else today.
Day day_of_document(const Document& doc);

// The date of an event in sentence `s`: its first dated time expression, else the publication date.
void date_event(const Document& doc, Event& e);

// The mention of the article's dateline: a place (linked or not) that opens the body and is
// followed by a comma, colon, dash or parenthesis ("GAZA CITY, Palestinian Territories:", "MOSCOW
// (Reuters) -"); nullptr when there is none.
const Mention* dateline_place(const Document& doc);

// The words of the dateline `m` opens: through the first separator that follows within a short
// distance (" - ", an em dash, ": "), else the place name alone.
Span dateline_words(const Document& doc, const Mention& m);

// The place of an event: a linked populated place named in its sentence after "in" or "at", else
// for a body sentence the dateline's place.
// `mentions`: those of the event's sentence (SentenceMentions::of).
void place_event(const Document& doc, std::span<const Mention* const> mentions, const Mention* dateline,
                 Event& e);

}  // namespace caspian::events::coding
