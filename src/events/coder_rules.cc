// The event coder's own rules where the dictionaries are silent: mediation ("under the auspices
// of") and agreements concluded between parties. Their events have method "rules" and a lower
// confidence. See sentence_coder.h.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "events/sentence_coder.h"

namespace caspian::events::coding {

std::optional<VerbResult> SentenceCoder::mediation_rule(uint32_t k) const {
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
  for (auto it = earlier_.items.rbegin(); it != earlier_.items.rend() && r.targets.size() < 2; ++it) {
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

std::optional<VerbResult> SentenceCoder::agreement_rule(uint32_t v) const {
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
  const uint32_t patient = passive ? subj : sv_.kid(v, UdRel::kObj);
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
    if (sv_.base_rel(k) == UdRel::kNmod && (c == "between" || c == "with")) actors_of(k, 0, r.targets, true);
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

}  // namespace caspian::events::coding
