// The "gazetteer" stage: finds countries, places, subdivisions and natural
// features in the text and links each to a canonical id, disambiguating by
// context (precision first).
//
// How it works:
//  1. scan_words() splits doc.text into words (no tokenizer needed).
//  2. Candidates: the longest run of words starting at a capitalised word
//     whose key is in the gazetteer ("Abu Dhabi", "Bosnia and Herzegovina",
//     "U.S."). Hyphenated words also yield country parts ("Russia-Ukraine").
//  3. Context: the countries the article names (and the countries of its
//     unambiguous places) boost places in them and their neighbours.
//  4. Each candidate's readings are scored (country > feature > place by
//     population, capital status, context, a ", Country" qualifier) and the
//     winner must pass gates against junk: common-word and given-name
//     ambiguity, capitalised-neighbour (part of a longer name) and a minimum
//     population when nothing in the article supports the place.
//  5. The headline is linked last: in a title-case headline capitalisation
//     says nothing, so only entities the body supports, countries, features
//     and large unambiguous places are kept there.
//
// Contract with "ner" (runs after this stage, src/kb/entity_linker.cc): it
// may remove place and feature mentions (and country mentions other than a
// leading one) that lie strictly inside a longer organisation, misc or person
// name it recognises ("The Astana Times", "Bank of America", "George
// Washington"), and a place mention with exactly the span of a person or
// organisation it is confident about.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kb/gazetteer.h"
#include "kb/lexicon.h"
#include "kb/text_scan.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

using kb::Ambiguity;
using kb::Gap;
using kb::Gazetteer;
using kb::NameRef;
using kb::NameType;
using kb::Word;

// Scores of the readings of a name (see score()).
constexpr double kCountryScore = 1000;
constexpr double kContestedCountryScore = 350;  // "Georgia" in an article about US states
constexpr double kFeatureScore = 900;
constexpr double kSubdivisionScore = 100;
constexpr double kSubdivisionContextBonus = 300;
constexpr double kCueBonus = 1500;        // "Washington state", "Seattle, Washington"
constexpr double kAnchorBonus = 500;      // the same name was resolved so elsewhere on local evidence
constexpr double kPopulationWeight = 30;  // per decade of population
constexpr double kCapitalBonus = 150;
constexpr double kAdminSeatBonus = 40;
constexpr double kContextBonus = 200;     // the place's country is named in the article
constexpr double kNeighbourBonus = 50;    // ... or a neighbouring one
constexpr double kQualifierBonus = 2000;  // "Almaty, Kazakhstan"
constexpr double kCapitalCueBonus = 100;  // "Washington summit"

// Gates.
constexpr int64_t kMinPopulationWithoutContext = 100'000;
constexpr int64_t kMinPopulationAmbiguous = 100'000;
constexpr int64_t kMinPopulationHeadline = 1'000'000;
constexpr int64_t kMinPopulationForeignUnique = 150'000;
constexpr size_t kMaxQualifierWords = 3;
constexpr size_t kMinAllCapsLetters = 4;

// Confidences.
constexpr double kCountryNameConfidence = 0.95;
constexpr double kCountryAcronymConfidence = 0.9;
constexpr double kAdjectiveConfidence = 0.85;
constexpr double kFeatureConfidence = 0.9;
constexpr double kSubdivisionConfidence = 0.85;
constexpr double kPlaceBaseConfidence = 0.6;
constexpr double kPlaceMarginConfidence = 0.3;  // added in proportion to the winning margin
constexpr double kMarginScale = 1000;
constexpr double kSupportedConfidence = 0.1;  // qualifier or capital
constexpr double kAmbiguityPenalty = 0.15;
constexpr double kMaxConfidence = 0.95;

bool is_country(NameType t) {
  return t == NameType::kCountryName || t == NameType::kCountryAdjective || t == NameType::kCountryAcronym;
}
bool is_place(NameType t) {
  return t == NameType::kPlace || t == NameType::kPlaceAlias;
}

struct Candidate;
bool has_country(const Candidate& c);

struct Candidate {
  size_t first = 0;  // word indices, inclusive
  size_t last = 0;
  Span span;
  std::string key;
  std::vector<NameRef> refs;
  bool hyphen_part = false;  // a country inside a hyphenated word ("Russia-Ukraine")
};

bool has_country(const Candidate& c) {
  return std::any_of(c.refs.begin(), c.refs.end(), [](const NameRef& r) { return is_country(r.type); });
}

struct Decision {
  NameRef ref;
  double confidence = 0;
  std::string evidence;
  bool anchored = false;  // chosen on local evidence (a cue or qualifier), so it can settle other mentions
};

// What the article says about countries, gathered before any decision.
struct Context {
  struct Support {
    bool named = false;                      // by name, adjective or abbreviation
    int mentions = 0;                        // how often it is named
    std::unordered_set<std::string> places;  // keys of unambiguous places in it
  };
  int max_mentions = 0;  // of the most named country
  std::unordered_map<std::string, Support> countries;
  std::unordered_set<std::string> neighbours;     // of named countries
  std::unordered_set<std::string> body_entities;  // ids linked in the body (for the headline)
  // One sense per discourse: key -> the reading chosen somewhere on local
  // evidence ("Spokane, Washington" settles a later "eastern Washington").
  std::unordered_map<std::string, NameRef> anchors;

  bool named(std::string_view cc) const {
    auto it = countries.find(std::string(cc));
    return it != countries.end() && it->second.named;
  }
  // Named, or home to a place other than the one being resolved (`self`).
  bool has(std::string_view cc, std::string_view self = {}) const {
    auto it = countries.find(std::string(cc));
    if (cc.empty() || it == countries.end()) return false;
    if (it->second.named) return true;
    return std::any_of(it->second.places.begin(), it->second.places.end(),
                       [&](const std::string& k) { return k != self; });
  }
  bool near(std::string_view cc) const { return !cc.empty() && neighbours.count(std::string(cc)) > 0; }
  // What an article must say about a country before its small towns are
  // linked: it is among the most named countries, or other places in it are named.
  bool dominant(std::string_view cc, std::string_view self) const {
    constexpr int kDominanceRatio = 3;  // named at least a third as often as the top country
    auto it = countries.find(std::string(cc));
    if (cc.empty() || it == countries.end()) return false;
    if (it->second.mentions * kDominanceRatio >= max_mentions && it->second.named) return true;
    return std::any_of(it->second.places.begin(), it->second.places.end(),
                       [&](const std::string& k) { return k != self; });
  }
};

class PlaceLinker final : public Stage {
 public:
  explicit PlaceLinker(const Gazetteer& gazetteer) : g_(gazetteer) {}
  std::string_view name() const noexcept override { return "gazetteer"; }
  Status process(Document& doc) const override;

 private:
  std::vector<Candidate> find_candidates(const Document& doc, const std::vector<Word>& words) const;
  bool surface_ok(const Document& doc, const std::vector<Word>& words, const Candidate& c,
                  NameType type) const;
  Context build_context(const std::vector<Word>& words, const std::vector<Candidate>& candidates) const;
  std::optional<Decision> resolve(const Document& doc, const std::vector<Word>& words,
                                  const std::vector<Candidate>& candidates, size_t index,
                                  const std::vector<std::optional<Decision>>& decided,
                                  const Context& ctx) const;
  std::string country_label(std::string_view alpha2) const;

  const Gazetteer& g_;
};

std::string PlaceLinker::country_label(std::string_view alpha2) const {
  const kb::Country* c = g_.country_by_code(alpha2);
  return c != nullptr ? c->name : std::string(alpha2);
}

bool PlaceLinker::surface_ok(const Document& doc, const std::vector<Word>& words, const Candidate& c,
                             NameType type) const {
  const Word& first = words[c.first];
  if (type == NameType::kCountryAcronym) {
    // "US", "U.S.", "UAE": capitals only; never the pronoun "us", nor a currency ("US$5", "NZ$").
    const std::string_view surface = doc.slice(c.span);
    if (c.span.end < doc.text.size() && doc.text[c.span.end] == '$') return false;
    return std::none_of(surface.begin(), surface.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
  }
  if (c.hyphen_part) return true;  // checked by the caller
  if (first.all_caps) {
    // "ALMATY" in a dateline: long enough not to be an acronym.
    return first.key.size() >= kMinAllCapsLetters;
  }
  return first.capitalised;
}

std::vector<Candidate> PlaceLinker::find_candidates(const Document& doc,
                                                    const std::vector<Word>& words) const {
  std::vector<Candidate> out;
  const size_t max_words = g_.max_key_words();
  size_t i = 0;
  while (i < words.size()) {
    const Word& w = words[i];
    if (!w.capitalised) {
      ++i;
      continue;
    }
    // Extend over words that may belong to one name: capitalised words and
    // lower-case connectors ("of", "and") separated by spaces (or a comma:
    // "Washington, D.C.").
    std::vector<std::string> keys{w.key};
    for (size_t j = i + 1; j < words.size() && keys.size() < max_words; ++j) {
      const Word& next = words[j];
      if (next.gap != Gap::kSpace && next.gap != Gap::kComma) break;
      if (!next.capitalised && !kb::lexicon::is_name_connector(next.key)) break;
      keys.push_back(keys.back() + " " + next.key);
    }
    bool found = false;
    for (size_t n = keys.size(); n >= 1 && !found; --n) {
      const Word& last = words[i + n - 1];
      if (!last.capitalised) continue;
      auto refs = g_.lookup(keys[n - 1]);
      if (refs.empty()) continue;
      Candidate c;
      c.first = i;
      c.last = i + n - 1;
      c.span = {w.span.begin, last.span.end};
      c.key = keys[n - 1];
      for (const NameRef& r : refs) {
        if (surface_ok(doc, words, c, r.type)) c.refs.push_back(r);
      }
      if (c.refs.empty()) continue;
      found = true;
      i += n;
      out.push_back(std::move(c));
    }
    if (found) continue;
    if (w.hyphenated) {
      // "Russia-Ukraine war", "US-China talks": countries inside a compound.
      const std::string_view surface = doc.slice(w.span);
      size_t start = 0;
      while (start <= surface.size()) {
        size_t end = surface.find('-', start);
        if (end == std::string_view::npos) end = surface.size();
        const std::string_view part = surface.substr(start, end - start);
        if (!part.empty() && part.front() >= 'A' && part.front() <= 'Z') {
          Candidate c;
          c.first = c.last = i;
          c.span = {static_cast<uint32_t>(w.span.begin + start), static_cast<uint32_t>(w.span.begin + end)};
          c.key = Gazetteer::key(part);
          c.hyphen_part = true;
          const bool caps =
              std::none_of(part.begin(), part.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
          for (const NameRef& r : g_.lookup(c.key)) {
            if (r.type == NameType::kCountryName || r.type == NameType::kCountryAdjective ||
                (r.type == NameType::kCountryAcronym && caps)) {
              c.refs.push_back(r);
            }
          }
          if (!c.refs.empty()) out.push_back(std::move(c));
        }
        start = end + 1;
      }
    }
    ++i;
  }
  return out;
}

Context PlaceLinker::build_context(const std::vector<Word>& words,
                                   const std::vector<Candidate>& candidates) const {
  Context ctx;
  for (const Candidate& c : candidates) {
    // Names inside longer capitalised names ("Major General Hassan Ali") say nothing about places.
    const bool glued_before = c.first > 0 && words[c.first].gap == Gap::kSpace &&
                              words[c.first - 1].capitalised && !words[c.first - 1].sentence_initial &&
                              !words[c.first].title_case_line;
    const bool glued_after = c.last + 1 < words.size() && words[c.last + 1].gap == Gap::kSpace &&
                             words[c.last + 1].capitalised && !words[c.first].title_case_line;
    const Ambiguity amb = g_.ambiguity(c.key);
    const bool any_country =
        std::any_of(c.refs.begin(), c.refs.end(), [](const NameRef& r) { return is_country(r.type); });
    if (any_country) {
      if (amb == Ambiguity::kNone) {
        for (const NameRef& r : c.refs) {
          if (!is_country(r.type)) continue;
          Context::Support& support = ctx.countries[std::string(g_.country_of(r))];
          support.named = true;
          ctx.max_mentions = std::max(ctx.max_mentions, ++support.mentions);
        }
      }
      continue;
    }
    // An unambiguous place name with a single reading ("Almaty", "Tbilisi").
    if (c.refs.size() == 1 && amb == Ambiguity::kNone && is_place(c.refs[0].type) && !glued_before &&
        !glued_after && g_.places()[c.refs[0].index].population >= kMinPopulationWithoutContext) {
      ctx.countries[std::string(g_.country_of(c.refs[0]))].places.insert(c.key);
    }
  }
  for (const auto& [cc, support] : ctx.countries) {
    if (!support.named) continue;
    if (const kb::Country* country = g_.country_by_code(cc)) {
      for (const std::string& b : country->borders) ctx.neighbours.insert(b);
    }
  }
  return ctx;
}

std::optional<Decision> PlaceLinker::resolve(const Document& doc, const std::vector<Word>& words,
                                             const std::vector<Candidate>& candidates, size_t index,
                                             const std::vector<std::optional<Decision>>& decided,
                                             const Context& ctx) const {
  const Candidate& c = candidates[index];
  const Word& first = words[c.first];
  const Word* prev = c.first > 0 ? &words[c.first - 1] : nullptr;
  const Word* next = c.last + 1 < words.size() ? &words[c.last + 1] : nullptr;
  Ambiguity amb = g_.ambiguity(c.key);
  // Common given names are as ambiguous as the curated ones ("George").
  if (amb == Ambiguity::kNone && kb::lexicon::is_given_name(c.key)) amb = Ambiguity::kPersonName;
  const bool function_like = kb::lexicon::is_function_word(c.key) || kb::lexicon::is_calendar_word(c.key);
  const bool headline = first.in_headline;
  const bool weak_case = first.title_case_line || first.all_caps;

  // A capitalised word right before the name that is not a sentence-opening
  // function word ("George Washington", "Joint Washington"): the name is
  // probably part of a longer one.
  const bool prev_capitalised =
      !c.hyphen_part && prev != nullptr && first.gap == Gap::kSpace && prev->capitalised &&
      !kb::lexicon::is_function_word(prev->key) && !kb::lexicon::is_direction_word(prev->key) &&
      !(index > 0 && candidates[index - 1].last == c.first - 1 && has_country(candidates[index - 1]));
  const bool next_capitalised =
      !c.hyphen_part && next != nullptr && next->gap == Gap::kSpace && next->capitalised &&
      !kb::lexicon::is_function_word(next->key) &&
      !(index + 1 < candidates.size() && candidates[index + 1].first == c.last + 1 &&
        has_country(candidates[index + 1]));

  // ", Kazakhstan" / ", Oregon" after the name.
  std::vector<std::string> qualifier_keys;
  std::unordered_set<std::string> qualifier_countries;
  if (next != nullptr && next->gap == Gap::kComma && next->capitalised) {
    std::string k;
    for (size_t j = c.last + 1; j < words.size() && j <= c.last + kMaxQualifierWords; ++j) {
      if (j > c.last + 1 && words[j].gap != Gap::kSpace) break;
      if (!k.empty()) k.push_back(' ');
      k += words[j].key;
      qualifier_keys.push_back(k);
      for (const NameRef& r : g_.lookup(k)) {
        if (r.type == NameType::kCountryName || r.type == NameType::kCountryAcronym ||
            r.type == NameType::kSubdivision) {
          qualifier_countries.insert(std::string(g_.country_of(r)));
        }
      }
    }
  }
  // "Washington state", "state of Washington", "Seattle, Washington".
  // "Washington state", "state of Washington", "eastern Washington".
  const bool state_cue =
      (next != nullptr && next->gap == Gap::kSpace && next->key == "state") ||
      (c.first >= 2 && words[c.first - 1].key == "of" && words[c.first - 2].key == "state") ||
      (prev != nullptr && first.gap == Gap::kSpace && !prev->capitalised &&
       kb::lexicon::is_direction_word(prev->key));
  std::string city_before;  // admin1 key of the place right before ", <this>"
  if (index > 0 && first.gap == Gap::kComma && candidates[index - 1].last + 1 == c.first &&
      decided[index - 1] && is_place(decided[index - 1]->ref.type)) {
    city_before = Gazetteer::key(g_.places()[decided[index - 1]->ref.index].admin1);
  }
  const bool capital_cue = next != nullptr && next->gap == Gap::kSpace && !next->capitalised &&
                           kb::lexicon::is_capital_cue(next->key);
  const bool preposition_before = prev != nullptr && first.gap == Gap::kSpace && !prev->capitalised &&
                                  kb::lexicon::is_location_preposition(prev->key);

  // Is there a subdivision of this name in a country the article is about?
  bool subdivision_in_context = false;
  bool country_itself_supported = false;
  for (const NameRef& r : c.refs) {
    if (r.type == NameType::kSubdivision && ctx.has(g_.country_of(r))) subdivision_in_context = true;
    if (is_country(r.type)) {
      const std::string_view cc = g_.country_of(r);
      // Supported by something other than this very name: a neighbour or a place in it.
      auto it = ctx.countries.find(std::string(cc));
      const bool has_places = it != ctx.countries.end() && !it->second.places.empty();
      if (ctx.near(cc) || has_places) country_itself_supported = true;
    }
  }

  struct Scored {
    NameRef ref;
    double score = 0;
    bool qualified = false;
  };
  std::vector<Scored> scored;
  for (const NameRef& r : c.refs) {
    Scored s{r, 0, false};
    const std::string_view cc = g_.country_of(r);
    switch (r.type) {
      case NameType::kCountryName:
      case NameType::kCountryAdjective:
      case NameType::kCountryAcronym:
        s.score = (subdivision_in_context && !country_itself_supported) || state_cue ? kContestedCountryScore
                                                                                     : kCountryScore;
        break;
      case NameType::kFeature:
        s.score = kFeatureScore;
        break;
      case NameType::kSubdivision:
        s.score = kSubdivisionScore + (ctx.has(cc) ? kSubdivisionContextBonus : 0);
        if (state_cue) s.score += kCueBonus;
        if (!city_before.empty() && city_before == c.key) {  // "Atlanta, Georgia"
          s.score += kCueBonus;
          s.qualified = true;
        }
        if (!qualifier_countries.empty() && qualifier_countries.count(std::string(cc))) {
          s.score += kQualifierBonus;
          s.qualified = true;
        }
        break;
      case NameType::kPlace:
      case NameType::kPlaceAlias: {
        const kb::Place& p = g_.places()[r.index];
        s.score = kPopulationWeight * std::log10(static_cast<double>(p.population) + 10.0);
        if (p.feature_code == "PPLC") {
          s.score += kCapitalBonus + (capital_cue ? kCapitalCueBonus : 0);
        } else if (p.feature_code == "PPLA") {
          s.score += kAdminSeatBonus;
        }
        if (ctx.has(cc, c.key)) {
          s.score += kContextBonus;
        } else if (ctx.near(cc)) {
          s.score += kNeighbourBonus;
        }
        const std::string admin_key = Gazetteer::key(p.admin1);
        const bool q =
            qualifier_countries.count(p.country) > 0 ||
            std::find(qualifier_keys.begin(), qualifier_keys.end(), admin_key) != qualifier_keys.end();
        if (q) {
          s.score += kQualifierBonus;
          s.qualified = true;
        }
        break;
      }
    }
    if (auto a = ctx.anchors.find(c.key);
        a != ctx.anchors.end() && a->second.type == r.type && a->second.index == r.index) {
      s.score += kAnchorBonus;
    }
    scored.push_back(s);
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
  const Scored& best = scored.front();
  const double margin = scored.size() > 1 ? best.score - scored[1].score : kMarginScale;
  const NameType type = best.ref.type;
  const std::string_view cc = g_.country_of(best.ref);
  const Entity entity = g_.entity(best.ref);

  // ---- Gates.
  if (function_like && !best.qualified && !is_country(type)) return std::nullopt;
  const bool person_shaped = prev_capitalised || (next_capitalised && !kb::lexicon::is_direction_word(c.key));
  if (amb == Ambiguity::kPersonName && person_shaped && !best.qualified) return std::nullopt;
  if (headline || first.all_caps) {
    const bool body_supports = ctx.body_entities.count(entity.id) > 0;
    const bool strong_kind =
        (is_country(type) || type == NameType::kFeature || type == NameType::kSubdivision) &&
        amb == Ambiguity::kNone;
    const bool big_place = is_place(type) && amb == Ambiguity::kNone &&
                           (g_.places()[best.ref.index].feature_code == "PPLC" ||
                            g_.places()[best.ref.index].population >= kMinPopulationHeadline);
    if (!body_supports && !strong_kind && !big_place) return std::nullopt;
  }
  if (is_place(type) || type == NameType::kSubdivision) {
    if (prev_capitalised && !weak_case && !best.qualified) return std::nullopt;
    const int64_t population = is_place(type) ? g_.places()[best.ref.index].population : 0;
    const bool capital = is_place(type) && g_.places()[best.ref.index].feature_code == "PPLC";
    if (amb == Ambiguity::kCommonWord && !best.qualified) {
      const bool supported = ctx.has(cc, c.key) && population >= kMinPopulationAmbiguous &&
                             !first.sentence_initial && !weak_case;
      if (!supported && !(ctx.has(cc, c.key) && type == NameType::kSubdivision && !first.sentence_initial)) {
        return std::nullopt;
      }
    }
    // "Hassan Ali", "Abu Haidar": a small place glued to a capitalised word is part of a longer name.
    if (is_place(type) && next_capitalised && !best.qualified && !capital && !weak_case &&
        population < kMinPopulationHeadline) {
      return std::nullopt;
    }
    if (amb == Ambiguity::kPersonName && !best.qualified && !ctx.has(cc, c.key) && !capital &&
        population < kMinPopulationHeadline) {
      return std::nullopt;
    }
    // A foreign town in an article about other countries ("Norfolk" in a UK story
    // is the county, not Norfolk, Virginia): only well-known cities pass.
    const int64_t foreign_min = scored.size() > 1 ? kMinPopulationHeadline : kMinPopulationForeignUnique;
    if (is_place(type) && !best.qualified && !capital && !ctx.has(cc, c.key) && ctx.max_mentions > 0 &&
        population < foreign_min) {
      return std::nullopt;
    }
    if (is_place(type) && !best.qualified && !ctx.dominant(cc, c.key) && !capital &&
        population < kMinPopulationWithoutContext) {
      return std::nullopt;
    }
  }

  // ---- Evidence and confidence.
  Decision d;
  d.ref = best.ref;
  d.anchored = best.qualified || (state_cue && type == NameType::kSubdivision);
  std::vector<std::string> why;
  switch (type) {
    case NameType::kCountryName:
      why.push_back("country named in article");
      d.confidence = kCountryNameConfidence;
      break;
    case NameType::kCountryAcronym:
      why.push_back(fmt::format("abbreviation of {}", entity.name));
      d.confidence = kCountryAcronymConfidence;
      break;
    case NameType::kCountryAdjective:
      why.push_back(fmt::format("adjective/demonym of {}", entity.name));
      d.confidence = kAdjectiveConfidence;
      break;
    case NameType::kFeature:
      why.push_back(fmt::format("{} in feature list", g_.features()[best.ref.index].type));
      d.confidence = kFeatureConfidence;
      break;
    case NameType::kSubdivision:
      why.push_back(fmt::format("{} of {}", g_.subdivisions()[best.ref.index].type, country_label(cc)));
      if (state_cue) why.push_back("'state' or a direction next to the name");
      if (best.qualified) why.push_back("follows a city in it");
      d.confidence = kSubdivisionConfidence;
      break;
    case NameType::kPlace:
    case NameType::kPlaceAlias: {
      const kb::Place& p = g_.places()[best.ref.index];
      const std::string surface(doc.slice(c.span));
      if (p.feature_code == "PPLC") {
        why.push_back(fmt::format("capital of {}", cc));
      } else if (p.feature_code == "PPLA" && !p.admin1.empty()) {
        why.push_back(fmt::format("administrative seat ({})", p.admin1));
      }
      if (capital_cue) why.push_back(fmt::format("'{} {}'", surface, next->key));
      if (preposition_before) why.push_back(fmt::format("'{} {}'", prev->key, surface));
      if (best.qualified) why.push_back("qualified by the name after the comma");
      if (ctx.named(cc)) {
        why.push_back(fmt::format("{} named in article", country_label(cc)));
      } else if (ctx.has(cc, c.key)) {
        why.push_back(fmt::format("other places in {} named", country_label(cc)));
      }
      if (scored.size() > 1) {
        why.push_back(fmt::format("population {} (1 of {} places so named)", p.population, scored.size()));
      } else {
        why.push_back(fmt::format("population {}", p.population));
      }
      d.confidence = kPlaceBaseConfidence + kPlaceMarginConfidence * std::min(1.0, margin / kMarginScale);
      if (best.qualified || p.feature_code == "PPLC") d.confidence += kSupportedConfidence;
      break;
    }
  }
  if (auto a = ctx.anchors.find(c.key); a != ctx.anchors.end() && a->second.type == best.ref.type &&
                                        a->second.index == best.ref.index && !d.anchored) {
    why.push_back("as resolved elsewhere in the article");
  }
  if (amb != Ambiguity::kNone) d.confidence -= kAmbiguityPenalty;
  d.confidence = std::clamp(d.confidence, 0.0, kMaxConfidence);
  for (const std::string& part : why) {
    if (!d.evidence.empty()) d.evidence += "; ";
    d.evidence += part;
  }
  return d;
}

Status PlaceLinker::process(Document& doc) const {
  const std::vector<Word> words = kb::scan_words(doc);
  const std::vector<Candidate> candidates = find_candidates(doc, words);
  Context ctx = build_context(words, candidates);

  std::vector<std::optional<Decision>> decided(candidates.size());
  auto resolve_all = [&] {
    // Body first, then the headline (which relies on what the body supports).
    for (int part = 0; part < 2; ++part) {
      const bool headline = part == 1;
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (words[candidates[i].first].in_headline != headline) continue;
        decided[i] = resolve(doc, words, candidates, i, decided, ctx);
        if (decided[i] && !headline) ctx.body_entities.insert(g_.entity(decided[i]->ref).id);
      }
    }
  };
  resolve_all();
  // One sense per discourse: readings chosen on local evidence settle the
  // other mentions of the same name; resolve again if there are any.
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (decided[i] && decided[i]->anchored) ctx.anchors.emplace(candidates[i].key, decided[i]->ref);
  }
  if (!ctx.anchors.empty()) {
    ctx.body_entities.clear();
    resolve_all();
  }

  std::vector<Mention> mentions;
  // Document::add_entity scans the entities; a set keeps a long article linear.
  std::unordered_set<std::string> known;
  for (const Entity& e : doc.entities) known.insert(e.id);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!decided[i]) continue;
    Entity e = g_.entity(decided[i]->ref);
    Mention m;
    m.span = candidates[i].span;
    m.sentence = doc.sentence_at(m.span.begin);
    m.kind = e.kind;
    m.entity_id = e.id;
    m.method = "gazetteer";
    m.evidence = std::move(decided[i]->evidence);
    m.confidence = decided[i]->confidence;
    mentions.push_back(std::move(m));
    if (known.insert(e.id).second) doc.entities.push_back(std::move(e));
  }
  std::stable_sort(mentions.begin(), mentions.end(),
                   [](const Mention& a, const Mention& b) { return a.span.begin < b.span.begin; });
  for (Mention& m : mentions) doc.mentions.push_back(std::move(m));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Stage>> make_place_linker(Resources& res) {
  auto gazetteer = shared_gazetteer(res);
  if (!gazetteer.ok()) return gazetteer.status();
  return std::unique_ptr<Stage>(std::make_unique<PlaceLinker>(**gazetteer));
}

}  // namespace caspian::stages
