// The "ner" stage: people, organisations, locations and other names found by the trained
// recogniser (nlp::NerTagger, models/ner-en-conll.bin), merged with the places the "gazetteer" stage
// linked, and given entity ids.
//
// Contract with the "gazetteer" stage, which runs first (its mentions carry canonical ids and
// coordinates, so they win every conflict they can win):
//  * A recognised span with exactly the span of a gazetteer mention keeps the gazetteer mention;
//    only a confident person or organisation on a place that is not a country replaces it
//    ("Jordan Peterson" is one name, not the country; "Georgia" tagged PER stays a place unless
//    the model is sure).
//  * Gazetteer places and features strictly inside a recognised person, organisation or misc name
//    are removed ("Astana" in "The Astana Times"), and so are countries strictly inside an
//    organisation or misc name unless they open it ("America" in "Bank of America", but "Kazakh"
//    in "Kazakh Foreign Ministry" stays). A recognised location that contains a gazetteer mention,
//    or partly overlaps one, is dropped in favour of the gazetteer.
//  * Locations the gazetteer stage did not link are looked up in the gazetteer by name (the most
//    populous match wins, with lower confidence); those not found stay unlinked (empty entity id).
//
// Title-case headlines ("Capital City Almaty Contributed as Key Platform ...") carry no
// capitalisation signal, and the recogniser, trained on running text, finds names in them that are
// not names. In such a headline only names also recognised in the body, with the same type, are kept.
//
// The recogniser is English: documents in another language are left alone (the skip is recorded in
// Document::issues, stages::skip_unsupported_language), and
// spans without a single Latin letter (a Cyrillic word in an English article) are dropped.
//
// Ids: person:<slug>, org:<slug>, misc:<slug> of the normalised name (a leading "the" dropped);
// well-known organisation acronyms link to their full name's id ("UN" -> org:united-nations). A
// single-word person mention equal to the last word of a longer person name in the same document
// links to that person ("Pashinyan" -> person:nikol-pashinyan).
//
// Thread safety: process() only reads the stage's immutable state.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kb/gazetteer.h"
#include "kb/lexicon.h"
#include "kb/text_scan.h"
#include "nlp/default_models.h"
#include "nlp/ner_tagger.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

// Below this confidence a recognised person or organisation does not displace a gazetteer place
// with the same span.
constexpr float kDisplacePlaceConfidence = 0.9F;
// Confidence scale of a location linked here by name alone (no context was weighed).
constexpr double kNameOnlyLinkFactor = 0.8;
constexpr std::string_view kMethod = "ner";
// A headline is title case when at least this share of its words longer than kShortWord bytes is
// capitalised, over at least kMinTitleWords such words.
constexpr double kTitleCaseShare = 0.75;
constexpr size_t kShortWord = 3;
constexpr size_t kMinTitleWords = 3;

// The model file: the pipeline's option if given, else models/ner-en-conll.bin next to the data
// directory.
std::filesystem::path ner_model_path(const Resources& res) {
  if (!res.ner_model.empty()) return res.ner_model;
  return nlp::default_model_path(res.data_dir, nlp::kNerModelFile);
}

EntityKind kind_of(std::string_view type) {
  if (type == "PER") return EntityKind::kPerson;
  if (type == "ORG") return EntityKind::kOrganization;
  if (type == "LOC") return EntityKind::kPlace;
  return EntityKind::kMisc;
}

std::string_view id_prefix(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return "person:";
    case EntityKind::kOrganization:
      return "org:";
    default:
      return "misc:";
  }
}

// The name as written, without a leading "the"/"The" (kept in the mention's span).
std::string_view display_name(std::string_view text) {
  for (std::string_view article : {"The ", "the "}) {
    if (text.size() > article.size() && text.substr(0, article.size()) == article) {
      return text.substr(article.size());
    }
  }
  return text;
}

bool inside(Span inner, Span outer) {
  return inner.begin >= outer.begin && inner.end <= outer.end && !(inner == outer);
}

bool overlaps(Span a, Span b) {
  return a.begin < b.end && b.begin < a.end;
}

// The gazetteer's mentions by position, so that finding those a name overlaps costs a binary
// search instead of a scan of every mention (which made long articles quadratic).
class GazetteerIndex {
 public:
  explicit GazetteerIndex(const std::vector<Mention>& mentions) : mentions_(mentions) {
    for (size_t m = 0; m < mentions.size(); ++m) {
      if (mentions[m].method != "gazetteer") continue;
      by_begin_.push_back(m);
      longest_ = std::max<size_t>(longest_, mentions[m].span.size());
    }
    std::stable_sort(by_begin_.begin(), by_begin_.end(),
                     [&](size_t a, size_t b) { return mentions[a].span.begin < mentions[b].span.begin; });
  }

  // The indexes of the gazetteer mentions overlapping `span`, in order of position. A mention
  // overlapping it starts after span.begin - longest_, so the search starts there.
  std::vector<size_t> overlapping(Span span) const {
    const uint32_t from = span.begin > longest_ ? span.begin - static_cast<uint32_t>(longest_) : 0;
    auto it = std::lower_bound(by_begin_.begin(), by_begin_.end(), from,
                               [&](size_t m, uint32_t pos) { return mentions_[m].span.begin < pos; });
    std::vector<size_t> out;
    for (; it != by_begin_.end() && mentions_[*it].span.begin < span.end; ++it) {
      if (overlaps(mentions_[*it].span, span)) out.push_back(*it);
    }
    return out;
  }

 private:
  const std::vector<Mention>& mentions_;
  std::vector<size_t> by_begin_;
  size_t longest_ = 0;
};

// Whether `text` has an ASCII letter or a letter of Latin-1 Supplement / Latin Extended-A/B
// (UTF-8 lead bytes 0xC3-0xC9), i.e. could be a name in a Latin-script language.
bool has_latin_letter(std::string_view text) {
  constexpr unsigned char kFirstLatinLead = 0xC3;
  constexpr unsigned char kLastLatinLead = 0xC9;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= kFirstLatinLead && c <= kLastLatinLead))
      return true;
  }
  return false;
}

// Whether the headline (the text before doc.body_offset) is written in title case.
bool title_case_headline(const Document& doc) {
  size_t words = 0;
  size_t capitalised = 0;
  for (const Token& t : doc.tokens) {
    if (t.span.end > doc.body_offset) break;
    if (t.kind != TokenKind::kWord || t.span.size() <= kShortWord) continue;
    ++words;
    const char first = doc.text[t.span.begin];
    if (first >= 'A' && first <= 'Z') ++capitalised;
  }
  return words >= kMinTitleWords &&
         static_cast<double>(capitalised) >= kTitleCaseShare * static_cast<double>(words);
}

class EntityLinker final : public Stage {
 public:
  EntityLinker(std::unique_ptr<nlp::NerTagger> tagger, const kb::Gazetteer& gazetteer)
      : tagger_(std::move(tagger)), gazetteer_(gazetteer) {}

  std::string_view name() const noexcept override { return "ner"; }

  // Requires doc.sentences to index doc.tokens (as "tokenize" guarantees); a sentence pointing
  // outside doc.tokens is an error for this document (kInternal), not a crash.
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    std::vector<std::vector<std::string_view>> sentences;
    sentences.reserve(doc.sentences.size());
    for (const Sentence& s : doc.sentences) {
      if (static_cast<uint64_t>(s.first_token) + s.token_count > doc.tokens.size()) {
        return Status(ErrorCode::kInternal, "a sentence indexes tokens past the end of the document");
      }
      std::vector<std::string_view>& words = sentences.emplace_back();
      words.reserve(s.token_count);
      for (uint32_t t = s.first_token; t < s.first_token + s.token_count; ++t) {
        words.push_back(doc.slice(doc.tokens[t].span));
      }
    }
    if (run_cancelled()) return Status(ErrorCode::kInterrupted, "cancelled");
    std::vector<nlp::NerSpan> spans = tagger_->tag_document(sentences);
    if (run_cancelled()) return Status(ErrorCode::kInterrupted, "cancelled");
    if (doc.body_offset > 0 && title_case_headline(doc)) {
      // Keep a headline span only if the same text is recognised in the body.
      const auto span_text = [&](const nlp::NerSpan& ns) -> std::string_view {
        const Sentence& s = doc.sentences[ns.sentence];
        return doc.slice({doc.tokens[s.first_token + ns.begin].span.begin,
                          doc.tokens[s.first_token + ns.end - 1].span.end});
      };
      const auto in_headline = [&](const nlp::NerSpan& ns) {
        return ns.sentence < doc.sentences.size() && doc.sentences[ns.sentence].span.end <= doc.body_offset;
      };
      // Same text and same type: a title-case headline misleads the recogniser about types too
      // ("Capital City Almaty Contributed ..." tags Almaty as an organisation).
      std::vector<std::pair<std::string_view, std::string_view>> body_names;
      for (const nlp::NerSpan& ns : spans) {
        if (!in_headline(ns) && ns.sentence < doc.sentences.size())
          body_names.emplace_back(span_text(ns), ns.type);
      }
      std::erase_if(spans, [&](const nlp::NerSpan& ns) {
        if (!in_headline(ns)) return false;
        const std::pair<std::string_view, std::string_view> name(span_text(ns), ns.type);
        return std::find(body_names.begin(), body_names.end(), name) == body_names.end();
      });
    }

    struct Found {
      Span span;
      uint32_t sentence = 0;
      EntityKind kind = EntityKind::kMisc;
      std::string id;
      std::string name;
      std::string evidence;
      double confidence = 0;
      Entity linked;  // for locations linked by name here
    };
    std::vector<Found> found;
    std::vector<bool> remove(doc.mentions.size(), false);
    const GazetteerIndex gazetteer_mentions(doc.mentions);
    for (const nlp::NerSpan& ns : spans) {
      if (ns.sentence >= doc.sentences.size() || ns.begin >= ns.end) continue;
      const Sentence& s = doc.sentences[ns.sentence];
      if (ns.end > s.token_count) continue;
      const Span span{doc.tokens[s.first_token + ns.begin].span.begin,
                      doc.tokens[s.first_token + ns.end - 1].span.end};
      const EntityKind kind = kind_of(ns.type);
      const std::string_view text = doc.slice(span);
      if (!has_latin_letter(text)) continue;

      // Conflicts with the gazetteer's mentions (see the contract above).
      bool keep = true;
      std::vector<size_t> displaced;
      for (const size_t m : gazetteer_mentions.overlapping(span)) {
        if (!keep) break;
        const Mention& g = doc.mentions[m];
        if (remove[m]) continue;
        const bool place = g.kind == EntityKind::kPlace || g.kind == EntityKind::kFeature;
        if (g.span == span) {
          const bool named = kind == EntityKind::kPerson || kind == EntityKind::kOrganization;
          if (named && place && ns.confidence >= kDisplacePlaceConfidence) {
            displaced.push_back(m);
          } else {
            keep = false;
          }
        } else if (inside(g.span, span) && kind != EntityKind::kPlace) {
          const uint32_t name_begin =
              span.begin + static_cast<uint32_t>(text.size() - display_name(text).size());
          const bool opens = g.span.begin == span.begin || g.span.begin == name_begin;
          const bool inner_country = g.kind == EntityKind::kCountry && kind != EntityKind::kPerson && !opens;
          if (place || inner_country) displaced.push_back(m);
        } else {
          keep = false;  // a location around a gazetteer name, or a partial overlap
        }
      }
      if (!keep) continue;
      for (size_t m : displaced) remove[m] = true;

      Found f;
      f.span = span;
      f.sentence = ns.sentence;
      f.kind = kind;
      f.confidence = ns.confidence;
      f.name = std::string(display_name(text));
      if (kind == EntityKind::kPlace) {
        link_by_name(f.name, f.linked);
        if (!f.linked.id.empty()) {
          f.kind = f.linked.kind;
          f.id = f.linked.id;
          f.name = f.linked.name;
          f.confidence *= kNameOnlyLinkFactor;
          f.evidence = "recognised as a location; linked by name to the most populous match";
        } else {
          f.evidence = "recognised as a location; not in the gazetteer";
        }
      } else {
        std::string canonical = f.name;
        if (kind == EntityKind::kOrganization) {
          std::string compact;
          for (char c : f.name) {
            if (c != '.') compact += c;
          }
          if (const auto expansion = kb::lexicon::org_acronym_expansion(compact)) {
            canonical = std::string(*expansion);
            f.evidence = fmt::format("recognised as an organisation; acronym of {}", canonical);
          }
        }
        f.name = canonical;
        f.id = std::string(id_prefix(kind)) + kb::slugify(canonical);
        if (f.evidence.empty()) f.evidence = fmt::format("recognised as {}", ns.type);
      }
      found.push_back(std::move(f));
    }

    // Surnames: a one-word person equal to the last word of a longer person name links to it.
    std::unordered_map<std::string, size_t> surnames;
    std::unordered_map<std::string, int> surname_owners;
    for (size_t i = 0; i < found.size(); ++i) {
      const Found& f = found[i];
      const size_t space = f.name.rfind(' ');
      if (f.kind != EntityKind::kPerson || space == std::string::npos) continue;
      const std::string last = f.name.substr(space + 1);
      if (surname_owners[last]++ == 0) {
        surnames.emplace(last, i);
      } else if (found[surnames[last]].id != f.id) {
        surnames.erase(last);  // two people share it
      }
    }
    for (Found& f : found) {
      if (f.kind != EntityKind::kPerson || f.name.find(' ') != std::string::npos) continue;
      if (const auto it = surnames.find(f.name); it != surnames.end()) {
        const Found& full = found[it->second];
        f.evidence = fmt::format("surname of {}", full.name);
        f.id = full.id;
        f.name = full.name;
      }
    }

    size_t kept = 0;
    for (size_t m = 0; m < doc.mentions.size(); ++m) {
      if (remove[m]) continue;
      if (kept != m) doc.mentions[kept] = std::move(doc.mentions[m]);
      ++kept;
    }
    doc.mentions.resize(kept);
    std::unordered_set<std::string> known;  // Document::add_entity scans; a set stays linear
    for (const Entity& e : doc.entities) known.insert(e.id);
    for (Found& f : found) {
      Mention mention;
      mention.span = f.span;
      mention.sentence = f.sentence;
      mention.kind = f.kind;
      mention.method = std::string(kMethod);
      mention.evidence = std::move(f.evidence);
      mention.confidence = f.confidence;
      if (!f.id.empty()) {
        Entity e = f.linked.id.empty() ? Entity{} : f.linked;
        if (e.id.empty()) {
          e.id = f.id;
          e.kind = f.kind;
          e.name = f.name;
        }
        if (known.insert(e.id).second) doc.entities.push_back(std::move(e));
        mention.entity_id = std::move(f.id);
      }
      doc.mentions.push_back(std::move(mention));
    }
    return Status::Ok();
  }

 private:
  // The most populous gazetteer entry named `name`; leaves `out` empty when there is none.
  void link_by_name(std::string_view name, Entity& out) const {
    const std::span<const kb::NameRef> refs = gazetteer_.lookup(kb::Gazetteer::key(name));
    for (const kb::NameRef& ref : refs) {
      Entity e = gazetteer_.entity(ref);
      const bool better = out.id.empty() || e.kind == EntityKind::kCountry ||
                          (out.kind != EntityKind::kCountry && e.population > out.population);
      if (better) out = std::move(e);
    }
  }

  std::unique_ptr<nlp::NerTagger> tagger_;
  const kb::Gazetteer& gazetteer_;
};

}  // namespace

namespace stages {

Result<std::unique_ptr<Stage>> make_entity_linker(Resources& res) {
  auto tagger = nlp::NerTagger::load(ner_model_path(res));
  if (!tagger.ok()) return tagger.status();
  auto gazetteer = shared_gazetteer(res);
  if (!gazetteer.ok()) return gazetteer.status();
  return std::unique_ptr<Stage>(std::make_unique<EntityLinker>(std::move(tagger).value(), **gazetteer));
}

}  // namespace stages
}  // namespace caspian
