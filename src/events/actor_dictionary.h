// Actor and agent dictionaries in the PETRARCH format (data/events/petrarch2/Phoenix.*.actors.txt,
// Phoenix.agents.txt, data/events/actors.caspian.txt and users' own files): names of countries,
// people, organisations and groups mapped to CAMEO actor codes with dated roles, and role nouns
// ("police", "rebels", "foreign minister") mapped to sector codes that qualify a country.
//
// Names are matched on tokens case-insensitively (utf8::fold), word by word, longest first.
//
// Thread safety: immutable after loading; safe to read from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/result.h"

namespace caspian::events {

// Days since 1970-01-01, the calendar of dated roles.
using Day = int32_t;

// One code of an actor, valid from `from` to `until`, both days included.
struct DatedCode {
  std::string code;
  Day from = INT32_MIN;
  Day until = INT32_MAX;
  bool dated = false;  // false: the fallback outside every dated role
};

struct ActorEntry {
  std::string name;  // the primary name, as written ("NIKOL_PASHINYAN_")
  std::vector<DatedCode> codes;
  // The code on `day`: the dated role containing it (the narrowest of several, the first on
  // ties), else the undated fallback (the last one listed), else "" (no role that day: the name
  // is not an actor then, as in PETRARCH).
  [[nodiscard]] std::string code_on(Day day) const;
};

// An agent: a role noun and the sector code it adds. `prefix` codes ("IGO~") go before the
// country, the usual suffix codes ("~GOV") after it.
struct AgentEntry {
  std::string code;  // without the "~"
  bool prefix = false;
};

// A match of a dictionary name on a token sequence.
struct NameMatch {
  size_t length = 0;  // tokens matched (0: none)
  const ActorEntry* actor = nullptr;
  const AgentEntry* agent = nullptr;
};

class ActorDictionary {
 public:
  // Adds the actors of a PETRARCH actor file. Names already known are replaced (later files
  // override earlier ones, name by name). Fails naming the file and line on malformed input.
  [[nodiscard]] Status add_actor_file(const std::filesystem::path& path);
  // Same, from text in memory; `origin` names it in errors.
  [[nodiscard]] Status add_actors(std::string_view text, std::string_view origin);
  // Adds the agents of a PETRARCH agent file (`!SET! = A, B` substitution sets, `NOUN {PLURAL} [~CODE]`).
  [[nodiscard]] Status add_agent_file(const std::filesystem::path& path);
  [[nodiscard]] Status add_agents(std::string_view text, std::string_view origin);

  // The longest actor name with a role on `day`, and separately the longest agent name, starting
  // at words[0]. `words` are folded (utf8::fold) token texts.
  [[nodiscard]] NameMatch match_actor(std::span<const std::string> words, Day day) const;
  [[nodiscard]] NameMatch match_agent(std::span<const std::string> words) const;

  [[nodiscard]] size_t actor_count() const { return actors_.size(); }
  [[nodiscard]] size_t agent_count() const { return agents_.size(); }
  // Dated roles left out because their date was malformed (the PETRARCH files hold a few).
  [[nodiscard]] size_t skipped_codes() const { return skipped_codes_; }

  // Parses a date of a role: YYYYMMDD, or YYMMDD as in the PETRARCH files (years up to 30 are
  // 20xx). nullopt if malformed.
  [[nodiscard]] static std::optional<Day> parse_day(std::string_view digits);
  [[nodiscard]] static Day day_of(int year, unsigned month, unsigned day);

 private:
  struct Phrase {
    std::vector<std::string> words;  // folded
    uint32_t entry = 0;
  };
  struct PhraseIndex {
    // First word -> phrases starting with it, longest first.
    std::unordered_map<std::string, std::vector<Phrase>> by_first;
    void add(std::vector<std::string> words, uint32_t entry);
    // The longest phrase at words[0] for which accept(entry) holds: {length, entry}, length 0 if none.
    template <class Accept>
    [[nodiscard]] std::pair<size_t, uint32_t> longest(std::span<const std::string> words,
                                                      Accept accept) const;
  };
  std::vector<ActorEntry> actors_;
  std::vector<AgentEntry> agents_;
  PhraseIndex actor_names_;
  PhraseIndex agent_names_;
  size_t skipped_codes_ = 0;
};

// Splits a dictionary name ("NIKOL_PASHINYAN_", "U.S._ARMY") into folded words.
[[nodiscard]] std::vector<std::string> dictionary_words(std::string_view name);

}  // namespace caspian::events
