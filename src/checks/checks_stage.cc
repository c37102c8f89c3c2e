// The "checks" stage: what the article gets wrong, as Document::flags with evidence spans.
//
//  * gazetteer-contradiction: a place called the capital of a country whose capital, in the
//    gazetteer, is another place ("Capital City Almaty": Kazakhstan's capital is Astana). The claim
//    is "capital [city] PLACE" or "PLACE, [the] [COUNTRY's | ADJ] capital [of COUNTRY]" / "PLACE is
//    the capital of COUNTRY"; a capital qualified as former, cultural, financial, regional, ... or
//    of a subdivision is no such claim.
//  * headline-unsupported / headline-contradicted: an event of the headline that no event of the
//    body supports (the same source and target countries, the same side of CAMEO, cooperation or
//    conflict, and the same place when both are placed), when the body has events to compare with. It is
//    contradicted when a body sentence denies the headline source's role ("Kazakhstan has not been
//    the primary host or mediator"); body events about an agreement placed elsewhere than the
//    headline's place are added as evidence. The headline event's confidence drops (x0.7
//    unsupported, x0.4 contradicted).
//
// Runs after "events". Thread safety: process() only reads the stage's immutable state.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "caspian/utf8.h"
#include "events/actor_code.h"
#include "kb/gazetteer.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

constexpr double kCapitalConfidence = 0.9;
constexpr double kUnsupportedConfidence = 0.6;
constexpr double kContradictedConfidence = 0.8;
// How much of its confidence a headline event keeps when the body does not support it, or
// contradicts it.
constexpr double kUnsupportedEventFactor = 0.7;
constexpr double kContradictedEventFactor = 0.4;
// How many words around a place a capital claim may span.
constexpr uint32_t kCapitalWindow = 6;
// The body must have this many events before it can fail to support the headline.
constexpr size_t kMinBodyEvents = 3;
constexpr std::string_view kGeonamesPrefix = "geonames:";

// Words that make "capital" something else than the seat of a national government.
bool qualifies_capital(std::string_view w) {
  static const std::unordered_set<std::string_view> kQualifiers = {"former",
                                                                   "old",
                                                                   "ex",
                                                                   "onetime",
                                                                   "once",
                                                                   "previous",
                                                                   "cultural",
                                                                   "financial",
                                                                   "business",
                                                                   "commercial",
                                                                   "economic",
                                                                   "regional",
                                                                   "provincial",
                                                                   "state",
                                                                   "southern",
                                                                   "northern",
                                                                   "eastern",
                                                                   "western",
                                                                   "tech",
                                                                   "spiritual",
                                                                   "historic",
                                                                   "historical",
                                                                   "ancient",
                                                                   "summer",
                                                                   "winter",
                                                                   "de",
                                                                   "facto",
                                                                   "administrative",
                                                                   "region",
                                                                   "province",
                                                                   "oblast",
                                                                   "county",
                                                                   "district",
                                                                   "prefecture",
                                                                   "until",
                                                                   "was",
                                                                   "had",
                                                                   "venture",
                                                                   "capital-intensive",
                                                                   "second",
                                                                   "largest",
                                                                   "de-facto",
                                                                   "gaming",
                                                                   "fashion",
                                                                   "music",
                                                                   "film",
                                                                   "self-proclaimed",
                                                                   "proclaimed",
                                                                   "interim",
                                                                   "temporary",
                                                                   "rebel",
                                                                   "provisional",
                                                                   "declared",
                                                                   "shadow"};
  return kQualifiers.contains(w);
}

class Checks final : public Stage {
 public:
  explicit Checks(const kb::Gazetteer& gazetteer) : gaz_(gazetteer) {}
  std::string_view name() const noexcept override { return "checks"; }

  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    const std::vector<std::string> words = words_of(doc);
    check_capitals(doc, words);
    check_headline(doc, words);
    return Status();
  }

 private:
  // The folded word of each token.
  static std::vector<std::string> words_of(const Document& doc) {
    std::vector<std::string> w;
    w.reserve(doc.tokens.size());
    for (const Token& t : doc.tokens) w.push_back(utf8::fold(doc.slice(t.span)));
    return w;
  }

  // The token index whose span starts at `begin`, or npos.
  static size_t token_at(const Document& doc, uint32_t begin) {
    const auto it = std::lower_bound(doc.tokens.begin(), doc.tokens.end(), begin,
                                     [](const Token& t, uint32_t b) { return t.span.begin < b; });
    return it != doc.tokens.end() && it->span.begin == begin ? static_cast<size_t>(it - doc.tokens.begin())
                                                             : std::string::npos;
  }
  // The token index whose span ends at `end`, or npos (tokens are in text order).
  static size_t token_ending(const Document& doc, uint32_t end) {
    const auto it = std::lower_bound(doc.tokens.begin(), doc.tokens.end(), end,
                                     [](const Token& t, uint32_t e) { return t.span.end < e; });
    return it != doc.tokens.end() && it->span.end == end ? static_cast<size_t>(it - doc.tokens.begin())
                                                         : std::string::npos;
  }

  // The country a mention in [first, last] tokens names, if any (a country mention inside it).
  const kb::Country* country_in(const Document& doc, uint32_t begin, uint32_t end) const {
    for (const Mention& m : doc.mentions) {
      if (m.kind == EntityKind::kCountry && m.span.begin >= begin && m.span.end <= end &&
          m.entity_id.starts_with("iso3166:")) {
        return gaz_.country_by_code(
            std::string_view(m.entity_id).substr(std::string_view("iso3166:").size()));
      }
    }
    return nullptr;
  }

  // The last token of a country mention that starts at token `c`, or npos.
  static size_t country_end(const Document& doc, size_t c) {
    for (const Mention& m : doc.mentions) {
      if (m.kind == EntityKind::kCountry && m.span.begin == doc.tokens[c].span.begin)
        return token_ending(doc, m.span.end);
    }
    return std::string::npos;
  }

  // `words` are the folded tokens (words_of).
  void check_capitals(Document& doc, const std::vector<std::string>& words) const {
    if (doc.tokens.empty()) return;
    for (const Mention& m : doc.mentions) {
      if (m.kind != EntityKind::kPlace || !m.entity_id.starts_with(kGeonamesPrefix)) continue;
      constexpr int kDecimal = 10;
      const auto id = static_cast<uint32_t>(
          std::strtoul(m.entity_id.c_str() + kGeonamesPrefix.size(), nullptr, kDecimal));
      const kb::Place* place = gaz_.place_by_id(id);
      if (place == nullptr) continue;
      const size_t first = token_at(doc, m.span.begin);
      const size_t last = token_ending(doc, m.span.end);
      if (first == std::string::npos || last == std::string::npos) continue;
      if (m.sentence >= doc.sentences.size()) continue;
      const uint32_t sentence = m.sentence;
      const Sentence& s = doc.sentences[sentence];
      const size_t s_begin = s.first_token;
      const size_t s_end = s.first_token + s.token_count;
      // Before: "[the] [Kazakh] capital [city] PLACE".
      size_t claim_first = std::string::npos;
      size_t k = first;
      while (k > s_begin && first - k < kCapitalWindow) {
        --k;
        const std::string& w = words[k];
        if (w == "city") continue;
        if (w == "capital") claim_first = k;
        break;
      }
      size_t claim_last = last;
      if (claim_first == std::string::npos) {
        // After: "PLACE, the capital of COUNTRY", "PLACE is the capital", "PLACE, Kazakhstan's capital".
        if (last + 1 >= s_end) continue;
        const std::string& next = words[last + 1];
        if (next != "," && next != "is" && next != "remains") continue;
        bool subnational = false;
        bool explicit_country = false;
        for (size_t j = last + 2; j < s_end && j <= last + kCapitalWindow; ++j) {
          if (words[j] == "capital") {
            claim_last = j;
            // "capital of X": X must be a country ("the capital of South Kivu" is a province's).
            if (j + 1 < s_end && words[j + 1] == "of") {
              size_t c = j + 2;
              if (c < s_end && words[c] == "the") ++c;
              // The country must start right there and end the phrase: "of Inner Mongolia" and
              // "of the DRC's North Kivu" are capitals of provinces.
              const size_t end = c < s_end ? country_end(doc, c) : std::string::npos;
              const bool possessive = end != std::string::npos && end + 1 < s_end &&
                                      (words[end + 1] == "'s" || words[end + 1] == "’s");
              subnational = end == std::string::npos || possessive;
              claim_last = end == std::string::npos ? c : end;
              explicit_country = !subnational;
            }
            break;
          }
          if (words[j] == "," || words[j] == "." || doc.tokens[j].upos == Upos::kVerb) break;
        }
        if (claim_last == last || subnational) continue;
        // "Baidoa, the capital, ..." without the country: a region's capital as likely as a nation's.
        if (!explicit_country &&
            country_in(doc, doc.tokens[last + 1].span.begin, doc.tokens[claim_last].span.end) == nullptr) {
          continue;
        }
        claim_first = first;
      }
      // Qualified capitals are other claims ("the former capital Almaty", "southern capital").
      bool qualified = false;
      const size_t window_begin = claim_first >= 2 ? claim_first - 2 : 0;
      for (size_t j = std::max(window_begin, s_begin); j <= std::min(claim_last + 1, s_end - 1); ++j) {
        if (j >= first && j <= last) continue;
        qualified = qualified || qualifies_capital(words[j]);
      }
      if (qualified) continue;
      const Span claim{doc.tokens[std::min(claim_first, first)].span.begin,
                       doc.tokens[std::max(claim_last, last)].span.end};
      const kb::Country* country = country_in(doc, claim.begin, claim.end);
      if (country == nullptr) {
        // "capital ... Kazakh": the country adjective just before the claim.
        if (claim_first > s_begin) {
          country =
              country_in(doc, doc.tokens[claim_first - 1].span.begin, doc.tokens[claim_first - 1].span.end);
        }
      }
      if (country == nullptr) country = gaz_.country_by_code(place->country);
      if (country == nullptr) continue;
      const kb::Place* capital = gaz_.capital_of(*country);
      if (capital == nullptr || capital->geonameid == place->geonameid) continue;
      Flag f;
      f.kind = "gazetteer-contradiction";
      f.message = fmt::format("{} is called the capital of {}, whose capital is {} (gazetteer)", place->name,
                              country->name, capital->name);
      f.evidence.push_back(claim);
      f.confidence = kCapitalConfidence;
      doc.flags.push_back(std::move(f));
    }
  }

  void check_headline(Document& doc, const std::vector<std::string>& words) const {
    if (doc.body_offset == 0) return;  // no headline
    std::vector<const Event*> head;
    std::vector<const Event*> body;
    for (const Event& e : doc.events) {
      if (e.sentence >= doc.sentences.size()) continue;
      (doc.sentences[e.sentence].span.begin < doc.body_offset ? head : body).push_back(&e);
    }
    // Nothing claimed, or too little in the body to judge by (a list of topics, a short note).
    if (head.empty() || body.size() < kMinBodyEvents) return;
    for (const Event* h : head) {
      const std::string hs = events::actor_country(h->source.code);
      const std::string ht = events::actor_country(h->target.code);
      if (hs.empty() || ht.empty()) continue;
      // A body event supports the claim when it has the same actors (either way round), the same
      // side of CAMEO (cooperation, QuadClass 1-2, or conflict, 3-4: "met" does not support
      // "attacked") and, when both are placed, the same place.
      bool same_actors_elsewhere = false;
      const bool supported = std::any_of(body.begin(), body.end(), [&](const Event* b) {
        const std::string bs = events::actor_country(b->source.code);
        const std::string bt = events::actor_country(b->target.code);
        if (b->negated || b->modality == EventModality::kDenied) return false;
        if (!((bs == hs && bt == ht) || (bs == ht && bt == hs))) return false;
        if (!same_side(*h, *b)) return false;
        if (!h->location_id.empty() && !b->location_id.empty() && h->location_id != b->location_id) {
          same_actors_elsewhere = true;
          return false;
        }
        return true;
      });
      if (supported) continue;
      Flag f;
      f.evidence.push_back(h->source.span);
      for (const Span& s : h->evidence) f.evidence.push_back(s);
      f.evidence.push_back(h->target.span);
      // A body sentence that denies the source's role ("has not been the primary host").
      const Span denial = denial_of(doc, words, h->source);
      f.kind = denial.size() > 0 ? "headline-contradicted" : "headline-unsupported";
      f.confidence = denial.size() > 0 ? kContradictedConfidence : kUnsupportedConfidence;
      f.message =
          fmt::format("the headline's \"{}\" ({} -> {}, CAMEO {}) is {} by the body's {} events",
                      doc.slice({h->source.span.begin, h->target.span.end}), h->source.code, h->target.code,
                      h->code, denial.size() > 0 ? "contradicted" : "not supported", body.size());
      if (denial.size() > 0) f.evidence.push_back(denial);
      if (same_actors_elsewhere) {
        const Entity* where = doc.find_entity(h->location_id);
        f.message += fmt::format("; the body places it elsewhere than {}",
                                 where != nullptr ? where->name : h->location_id);
      }
      // Agreements the body places elsewhere.
      for (const Event* b : body) {
        if (!b->location_id.empty() && b->base_code == "057") {
          const Entity* where = doc.find_entity(b->location_id);
          f.message += fmt::format("; the body has the agreement between {} and {} in {}", b->source.code,
                                   b->target.code, where != nullptr ? where->name : b->location_id);
          f.evidence.push_back(doc.sentences[b->sentence].span);
          break;
        }
      }
      doc.flags.push_back(std::move(f));
      // The claim's event is kept, with the trust the body leaves it.
      Event& claimed = doc.events[static_cast<size_t>(h - doc.events.data())];
      claimed.confidence *= denial.size() > 0 ? kContradictedEventFactor : kUnsupportedEventFactor;
      return;  // one flag for the headline's claim
    }
  }

  // Whether two events are on the same side of CAMEO: cooperation (QuadClass 1-2) or conflict
  // (3-4); an event without a QuadClass is on either.
  static bool same_side(const Event& a, const Event& b) {
    constexpr int kFirstConflict = 3;
    if (a.quad_class == 0 || b.quad_class == 0) return true;
    return (a.quad_class >= kFirstConflict) == (b.quad_class >= kFirstConflict);
  }

  // The first body sentence that mentions the actor's country (by the same words or its linked
  // entity) with a negation and a word for a role in talks; an empty span if none.
  static Span denial_of(const Document& doc, const std::vector<std::string>& words, const EventActor& actor) {
    static const std::unordered_set<std::string_view> kNegations = {"not", "n't", "never", "no"};
    static const std::unordered_set<std::string_view> kRoles = {
        "host",     "hosts",  "mediator",    "mediators",   "platform",
        "venue",    "broker", "organizer",   "organiser",   "sponsor",
        "sponsors", "party",  "participant", "facilitator", "guarantor"};
    for (const Sentence& s : doc.sentences) {
      if (s.span.begin < doc.body_offset) continue;
      bool names = false;
      for (const Mention& m : doc.mentions) {
        if (m.span.begin >= s.span.begin && m.span.end <= s.span.end && !m.entity_id.empty() &&
            (m.entity_id == actor.entity_id ||
             (m.kind == EntityKind::kCountry &&
              m.entity_id == "iso3166:" + events::actor_country(actor.code)))) {
          names = true;
        }
      }
      if (!names) continue;
      bool negated = false;
      bool role = false;
      for (uint32_t t = s.first_token; t < s.first_token + s.token_count && t < words.size(); ++t) {
        negated = negated || kNegations.contains(words[t]);
        role = role || kRoles.contains(words[t]);
      }
      if (negated && role) return s.span;
    }
    return {};
  }

  const kb::Gazetteer& gaz_;
};

}  // namespace

namespace stages {

Result<std::unique_ptr<Stage>> make_checks(Resources& res) {
  auto gazetteer = shared_gazetteer(res);
  if (!gazetteer.ok()) return gazetteer.status();
  return std::unique_ptr<Stage>(std::make_unique<Checks>(**gazetteer));
}

}  // namespace stages
}  // namespace caspian
