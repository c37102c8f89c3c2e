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
      const size_t colon = t.deprel.find(':');
      rels_.push_back({t.rel, colon == std::string::npos ? std::string_view()
                                                         : std::string_view(t.deprel).substr(colon + 1)});
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
      const Upos upos = tok(i).upos;
      const uint32_t object = kid(i, UdRel::kObj);
      verb_[i] = upos == Upos::kVerb || ((upos == Upos::kAdj || upos == Upos::kNoun) && object != kNone &&
                                         !kTimes.contains(words_[object]));
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
  // The universal relation of `i` to its head, whatever its subtype ("nmod:poss" gives kNmod).
  [[nodiscard]] UdRel base_rel(uint32_t i) const { return rels_[i].base; }
  // Whether `i` hangs on its head by exactly `r`, with no subtype ("nsubj", not "nsubj:pass").
  [[nodiscard]] bool is(uint32_t i, UdRel r) const { return rels_[i].base == r && rels_[i].subtype.empty(); }
  // Whether `i` hangs on its head by `r` with subtype `subtype` (kNmod, "poss" for "nmod:poss").
  [[nodiscard]] bool is(uint32_t i, UdRel r, std::string_view subtype) const {
    return rels_[i].base == r && rels_[i].subtype == subtype;
  }
  // The first child of `i` that hangs on it by exactly `r` (no subtype), or kNone.
  [[nodiscard]] uint32_t kid(uint32_t i, UdRel r) const {
    for (const uint32_t k : kids_[i]) {
      if (is(k, r)) return k;
    }
    return kNone;
  }
  // The first child of `i` that hangs on it by `r` with subtype `subtype`, or kNone.
  [[nodiscard]] uint32_t kid(uint32_t i, UdRel r, std::string_view subtype) const {
    for (const uint32_t k : kids_[i]) {
      if (is(k, r, subtype)) return k;
    }
    return kNone;
  }
  // The first child of `i` whose universal relation is `r`, whatever its subtype, or kNone.
  [[nodiscard]] uint32_t kid_any(uint32_t i, UdRel r) const {
    for (const uint32_t k : kids_[i]) {
      if (base_rel(k) == r) return k;
    }
    return kNone;
  }
  // The case marker (preposition) of a nominal, folded, or "".
  [[nodiscard]] std::string case_of(uint32_t i) const {
    std::string c;
    for (const uint32_t k : kids_[i]) {
      if (is(k, UdRel::kCase)) {
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
    const std::vector<Rel> parsed_rels = rels_;
    const auto inside = [&](uint32_t i) {
      return tok(i).span.begin >= dateline.begin && tok(i).span.end <= dateline.end;
    };
    for (uint32_t i = 0; i < n_; ++i) {
      if (!inside(i) || (heads_[i] != kNone && inside(heads_[i]))) continue;
      // `i` is a top of the dateline: its head (or the root) is outside it. Its first dependent
      // after the dateline (through other dateline words) takes its place.
      uint32_t heir = kNone;
      for (uint32_t c = 0; c < n_ && heir == kNone; ++c) {
        if (inside(c) || is(c, UdRel::kPunct) || heads_[c] == kNone || !inside(heads_[c])) continue;
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
      if (heads_[i] != kNone) rels_[i] = {UdRel::kDep, {}};
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
    if (root == kNone || tok(root).upos != Upos::kNoun || tok(n_ - 1).xpos != ".") return;
    uint32_t verb = kNone;
    uint32_t subject = kNone;
    bool object = false;
    for (uint32_t i = root + 1; i < n_; ++i) {
      if (heads_[i] == root && is(i, UdRel::kAcl, "relcl") && tok(i).upos == Upos::kVerb && verb == kNone)
        verb = i;
    }
    if (verb == kNone) return;
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] != verb) continue;
      const std::string_view x = tok(i).xpos;
      if (x == "WDT" || x == "WP" || x == "WRB") return;
      if (is(i, UdRel::kNsubj)) subject = i;
      if (is(i, UdRel::kObj)) object = true;
    }
    if (!object || subject != root + 1 || tok(subject).upos != Upos::kPropn) return;
    heads_[subject] = root;
    rels_[subject] = {UdRel::kAppos, {}};
    heads_[root] = verb;
    rels_[root] = {UdRel::kNsubj, {}};
    heads_[verb] = kNone;
    rels_[verb] = {UdRel::kRoot, {}};
    for (uint32_t i = 0; i < n_; ++i) {
      if (heads_[i] == root && is(i, UdRel::kPunct)) heads_[i] = verb;
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
      const Upos upos = tok(i).upos;
      if (upos == Upos::kAux || (upos == Upos::kVerb && !is(i, UdRel::kAmod))) return;
    }
    if (root == kNone || tok(root).upos != Upos::kNoun || n_ == 0 || tok(n_ - 1).xpos != ".") return;
    uint32_t verb = kNone;
    for (uint32_t i = 0; i < root; ++i) {
      const std::string_view x = tok(i).xpos;
      if (heads_[i] == root && is(i, UdRel::kAmod) && tok(i).upos == Upos::kVerb &&
          (x == "VBD" || x == "VBN"))
        verb = i;
    }
    if (verb == kNone) return;
    // The subject: the nominal right before the verb, attached to the root noun.
    const uint32_t subject = verb == 0 ? kNone : verb - 1;
    if (subject == kNone || (tok(subject).upos != Upos::kPropn && tok(subject).upos != Upos::kNoun) ||
        !((heads_[subject] == root && is(subject, UdRel::kCompound)) ||
          (heads_[subject] == verb && is(subject, UdRel::kNsubj)))) {
      return;
    }
    for (uint32_t i = 0; i < subject; ++i) {
      if (heads_[i] == root) heads_[i] = subject;
    }
    heads_[subject] = verb;
    rels_[subject] = {UdRel::kNsubj, {}};
    heads_[root] = verb;
    rels_[root] = {UdRel::kObj, {}};
    heads_[verb] = kNone;
    rels_[verb] = {UdRel::kRoot, {}};
  }

  // A relation to the head: its universal part and its subtype ("poss" of "nmod:poss", or "").
  struct Rel {
    UdRel base = UdRel::kNone;
    std::string_view subtype;  // into the document's strings
  };

  const Document& doc_;
  uint32_t first_;
  uint32_t n_;
  std::vector<std::vector<uint32_t>> kids_;
  std::vector<std::string> words_;
  std::vector<uint32_t> heads_;  // repaired heads (kNone for the root)
  std::vector<Rel> rels_;        // repaired relations
  std::vector<bool> verb_;
};

}  // namespace caspian::events
