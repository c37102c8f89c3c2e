// The modality of a coded verb: intends (will, would), offered, planned, denied or said, from its
// auxiliaries, the verbs it is the complement of, and nouns of plans it is the infinitive of. See
// sentence_coder.h.
#include <string>
#include <string_view>
#include <unordered_set>

#include "events/sentence_coder.h"

namespace caspian::events::coding {

EventModality SentenceCoder::modality_of(uint32_t v) const {
  for (const uint32_t k : sv_.kids(v)) {
    const std::string& w = sv_.word(k);
    if (sv_.is(k, UdRel::kAux) && (w == "will" || w == "would" || w == "shall" || w == "'ll")) {
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
  static const std::unordered_set<std::string_view> kDeny = {
      "deny", "denies", "denied", "denying", "reject", "rejects", "rejected", "refuse", "refuses", "refused"};
  static const std::unordered_set<std::string_view> kSay = {
      "say", "says", "said", "told", "tell", "tells", "stated", "announced", "reported", "claimed"};
  for (uint32_t cur = v, steps = 0; cur != kNone && steps < sv_.size(); ++steps) {
    const UdRel r = sv_.base_rel(cur);
    if (r != UdRel::kXcomp && r != UdRel::kCcomp && r != UdRel::kAdvcl) break;
    const uint32_t up = sv_.head(cur);
    if (up == kNone) break;
    const std::string& w = sv_.word(up);
    if (r == UdRel::kXcomp && kOffer.contains(w)) return EventModality::kOffered;
    if (r == UdRel::kXcomp && kPlan.contains(w)) return EventModality::kPlanned;
    if (kDeny.contains(w)) return EventModality::kDenied;
    if (r == UdRel::kCcomp && kSay.contains(w)) return EventModality::kSaid;
    cur = up;
  }
  // The infinitive of a noun of plans, means or demands is no deed ("Israel's plan to annex the
  // West Bank", "its capacity to attack the United States", "an offer to host talks").
  static const std::unordered_set<std::string_view> kPlanNouns = {
      "plan",   "plans",   "proposal", "proposals", "capacity",   "capability", "capabilities", "ability",
      "bid",    "attempt", "attempts", "effort",    "efforts",    "threat",     "threats",      "intention",
      "intent", "offer",   "offers",   "readiness", "commitment", "pledge",     "promise",      "promises",
      "plot",   "call",    "calls",    "demand",    "demands",    "request",    "requests"};
  const uint32_t m = sv_.kid(v, UdRel::kMark);
  const uint32_t up = sv_.head(v);
  if (sv_.base_rel(v) == UdRel::kAcl && m != kNone && sv_.word(m) == "to" && up != kNone &&
      kPlanNouns.contains(sv_.word(up))) {
    return kOffer.contains(sv_.word(up)) ? EventModality::kOffered : EventModality::kPlanned;
  }
  return EventModality::kAsserted;
}

}  // namespace caspian::events::coding
