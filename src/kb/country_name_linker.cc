// The "country-names" stage: links the countries that an article in another language than English
// names in its own language ("Россия", "阿塞拜疆", "Arménie", "Aserbaidschan") to the gazetteer's
// country entities (iso3166:RUS, ...), as the English "gazetteer" stage does for English names.
//
// Names come from data/gazetteer/country_names.tsv (kb/country_names.h: 77 languages, how they
// are matched). The stage runs after "gazetteer", which runs on every language and links the
// names that are spelt as in English ("Iran" in German); a name here that overlaps a mention
// already in the document is left to it.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "kb/country_names.h"
#include "kb/gazetteer.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

// As a country name of the English stage (place_linker.cc, kCountryNameConfidence).
constexpr double kConfidence = 0.95;

class CountryNameLinker final : public Stage {
 public:
  CountryNameLinker(const kb::Gazetteer& gazetteer, kb::CountryNames names)
      : g_(gazetteer), names_(std::move(names)) {}
  std::string_view name() const noexcept override { return "country-names"; }

  // Requires: doc.text is valid UTF-8; doc.language is set by the "language" stage (or declared).
  // Guarantees: for an article whose language is neither English ("en") nor undetermined ("und",
  //   "") and has names in country_names.tsv, appends a mention (kind country, method
  //   "country-names", the sentence when there are sentences) for each name of that language found
  //   in the text that overlaps no mention already there, and adds its country's entity (as the
  //   "gazetteer" stage makes it) unless present. Other articles are left as they are, with no
  //   issue recorded. Mentions stay in text order among those it adds.
  // Thread safety: const; the names and the gazetteer are immutable.
  Status process(Document& doc) const override {
    const std::string_view lang = doc.language;
    if (lang.empty() || lang == "en" || lang == "und" || !names_.has_language(lang)) return Status::Ok();
    const std::vector<kb::CountryNameMatch> found = names_.find(lang, doc.text);
    if (found.empty()) return Status::Ok();
    std::vector<Span> taken;
    taken.reserve(doc.mentions.size());
    for (const Mention& m : doc.mentions) taken.push_back(m.span);
    const auto overlaps = [&](Span s) {
      return std::any_of(taken.begin(), taken.end(),
                         [&](Span t) { return s.begin < t.end && t.begin < s.end; });
    };
    std::unordered_set<std::string> known;
    for (const Entity& e : doc.entities) known.insert(e.id);
    for (const kb::CountryNameMatch& match : found) {
      if (overlaps(match.span)) continue;
      const kb::Country* country = g_.country_by_code(match.alpha2);
      if (country == nullptr) continue;  // a code countries.tsv does not know
      const auto index = static_cast<uint32_t>(country - g_.countries().data());
      Entity e = g_.entity(kb::NameRef{kb::NameType::kCountryName, index});
      Mention m;
      m.span = match.span;
      m.sentence = doc.sentence_at(m.span.begin);
      m.kind = e.kind;
      m.entity_id = e.id;
      m.method = "country-names";
      m.evidence =
          fmt::format("'{}': {} in the country names of language '{}'", match.name, country->name, lang);
      m.confidence = kConfidence;
      doc.mentions.push_back(std::move(m));
      if (known.insert(e.id).second) doc.entities.push_back(std::move(e));
    }
    return Status::Ok();
  }

 private:
  const kb::Gazetteer& g_;
  const kb::CountryNames names_;
};

}  // namespace

Result<std::unique_ptr<Stage>> make_country_name_linker(Resources& res) {
  auto gazetteer = shared_gazetteer(res);
  if (!gazetteer.ok()) return gazetteer.status();
  auto names = kb::CountryNames::load(res.data_dir / "gazetteer" / "country_names.tsv");
  if (!names.ok()) return names.status();
  return std::unique_ptr<Stage>(std::make_unique<CountryNameLinker>(**gazetteer, std::move(names).value()));
}

}  // namespace caspian::stages
