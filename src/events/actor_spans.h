// The actors and role nouns a sentence names: the longest actor-dictionary name at each word (a
// proper noun: one word capitalised), else a role noun of the agent dictionary. A title before a
// known name is part of that name ("President Michel Suleiman"); a person inside a longer
// organisation name is part of that name.
//
// Thread safety: free functions without state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "events/actor_dictionary.h"
#include "events/sentence_view.h"

namespace caspian::events {

// An actor found in a sentence: the tokens [begin, end) (sentence-relative) and its code.
struct ActorSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string code;    // full actor code, or the agent's code for a role noun
  bool agent = false;  // a role noun ("police"), to be qualified by a country
  bool agent_prefix = false;
  std::string role;  // for an actor whose words are also a role noun ("Senate": USAGOVLEG, or LEG)
};

// Whether a word is written like a name: a capital letter anywhere ("Israel", "iSrael", "U.S.") or
// a non-ASCII letter (scripts without case).
[[nodiscard]] bool capitalised(std::string_view text);

// Finds the actors and role nouns of the sentence of `sv`, longest match first, left to right,
// with the actors' dated roles resolved on `day`.
// `mentions`: those of the sentence (SentenceMentions::of).
[[nodiscard]] std::vector<ActorSpan> find_actor_spans(const SentenceView& sv, const Document& doc,
                                                      std::span<const Mention* const> mentions,
                                                      const ActorDictionary& dict, Day day);

}  // namespace caspian::events
