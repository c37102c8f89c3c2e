// SentenceView: the dependency parse of one sentence of a Document, with the helpers the event
// coder walks it with (children, relations, case markers, dominance). Token indices are
// sentence-relative; kNone stands for "no token".
//
// Thread safety: immutable after construction; the Document must outlive the view.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/utf8.h"

namespace caspian::events {

constexpr uint32_t kNone = UINT32_MAX;

// The parse of one sentence with helpers to walk it.
class SentenceView {
 public:
  SentenceView(const Document& doc, const Sentence& s) : doc_(doc), first_(s.first_token), n_(s.token_count) {
    kids_.resize(n_);
    words_.reserve(n_);
    for (uint32_t i = 0; i < n_; ++i) {
      const Token& t = tok(i);
      words_.push_back(utf8::fold(doc.slice(t.span)));
      if (t.head > 0 && t.head <= n_) kids_[t.head - 1].push_back(i);
    }
    verb_.resize(n_);
    for (uint32_t i = 0; i < n_; ++i) {
      // A word tagged adjective or noun that has a direct object is a verb the tagger missed
      // ("it would free over 150 prisoners"): UD attaches objects to verbs only.
      const std::string_view upos = tok(i).upos;
      verb_[i] = upos == "VERB" || ((upos == "ADJ" || upos == "NOUN") && kid(i, "obj") != kNone);
    }
  }
  [[nodiscard]] uint32_t size() const { return n_; }
  [[nodiscard]] const Token& tok(uint32_t i) const { return doc_.tokens[first_ + i]; }
  [[nodiscard]] const std::string& word(uint32_t i) const { return words_[i]; }
  [[nodiscard]] std::span<const std::string> words_from(uint32_t i) const {
    return std::span<const std::string>(words_).subspan(i);
  }
  [[nodiscard]] const std::vector<uint32_t>& kids(uint32_t i) const { return kids_[i]; }
  // Whether word `i` is a verb: tagged so, or heading a direct object.
  [[nodiscard]] bool is_verb(uint32_t i) const { return verb_[i]; }
  [[nodiscard]] uint32_t head(uint32_t i) const {
    const uint32_t h = tok(i).head;
    return h == 0 || h > n_ ? kNone : h - 1;
  }
  [[nodiscard]] std::string_view rel(uint32_t i) const { return tok(i).deprel; }
  [[nodiscard]] std::string_view base_rel(uint32_t i) const {
    const std::string_view r = rel(i);
    return r.substr(0, r.find(':'));
  }
  // The first child of `i` with relation `r` (exact, or by base relation when `base`), or kNone.
  [[nodiscard]] uint32_t kid(uint32_t i, std::string_view r, bool base = false) const {
    for (const uint32_t k : kids_[i]) {
      if ((base ? base_rel(k) : rel(k)) == r) return k;
    }
    return kNone;
  }
  // The case marker (preposition) of a nominal, folded, or "".
  [[nodiscard]] std::string case_of(uint32_t i) const {
    std::string c;
    for (const uint32_t k : kids_[i]) {
      if (rel(k) == "case") {
        if (!c.empty()) c += ' ';
        c += words_[k];
      }
    }
    return c;
  }
  // Whether `a` is in the subtree of `root`.
  [[nodiscard]] bool dominates(uint32_t root, uint32_t a) const {
    for (uint32_t steps = 0; a != kNone && steps <= n_; ++steps) {
      if (a == root) return true;
      a = head(a);
    }
    return false;
  }
  [[nodiscard]] Span span(uint32_t begin, uint32_t end) const {
    return {tok(begin).span.begin, tok(end - 1).span.end};
  }
  [[nodiscard]] uint32_t global(uint32_t i) const { return first_ + i; }

 private:
  const Document& doc_;
  uint32_t first_;
  uint32_t n_;
  std::vector<std::vector<uint32_t>> kids_;
  std::vector<std::string> words_;
  std::vector<bool> verb_;
};

}  // namespace caspian::events
