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
#include <unordered_set>
#include <vector>

#include "caspian/document.h"
#include "caspian/utf8.h"

namespace caspian::events {

constexpr uint32_t kNone = UINT32_MAX;

// The parse of one sentence with helpers to walk it.
class SentenceView {
 public:
  // `dateline`: the bytes of the article's dateline when this sentence opens with it (else empty).
  SentenceView(const Document& doc, const Sentence& s, Span dateline = {})
      : doc_(doc), first_(s.first_token), n_(s.token_count) {
    words_.reserve(n_);
    heads_.reserve(n_);
    rels_.reserve(n_);
    for (uint32_t i = 0; i < n_; ++i) {
      const Token& t = tok(i);
      words_.push_back(utf8::fold(doc.slice(t.span)));
      heads_.push_back(t.head == 0 || t.head > n_ ? kNone : t.head - 1);
      rels_.emplace_back(t.deprel);
    }
    detach_dateline(dateline);
    repair_participle_root();
    repair_apposed_subject();
    kids_.resize(n_);
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] != kNone) kids_[heads_[i]].push_back(i);
    }
    verb_.resize(n_);
    for (uint32_t i = 0; i < n_; ++i) {
      // A word tagged adjective or noun that has a direct object is a verb the tagger missed
      // ("it would free over 150 prisoners"): UD attaches objects to verbs only.
      // Not a time ("the ISIL attack this morning": "morning" is no object).
      static const std::unordered_set<std::string_view> kTimes = {
          "morning", "afternoon", "evening",  "night",  "day",      "week",
          "month",   "year",      "weekend",  "today",  "tonight",  "monday",
          "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
      const std::string_view upos = tok(i).upos;
      const uint32_t object = kid(i, "obj");
      verb_[i] = upos == "VERB" ||
                 ((upos == "ADJ" || upos == "NOUN") && object != kNone && !kTimes.contains(words_[object]));
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
  [[nodiscard]] uint32_t head(uint32_t i) const { return heads_[i]; }
  [[nodiscard]] std::string_view rel(uint32_t i) const { return rels_[i]; }
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
  // The parser reads a dateline as part of the sentence ("GAZA CITY, Palestinian Territories: Four
  // children were killed": "Territories" the subject, "children" its apposition). The words after
  // the dateline that hang on it take its place in the tree, and the dateline's words become
  // unattached dependents ("dep") of what they hung on.
  //
  // Guarantees: the heads still form a forest; when a re-heading would close a cycle (a parse
  // with several dateline tops) the parser's heads are kept.
  void detach_dateline(Span dateline) {
    if (dateline.size() == 0) return;
    const std::vector<uint32_t> parsed_heads = heads_;
    const std::vector<std::string_view> parsed_rels = rels_;
    const auto inside = [&](uint32_t i) {
      return tok(i).span.begin >= dateline.begin && tok(i).span.end <= dateline.end;
    };
    for (uint32_t i = 0; i < n_; ++i) {
      if (!inside(i) || (heads_[i] != kNone && inside(heads_[i]))) continue;
      // `i` is a top of the dateline: its head (or the root) is outside it. Its first dependent
      // after the dateline (through other dateline words) takes its place.
      uint32_t heir = kNone;
      for (uint32_t c = 0; c < n_ && heir == kNone; ++c) {
        if (inside(c) || rels_[c] == "punct" || heads_[c] == kNone || !inside(heads_[c])) continue;
        uint32_t top = heads_[c];
        for (uint32_t steps = 0; top != kNone && heads_[top] != kNone && inside(heads_[top]) && steps < n_;
             ++steps) {
          top = heads_[top];
        }
        if (top == i) heir = c;
      }
      if (heir != kNone) {
        heads_[heir] = heads_[i];
        rels_[heir] = rels_[i];
        for (uint32_t c = 0; c < n_; ++c) {
          if (c != heir && !inside(c) && heads_[c] != kNone && inside(heads_[c])) heads_[c] = heir;
        }
      }
      heads_[i] = heir != kNone ? heir : heads_[i];
      if (heads_[i] != kNone) rels_[i] = "dep";
    }
    if (!acyclic()) {
      heads_ = parsed_heads;
      rels_ = parsed_rels;
    }
  }

  // Whether every word reaches the root (or kNone) within `n_` steps.
  [[nodiscard]] bool acyclic() const {
    for (uint32_t i = 0; i < n_; ++i) {
      uint32_t cur = i;
      for (uint32_t steps = 0; cur != kNone; ++steps) {
        if (steps > n_) return false;
        cur = heads_[cur];
      }
    }
    return true;
  }

  // A sentence the parser read as a noun with a relative clause whose subject is a name right
  // after the noun ("The militant group al-Shabab is claiming responsibility.": "claiming"
  // acl:relcl of "group", "al-Shabab" its subject) is a clause when the relative clause has no gap
  // (its verb has an object and no relative pronoun): the noun is the subject, the name its
  // apposition.
  void repair_apposed_subject() {
    uint32_t root = kNone;
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] == kNone) {
        if (root != kNone) return;
        root = i;
      }
    }
    if (root == kNone || tok(root).upos != "NOUN" || tok(n_ - 1).xpos != ".") return;
    uint32_t verb = kNone;
    uint32_t subject = kNone;
    bool object = false;
    for (uint32_t i = root + 1; i < n_; ++i) {
      if (heads_[i] == root && rels_[i] == "acl:relcl" && tok(i).upos == "VERB" && verb == kNone) verb = i;
    }
    if (verb == kNone) return;
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] != verb) continue;
      const std::string_view x = tok(i).xpos;
      if (x == "WDT" || x == "WP" || x == "WRB") return;
      if (rels_[i] == "nsubj") subject = i;
      if (rels_[i] == "obj") object = true;
    }
    if (!object || subject != root + 1 || tok(subject).upos != "PROPN") return;
    heads_[subject] = root;
    rels_[subject] = "appos";
    heads_[root] = verb;
    rels_[root] = "nsubj";
    heads_[verb] = kNone;
    rels_[verb] = "root";
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] == root && rels_[i] == "punct") heads_[i] = verb;
    }
  }

  // A sentence the parser read as one noun phrase whose past-tense verb modifies the head noun
  // ("The US presented evidence against Russia.": "presented" amod of "evidence") is a clause when
  // it has no other verb: the words before the verb are its subject and the head noun its object.
  // Headlines without a final period keep the noun-phrase reading ("Troops deployed overseas").
  void repair_participle_root() {
    uint32_t root = kNone;
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] == kNone) {
        if (root != kNone) return;
        root = i;
      }
      const std::string_view upos = tok(i).upos;
      if (upos == "AUX" || (upos == "VERB" && rels_[i] != "amod")) return;
    }
    if (root == kNone || tok(root).upos != "NOUN" || n_ == 0 || tok(n_ - 1).xpos != ".") return;
    uint32_t verb = kNone;
    for (uint32_t i = 0; i < root; ++i) {
      const std::string_view x = tok(i).xpos;
      if (heads_[i] == root && rels_[i] == "amod" && tok(i).upos == "VERB" && (x == "VBD" || x == "VBN"))
        verb = i;
    }
    if (verb == kNone) return;
    // The subject: the nominal right before the verb, attached to the root noun.
    const uint32_t subject = verb == 0 ? kNone : verb - 1;
    if (subject == kNone || (tok(subject).upos != "PROPN" && tok(subject).upos != "NOUN") ||
        !((heads_[subject] == root && rels_[subject] == "compound") ||
          (heads_[subject] == verb && rels_[subject] == "nsubj"))) {
      return;
    }
    for (uint32_t i = 0; i < subject; ++i) {
      if (heads_[i] == root) heads_[i] = subject;
    }
    heads_[subject] = verb;
    rels_[subject] = "nsubj";
    heads_[root] = verb;
    rels_[root] = "obj";
    heads_[verb] = kNone;
    rels_[verb] = "root";
  }

  const Document& doc_;
  uint32_t first_;
  uint32_t n_;
  std::vector<std::vector<uint32_t>> kids_;
  std::vector<std::string> words_;
  std::vector<uint32_t> heads_;         // repaired heads (kNone for the root)
  std::vector<std::string_view> rels_;  // repaired relations, into the document's strings
  std::vector<bool> verb_;
};

}  // namespace caspian::events
