// SentenceMentions (contract in sentence_mentions.h).
#include "events/sentence_mentions.h"

#include <algorithm>

namespace caspian::events {

SentenceMentions::SentenceMentions(const Document& doc) : by_sentence_(doc.sentences.size()) {
  // Each sentence's byte range: its span, widened to its tokens'.
  std::vector<Span> ranges;
  ranges.reserve(doc.sentences.size());
  for (const Sentence& s : doc.sentences) {
    Span r = s.span;
    if (s.token_count > 0 && static_cast<uint64_t>(s.first_token) + s.token_count <= doc.tokens.size()) {
      r.begin = std::min(r.begin, doc.tokens[s.first_token].span.begin);
      r.end = std::max(r.end, doc.tokens[s.first_token + s.token_count - 1].span.end);
    }
    ranges.push_back(r);
  }
  for (const Mention& m : doc.mentions) {
    const uint32_t own = m.sentence;
    if (own < by_sentence_.size()) by_sentence_[own].push_back(&m);
    // Sentences are in text order: the last one starting before the mention ends, and those
    // before it while they still reach into the mention.
    auto it = std::upper_bound(ranges.begin(), ranges.end(), m.span.end,
                               [](uint32_t pos, const Span& r) { return pos <= r.begin; });
    while (it != ranges.begin()) {
      --it;
      if (it->end <= m.span.begin) break;
      const auto s = static_cast<uint32_t>(it - ranges.begin());
      if (s != own && it->begin < m.span.end) by_sentence_[s].push_back(&m);
    }
  }
  // A mention may have been added to an earlier sentence after a later mention was: restore
  // document order (pointers into one vector compare in document order).
  for (auto& list : by_sentence_) std::sort(list.begin(), list.end());
}

std::span<const Mention* const> SentenceMentions::of(uint32_t sentence) const {
  if (sentence >= by_sentence_.size()) return {};
  return by_sentence_[sentence];
}

}  // namespace caspian::events
