// The gazetteer: countries, populated places, first-level subdivisions and
// natural features, indexed by normalised name.
//
// Built by scripts/build_gazetteer.py into data/gazetteer/ (see ATTRIBUTION.md
// there). Every file starts with "#caspian-gazetteer-<kind>\t<version>"; a
// reader refuses a version it does not know.
//
// Thread safety: immutable after load(); every const member may be called
// from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian::kb {

// Version of the files this build reads.
inline constexpr int kGazetteerFormatVersion = 1;

struct Country {
  std::string alpha2;          // "KZ"
  std::string alpha3;          // "KAZ"
  std::string name;            // "Kazakhstan"
  std::string official;        // "Republic of Kazakhstan"
  std::string capital;         // "Astana"
  uint32_t capital_place = 0;  // GeoNames id of the capital, 0 if unknown
  std::optional<double> lat, lon;
  std::string subregion;             // "Central Asia"
  std::vector<std::string> borders;  // alpha-2 codes of neighbours
};

struct Place {
  uint32_t geonameid = 0;
  std::string name;          // preferred name ("Astana", "Washington, D.C.")
  std::string country;       // alpha-2
  std::string admin1;        // first-level subdivision name, may be empty
  std::string feature_code;  // PPLC, PPLA, PPL, ...
  int64_t population = 0;
  double lat = 0, lon = 0;
};

// A first-level subdivision (US state, Canadian province, UK nation, ...).
struct Subdivision {
  std::string code;     // ISO 3166-2, "US-WA"
  std::string name;     // "Washington"
  std::string country;  // alpha-2
  std::string type;     // "State", "Province", ...
  std::optional<double> lat, lon;
};

// A natural feature or region from features.tsv.
struct Feature {
  std::string id;    // "feature:caspian-sea"
  std::string name;  // "Caspian Sea"
  std::string type;  // "sea", "river", "region", ...
  double lat = 0, lon = 0;
  std::vector<std::string> countries;  // alpha-2 codes it touches
};

// What a name in the index refers to.
enum class NameType : uint8_t {
  kCountryName,       // "Kazakhstan", "United States", "America"
  kCountryAdjective,  // "Kazakh", "Armenian", "Americans"
  kCountryAcronym,    // "US", "U.S.", "UAE": only valid written in capitals
  kPlace,             // a place's own name
  kPlaceAlias,        // another name of a place ("Washington" for Washington, D.C.)
  kSubdivision,
  kFeature,
};

struct NameRef {
  NameType type = NameType::kPlace;
  uint32_t index = 0;  // into countries(), places(), subdivisions() or features()
};

// Why a name needs more evidence than usual before it is linked.
enum class Ambiguity : uint8_t {
  kNone,
  kCommonWord,  // "Reading", "Mobile", "Police", "May"
  kPersonName,  // "Florence", "Jordan", "Lincoln"
};

class Gazetteer {
 public:
  // Loads every file of the gazetteer in `dir` (normally data_dir/"gazetteer").
  // Fails with kNotFound (missing file), kUnsupportedVersion (unknown format
  // version) or kCorrupt (malformed content), naming the file and line.
  [[nodiscard]] static Result<std::unique_ptr<Gazetteer>> load(const std::filesystem::path& dir);

  // The lookup key of a name: case-folded, accents stripped, periods and
  // apostrophes dropped, every other run of non-alphanumerics one space.
  // "Washington, D.C." -> "washington dc"; "U.S." -> "us"; "Côte d'Ivoire" -> "cote divoire".
  [[nodiscard]] static std::string key(std::string_view name);

  // Everything named `key` (as returned by key()); empty if nothing.
  [[nodiscard]] std::span<const NameRef> lookup(std::string_view key) const;
  // Largest number of space-separated words in any key.
  [[nodiscard]] size_t max_key_words() const noexcept { return max_key_words_; }
  [[nodiscard]] Ambiguity ambiguity(std::string_view key) const;
  // Calls f(key, refs) for every indexed key, in unspecified order (for consumers that compile
  // the names into an index of their own, such as the NER model).
  template <typename F>
  void for_each_name(F&& f) const {
    for (const auto& [k, refs] : names_) f(std::string_view(k), std::span<const NameRef>(refs));
  }

  // By ISO 3166-1 alpha-2 or alpha-3 code, any case; nullptr if unknown.
  [[nodiscard]] const Country* country_by_code(std::string_view code) const;
  [[nodiscard]] const Place* place_by_id(uint32_t geonameid) const;
  // The capital of `country`, or nullptr when the gazetteer does not know it.
  [[nodiscard]] const Place* capital_of(const Country& country) const;

  [[nodiscard]] const std::vector<Country>& countries() const noexcept { return countries_; }
  [[nodiscard]] const std::vector<Place>& places() const noexcept { return places_; }
  [[nodiscard]] const std::vector<Subdivision>& subdivisions() const noexcept { return subdivisions_; }
  [[nodiscard]] const std::vector<Feature>& features() const noexcept { return features_; }

  // The canonical entity a name refers to (id, kind, name, country, coordinates).
  [[nodiscard]] Entity entity(const NameRef& ref) const;
  // Alpha-2 code of the country a reference lies in ("" for multi-country features).
  [[nodiscard]] std::string_view country_of(const NameRef& ref) const;

 private:
  Gazetteer() = default;
  Status load_countries(const std::filesystem::path& path);
  Status load_places(const std::filesystem::path& path);
  Status load_subdivisions(const std::filesystem::path& path);
  Status load_features(const std::filesystem::path& path);
  Status load_ambiguous(const std::filesystem::path& path);
  void add_name(std::string_view name, NameRef ref);

  std::vector<Country> countries_;
  std::vector<Place> places_;
  std::vector<Subdivision> subdivisions_;
  std::vector<Feature> features_;
  std::unordered_map<std::string, std::vector<NameRef>> names_;
  std::unordered_map<std::string, Ambiguity> ambiguous_;
  std::unordered_map<std::string, uint32_t> country_by_code_;  // upper-case alpha-2 and alpha-3
  std::unordered_map<uint32_t, uint32_t> place_by_id_;
  size_t max_key_words_ = 1;
};

}  // namespace caspian::kb
