// The abbreviations whose period is not (or not always) a full stop: one list, shared by the
// tokenizer (which decides whether "Dr." or "Inc." ends a sentence) and the knowledge base's text
// scan (which lets names continue after a title: "Mr. Tokayev").
//
// Compiled in rather than loaded from data/: the list is part of the tokenizer's behaviour (the
// tests pin it), small, and versioned with the code, and keeping it here makes tokenize() a pure
// function that needs no data directory.
//
// Thread safety: the list is immutable; every function may be called concurrently.
#pragma once

#include <cstdint>
#include <string_view>

namespace caspian::nlp {

// How a known abbreviation's period behaves.
enum class Abbrev : uint8_t {
  kNone,          // not an abbreviation: a following period is its own token
  kNonFinal,      // titles and the like ("Dr.", "e.g."): never ends a sentence
  kBeforeNumber,  // "No. 5", "pp. 12": an abbreviation only when a number follows
  kFinal,         // may end a sentence ("Inc.", "etc.", "U.S."): see SentenceSplitter
};

// The kind of the listed abbreviation `key` (lower case, without the final period: "dr", "u.s");
// kNone when it is not listed. Exact match: callers lower-case the word first.
[[nodiscard]] Abbrev listed_abbreviation(std::string_view key) noexcept;

// Whether `key` (as above) is a listed title or similar word that stands before a name and whose
// period does not end the sentence: "mr", "dr", "gen", "sen", "st", "jr", "no", ... (the 24 marked
// kTitle in the list).
[[nodiscard]] bool is_title_abbreviation(std::string_view key) noexcept;

}  // namespace caspian::nlp
