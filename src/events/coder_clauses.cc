// The clause structure the event coder reads actors from: main and lower verbs, subjects (inherited
// through control and coordination), passive agents, prepositional, circumstance, place and attacker
// phrases, infinitives, failed or prevented deeds and the aftermath of accidents. See
// sentence_coder.h.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "events/sentence_coder.h"

namespace caspian::events::coding {

bool SentenceCoder::is_main_verb(uint32_t v) const {
  if (!sv_.is_verb(v)) return false;
  uint32_t cur = v;
  for (uint32_t steps = 0; steps < sv_.size(); ++steps) {
    const UdRel r = sv_.base_rel(cur);
    if (r == UdRel::kRoot) return true;
    if (r != UdRel::kConj && r != UdRel::kParataxis) break;
    cur = sv_.head(cur);
    if (cur == kNone) return false;
  }
  // A verb directly under a root that is not a verb (a nominal or adjectival predicate).
  const uint32_t h = sv_.head(v);
  return h != kNone && sv_.base_rel(h) == UdRel::kRoot && !sv_.is_verb(h) && !sv_.is(v, UdRel::kCop);
}

bool SentenceCoder::is_lower_verb(uint32_t v, const std::vector<bool>& main) const {
  uint32_t cur = v;
  while (sv_.base_rel(cur) == UdRel::kConj && sv_.head(cur) != kNone) cur = sv_.head(cur);
  const UdRel r = sv_.base_rel(cur);
  const uint32_t h = sv_.head(cur);
  return h != kNone && main[h] && (r == UdRel::kAdvcl || r == UdRel::kCcomp || r == UdRel::kXcomp);
}

uint32_t SentenceCoder::passive_agent(uint32_t v) const {
  for (const uint32_t k : sv_.kids(v)) {
    if (sv_.base_rel(k) == UdRel::kObl && sv_.case_of(k) == "by") return k;
  }
  for (const uint32_t k : sv_.kids(v)) {
    if (sv_.base_rel(k) != UdRel::kObl) continue;
    for (const uint32_t n : sv_.kids(k)) {
      if (sv_.base_rel(n) == UdRel::kNmod && sv_.case_of(n) == "by") return n;
    }
  }
  return kNone;
}

bool SentenceCoder::in_prepositional_phrase(uint32_t k) const {
  for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
    const std::string c = sv_.case_of(cur);
    if (!c.empty() && c != "'s" && c != "'") return true;
    const UdRel r = sv_.base_rel(cur);
    if (r != UdRel::kConj && r != UdRel::kFlat && r != UdRel::kCompound && r != UdRel::kAppos) return false;
  }
  return false;
}

bool SentenceCoder::in_circumstance_phrase(uint32_t k, bool attack) const {
  static const std::unordered_set<std::string_view> kCircumstance = {
      "after", "before", "since",   "until", "amid", "despite", "following", "to",
      "into",  "toward", "towards", "as",    "than", "like",    "about"};
  for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
    if (kCircumstance.contains(sv_.case_of(cur))) return !(attack && is_attack_noun(cur));
    if (sv_.is_verb(cur)) return false;
  }
  return false;
}

bool SentenceCoder::after_accident(uint32_t v) const {
  static const std::unordered_set<std::string_view> kAccidents = {
      "crash",     "crashes",   "crashed",  "collide",  "collides", "collided",  "collapse",
      "collapses", "collapsed", "sink",     "sinks",    "sank",     "derail",    "derails",
      "derailed",  "capsize",   "capsizes", "capsized", "overturn", "overturns", "overturned"};
  // The participle of the accident itself ("crashes, killing 31"; "collide, killing a driver and
  // injuring 40"), not a clause of its own ("crashes while repelling a Russian airstrike", "after
  // being shot down").
  uint32_t cur = v;
  while (sv_.base_rel(cur) == UdRel::kConj && sv_.head(cur) != kNone &&
         sv_.tok(sv_.head(cur)).xpos == "VBG") {
    cur = sv_.head(cur);
  }
  const UdRel r = sv_.base_rel(cur);  // "acl": "crashes" read as a noun
  if (sv_.tok(cur).xpos != "VBG" || (r != UdRel::kAdvcl && r != UdRel::kAcl) ||
      sv_.kid(cur, UdRel::kMark) != kNone)
    return false;
  const uint32_t up = sv_.head(cur);
  return up != kNone && kAccidents.contains(sv_.word(up));
}

bool SentenceCoder::failed(uint32_t v) const {
  static const std::unordered_set<std::string_view> kFail = {"fail", "fails", "failed", "failing"};
  static const std::unordered_set<std::string_view> kKeep = {
      "prohibit", "prohibits", "prohibited", "bar",       "bars",      "barred",  "ban",      "bans",
      "banned",   "prevent",   "prevents",   "prevented", "stop",      "stops",   "stopped",  "block",
      "blocks",   "blocked",   "forbid",     "forbids",   "forbidden", "refrain", "refrains", "refrained"};
  const uint32_t up = sv_.head(v);
  if (up == kNone) return false;
  if (sv_.base_rel(v) == UdRel::kXcomp && kFail.contains(sv_.word(up))) return true;
  const uint32_t m = sv_.kid(v, UdRel::kMark);
  return m != kNone && sv_.word(m) == "from" && kKeep.contains(sv_.word(up));
}

bool SentenceCoder::in_attacker_phrase(uint32_t k) const {
  for (uint32_t cur = k, steps = 0; cur != kNone && steps < sv_.size(); cur = sv_.head(cur), ++steps) {
    if (sv_.is_verb(cur)) return false;
    const uint32_t up = sv_.head(cur);
    if (up == kNone || !is_attack_noun(up)) continue;
    const UdRel r = sv_.base_rel(cur);
    const std::string c = sv_.case_of(cur);
    return r == UdRel::kAmod || r == UdRel::kCompound || sv_.is(cur, UdRel::kNmod, "poss") || c == "by" ||
           c == "from";
  }
  return false;
}

bool SentenceCoder::light_verb_word(uint32_t v, uint32_t w) const {
  uint32_t top = w;
  while (top != kNone && sv_.head(top) != v) top = sv_.head(top);
  if (top == kNone) return false;
  const UdRel r = sv_.base_rel(top);
  if (r == UdRel::kObj || r == UdRel::kIobj || r == UdRel::kXcomp || r == UdRel::kCcomp ||
      r == UdRel::kCompound || r == UdRel::kNsubj)
    return true;
  if (w == top) return true;
  const UdRel wr = sv_.base_rel(w);
  return sv_.head(w) == top && (wr == UdRel::kCase || wr == UdRel::kDet);
}

bool SentenceCoder::is_infinitive(uint32_t v) const {
  const UdRel r = sv_.base_rel(v);
  if (r != UdRel::kAdvcl && r != UdRel::kXcomp && r != UdRel::kAcl) return false;
  const uint32_t m = sv_.kid(v, UdRel::kMark);
  return m != kNone && sv_.word(m) == "to";
}

bool SentenceCoder::is_attack_noun(uint32_t k) const {
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
    const UdRel r = sv_.base_rel(d);
    // "a series of Israeli strikes", "a wave of attacks".
    const bool counted = r == UdRel::kNmod && sv_.case_of(d) == "of";
    return (r == UdRel::kCompound || r == UdRel::kAcl || r == UdRel::kConj || counted) &&
           kAttackNouns.contains(sv_.word(d));
  });
}

bool SentenceCoder::is_place_phrase(uint32_t k) const {
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

bool SentenceCoder::in_other_clause(uint32_t v, uint32_t k, bool through_xcomp) const {
  for (uint32_t cur = k; cur != kNone && cur != v; cur = sv_.head(cur)) {
    if (sv_.is_verb(cur) && !(through_xcomp && sv_.base_rel(cur) == UdRel::kXcomp)) return true;
  }
  return false;
}

uint32_t SentenceCoder::subject_of(uint32_t v, bool& passive) const {
  passive = sv_.kid(v, UdRel::kAux, "pass") != kNone ||
            (sv_.kid(v, UdRel::kObl, "agent") != kNone && sv_.kid(v, UdRel::kNsubj) == kNone);
  for (uint32_t cur = v, steps = 0; cur != kNone && steps < sv_.size(); ++steps) {
    const uint32_t s = sv_.kid_any(cur, UdRel::kNsubj);
    if (s != kNone) {
      // A passive verb may take its subject from the verb it depends on ("the civilians
      // imprisoned ... were released by Putin"): its auxiliary tells.
      // A participle coordinated with a passive shares its auxiliary ("are killed and 10 more
      // injured").
      const bool shares_aux = sv_.tok(v).xpos == "VBN" && sv_.kid(v, UdRel::kAux) == kNone;
      passive = passive || (sv_.is(s, UdRel::kNsubj, "pass") && (cur == v || shares_aux));
      // A relative pronoun stands for the noun the clause modifies.
      const std::string_view x = sv_.tok(s).xpos;
      if ((x == "WDT" || x == "WP") && sv_.base_rel(cur) == UdRel::kAcl) return sv_.head(cur);
      // A relative clause the parser hung on the verb ("condemns ISIL's attacks, which killed
      // civilians": "killed" advcl:relcl of "condemns"): "which" stands for the verb's object.
      if ((x == "WDT" || x == "WP") && sv_.is(cur, UdRel::kAdvcl, "relcl") && sv_.head(cur) != kNone) {
        const uint32_t o = sv_.kid(sv_.head(cur), UdRel::kObj);
        if (o != kNone && o < s) return o;
      }
      return s;
    }
    const UdRel r = sv_.base_rel(cur);
    if (r == UdRel::kAcl && !sv_.is(cur, UdRel::kAcl, "relcl")) {
      // A participle modifying a noun: "soldiers killed in Ukraine" (the noun is the patient),
      // "the leader prepared to attend" (the agent).
      passive = cur == v && sv_.tok(cur).xpos == "VBN" && sv_.kid(cur, UdRel::kObj) == kNone;
      return sv_.head(cur);
    }
    if (r != UdRel::kXcomp && r != UdRel::kConj && r != UdRel::kAdvcl) return kNone;
    const uint32_t up = sv_.head(cur);
    // "sentences three people to death for killing a rabbi", "accused Ukraine of attacking",
    // "prevented Hamas from attacking": the object of the governor does the gerund.
    if (r == UdRel::kAdvcl && sv_.tok(cur).xpos == "VBG" && up != kNone &&
        sv_.kid(up, UdRel::kObj) != kNone) {
      const uint32_t m = sv_.kid(cur, UdRel::kMark);
      if (m != kNone && (sv_.word(m) == "for" || sv_.word(m) == "of" || sv_.word(m) == "from")) {
        return sv_.kid(up, UdRel::kObj);
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
    if (r == UdRel::kXcomp && up != kNone && sv_.kid(up, UdRel::kObj) != kNone &&
        kObjectControl.contains(sv_.word(up))) {
      return sv_.kid(up, UdRel::kObj);
    }
    cur = up;
  }
  return kNone;
}

bool SentenceCoder::target_preposition(std::string_view p) {
  static const std::unordered_set<std::string_view> kTargets = {
      "with", "to",  "against", "toward", "towards", "on", "upon",
      "from", "for", "between", "into",   "over",    "at"};
  return kTargets.contains(p);
}

}  // namespace caspian::events::coding
