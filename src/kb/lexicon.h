// Small curated word lists for the rule-based recognisers (gazetteer linking
// and rule_ner). All lookups take Gazetteer::key() forms (lower case, no
// periods: "dr", "secretary general"). Written by hand from general English
// usage; no external source.
//
// Thread safety: the tables are built once (function-local statics) and are
// read-only afterwards.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "kb/text_scan.h"

namespace caspian::kb::lexicon {

// Articles, prepositions, pronouns, conjunctions and other words that are
// capitalised only because they start a sentence ("In", "The", "However").
[[nodiscard]] bool is_function_word(std::string_view key);
// Lower-case words allowed inside a multi-word name ("of", "and", "de", "al").
[[nodiscard]] bool is_name_connector(std::string_view key);
// "North", "Southern", "Greater", "Central", ...: may precede a place name.
[[nodiscard]] bool is_direction_word(std::string_view key);
// Months and weekdays.
[[nodiscard]] bool is_calendar_word(std::string_view key);

// Number of words of a personal title starting at words[i] ("Prime Minister",
// "Secretary of State", "Dr"), or 0.
[[nodiscard]] size_t match_title(const std::vector<Word>& words, size_t i);

enum class Head { kNone, kOrganization, kMisc };
// Whether a word ends (or heads) an organisation name ("Ministry", "Times",
// "Bank") or a named event, agreement or route ("Accord", "Route", "Summit").
[[nodiscard]] Head head_kind(std::string_view key);
// Heads that keep an "of <Place>" complement as part of the name ("Bank of America").
[[nodiscard]] bool head_takes_place(std::string_view key);

[[nodiscard]] bool is_given_name(std::string_view key);
// Common surname endings in news about the former Soviet Union, the Balkans,
// Turkey, ... ("-yan", "-ov", "-enko", "-shvili").
[[nodiscard]] bool has_surname_suffix(std::string_view key);

// Words naming a minister's portfolio ("Health", "Foreign", "Affairs").
[[nodiscard]] bool is_portfolio_word(std::string_view key);

// Well-known organisation acronyms (NATO, OSCE, UN, EU, CSTO, ...).
[[nodiscard]] bool is_org_acronym(std::string_view surface);
// The full name of a well-known organisation acronym ("UN" -> "United
// Nations"), so that both forms link to one entity; nullopt when unknown.
[[nodiscard]] std::optional<std::string_view> org_acronym_expansion(std::string_view acronym);
// All-caps tokens that are not organisations (CEO, GDP, COVID, roman numerals).
[[nodiscard]] bool is_non_org_acronym(std::string_view surface);

// Nouns after a capital that make it stand for its government ("Washington summit").
[[nodiscard]] bool is_capital_cue(std::string_view key);
// Prepositions that introduce a location ("in", "to", "from", "near").
[[nodiscard]] bool is_location_preposition(std::string_view key);

}  // namespace caspian::kb::lexicon
