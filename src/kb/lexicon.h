// Small curated word lists for gazetteer linking and entity ids. All lookups take Gazetteer::key() forms
// (lower case, no periods: "dr", "secretary general"). Written by hand from general English usage; no
// external source.
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

[[nodiscard]] bool is_given_name(std::string_view key);

// The full name of a well-known organisation acronym ("UN" -> "United
// Nations"), so that both forms link to one entity; nullopt when unknown.
[[nodiscard]] std::optional<std::string_view> org_acronym_expansion(std::string_view acronym);

// Nouns after a capital that make it stand for its government ("Washington summit").
[[nodiscard]] bool is_capital_cue(std::string_view key);
// Prepositions that introduce a location ("in", "to", "from", "near").
[[nodiscard]] bool is_location_preposition(std::string_view key);

}  // namespace caspian::kb::lexicon
