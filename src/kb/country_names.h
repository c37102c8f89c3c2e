// Country names in languages other than English (data/gazetteer/country_names.tsv, built by
// scripts/build_country_names.py from i18n-iso-countries and world-countries; see ATTRIBUTION.md
// there), and the matcher that finds them in text for the "country-names" stage.
//
// File format: "#caspian-gazetteer-country-names<TAB>1", then comment lines ("#...") and rows
// "<alpha2><TAB><language><TAB><name>": an ISO 3166-1 alpha-2 code of countries.tsv, an ISO 639-1
// code as the "language" stage labels articles, and a name of the country in that language.
//
// Matching (find()): text and names are folded the same way, code point by code point (simple
// lower case, so byte offsets map back one to one; typographic apostrophes read as "'", runs of
// white space as one space). A name written in a spaced script must stand as a whole word (no
// letter, mark or digit just before or after it; in Arabic a one-letter proclitic, "و", "ب",
// "ل", "ف" or "ك", may come before it); a name that begins (ends) in Han, Kana, Hangul or Thai,
// which are written without spaces, may begin (end) inside a run of characters, except that a
// Hangul name must begin a word (Korean attaches particles at the end of words only) and a
// katakana name must be a whole run of katakana (a loanword: "タイ" is not in "タイトル"). At each position
// the longest name wins, and matches do not overlap. Inflected forms are recognised in Russian only,
// by a closed list of case endings on the last word ("России", "Казахстана", "Китае"; see
// kRussianInflections in the .cc); elsewhere "Kasachstans" is not found.
//
// Thread safety: immutable after load(); find() may be called from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian::kb {

// Version of country_names.tsv this build reads.
inline constexpr int kCountryNamesFormatVersion = 1;

struct CountryNameMatch {
  Span span;                // byte range of the name in the text
  std::string_view alpha2;  // the country ("RU"); points into the CountryNames
  std::string_view name;    // the name as the file spells it ("Россия")
};

class CountryNames {
 public:
  // Reads `path`. Errors: kNotFound or kIoError (the file), kUnsupportedVersion (another format
  // version), kCorrupt (a malformed row: wrong field count, a code not of two upper-case letters,
  // an empty language or name, invalid UTF-8), naming the file and line.
  [[nodiscard]] static Result<CountryNames> load(const std::filesystem::path& path);
  // As load(), from the file's contents; `source` names it in errors.
  [[nodiscard]] static Result<CountryNames> parse(std::string_view text, std::string_view source);

  // Whether the file has names in `language` ("ru").
  [[nodiscard]] bool has_language(std::string_view language) const;
  // The names of `language` found in `text` (valid UTF-8), in text order; empty when the language
  // has none.
  [[nodiscard]] std::vector<CountryNameMatch> find(std::string_view language, std::string_view text) const;
  // Number of names, all languages together.
  [[nodiscard]] size_t size() const noexcept { return entries_.size(); }
  // Number of names in `language`.
  [[nodiscard]] size_t size(std::string_view language) const;

 private:
  struct Entry {
    std::string alpha2;
    std::string name;
  };
  // A trie over folded code points: node 0 is the root; edges map (node << 32 | code point) to
  // the child; terminal[node] is the index of the entry that ends there, or -1.
  struct Trie {
    std::unordered_map<uint64_t, uint32_t> edges;
    std::vector<int32_t> terminal{-1};
    size_t names = 0;
  };

  void add(std::string_view language, uint32_t entry);

  std::vector<Entry> entries_;
  std::unordered_map<std::string, Trie> by_language_;
};

}  // namespace caspian::kb
