// Internal to the event coder: the mentions that may concern each sentence, found once per
// document, so that coding a sentence costs time for its own mentions and not for all of the
// article's (which made long articles quadratic).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "caspian/document.h"

namespace caspian::events {

// Guarantees: of(s) holds, in document order, every mention that starts in sentence s
// (Mention::sentence) or whose span overlaps the bytes of s's tokens; a scan of of(s) with any
// test on mentions inside sentence s finds what a scan of Document::mentions finds, in the same
// order. Requires: the Document outlives the index and its mentions do not change meanwhile.
class SentenceMentions {
 public:
  explicit SentenceMentions(const Document& doc);
  // Empty for a sentence index out of range.
  std::span<const Mention* const> of(uint32_t sentence) const;

 private:
  std::vector<std::vector<const Mention*>> by_sentence_;
};

}  // namespace caspian::events
