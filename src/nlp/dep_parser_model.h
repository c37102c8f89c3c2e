// Internal to the dependency parser: the feature set, the arc-eager transition system (State),
// feature extraction and the beam search, shared by parsing (dep_parser.cc) and training
// (dep_parser_train.cc).
//
// Requires: token indices passed to State and the feature helpers lie within the sentence the
//   State was initialised for (kNoToken for none).
// Guarantees: feature keys are never 0; only legal transitions are applied by the search helpers.
// Thread safety: all functions are pure or only write their arguments.
#pragma once

// Inlined: hashing the features of every configuration is a tenth of parsing time otherwise.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/utf8.h"
#include "nlp/dep_parser.h"
#include "nlp/perceptron.h"

namespace caspian::nlp::dep_detail {

using perceptron::AveragedTrainer;
using perceptron::ByteReader;
using perceptron::ByteWriter;
using perceptron::SparseWeights;

// --- the feature set ------------------------------------------------------------------------------

// Feature templates (Zhang & Nivre 2011, adapted to arc-hybrid, whose RIGHT-ARC links the two top
// stack items: hence the S1 features). Notation: S0..S2 the stack from the top, N0..N2 the buffer
// from the front; w the normalised word, p the XPOS tag, u the UPOS tag; l1/l2 the leftmost and
// second-leftmost child, r1/r2 the rightmost ones; lab a child's label; d a bucketed distance;
// vl/vr the number of left/right children; sl/sr the set of their labels. Every feature is a 64-bit
// hash of (template, up to three values). The names enter the feature fingerprint: renaming,
// adding or reordering a template changes it and invalidates old models.
// clang-format off
#define CASPIAN_PARSE_FEATURES(X)                                                                     \
  X(kBias, "bias")                                                                                    \
  X(kS0w, "s0w") X(kS0p, "s0p") X(kS0wp, "s0wp") X(kS0u, "s0u")                                       \
  X(kN0w, "n0w") X(kN0p, "n0p") X(kN0wp, "n0wp") X(kN0u, "n0u")                                       \
  X(kN1w, "n1w") X(kN1p, "n1p") X(kN1wp, "n1wp")                                                      \
  X(kN2w, "n2w") X(kN2p, "n2p") X(kN2wp, "n2wp")                                                      \
  X(kS1w, "s1w") X(kS1p, "s1p") X(kS1wp, "s1wp") X(kS1u, "s1u")                                       \
  X(kS2w, "s2w") X(kS2p, "s2p")                                                                       \
  X(kS0wpN0wp, "s0wp,n0wp") X(kS0wpN0w, "s0wp,n0w") X(kS0wN0wp, "s0w,n0wp") X(kS0wpN0p, "s0wp,n0p") \
  X(kS0pN0wp, "s0p,n0wp") X(kS0wN0w, "s0w,n0w") X(kS0pN0p, "s0p,n0p") X(kN0pN1p, "n0p,n1p")         \
  X(kS1wpS0wp, "s1wp,s0wp") X(kS1wpS0w, "s1wp,s0w") X(kS1wS0wp, "s1w,s0wp")                         \
  X(kS1wpS0p, "s1wp,s0p") X(kS1pS0wp, "s1p,s0wp") X(kS1wS0w, "s1w,s0w") X(kS1pS0p, "s1p,s0p")       \
  X(kS1uS0u, "s1u,s0u") X(kS0uN0u, "s0u,n0u") X(kS1pN0p, "s1p,n0p") X(kS1wN0w, "s1w,n0w")           \
  X(kN0pN1pN2p, "n0p,n1p,n2p") X(kS0pN0pN1p, "s0p,n0p,n1p") X(kS1pS0pN0p, "s1p,s0p,n0p")            \
  X(kS2pS1pS0p, "s2p,s1p,s0p") X(kS0pS0l1pN0p, "s0p,s0l1p,n0p") X(kS0pS0r1pN0p, "s0p,s0r1p,n0p")    \
  X(kS0pN0pN0l1p, "s0p,n0p,n0l1p") X(kS1pS1r1pS0p, "s1p,s1r1p,s0p")                                 \
  X(kS1pS1l1pS0p, "s1p,s1l1p,s0p") X(kS1pS0pS0l1p, "s1p,s0p,s0l1p")                                 \
  X(kS1pS0pS0r1p, "s1p,s0p,s0r1p")                                                                    \
  X(kS0wD, "s0w,d") X(kS0pD, "s0p,d") X(kN0wD, "n0w,d") X(kN0pD, "n0p,d") X(kS0wN0wD, "s0w,n0w,d")  \
  X(kS0pN0pD, "s0p,n0p,d") X(kS1wD1, "s1w,d1") X(kS1pD1, "s1p,d1") X(kS1pS0pD1, "s1p,s0p,d1")       \
  X(kS1wS0wD1, "s1w,s0w,d1")                                                                          \
  X(kS0wVr, "s0w,vr") X(kS0pVr, "s0p,vr") X(kS0wVl, "s0w,vl") X(kS0pVl, "s0p,vl")                   \
  X(kN0wVl, "n0w,vl") X(kN0pVl, "n0p,vl") X(kS1wVr, "s1w,vr") X(kS1pVr, "s1p,vr")                   \
  X(kS1wVl, "s1w,vl") X(kS1pVl, "s1p,vl")                                                             \
  X(kS0l1w, "s0l1w") X(kS0l1p, "s0l1p") X(kS0l1l, "s0l1lab") X(kS0r1w, "s0r1w") X(kS0r1p, "s0r1p")  \
  X(kS0r1l, "s0r1lab") X(kN0l1w, "n0l1w") X(kN0l1p, "n0l1p") X(kN0l1l, "n0l1lab")                   \
  X(kS1l1w, "s1l1w") X(kS1l1p, "s1l1p") X(kS1l1l, "s1l1lab") X(kS1r1w, "s1r1w") X(kS1r1p, "s1r1p")  \
  X(kS1r1l, "s1r1lab")                                                                                \
  X(kS0l2w, "s0l2w") X(kS0l2p, "s0l2p") X(kS0l2l, "s0l2lab") X(kS0r2w, "s0r2w") X(kS0r2p, "s0r2p")  \
  X(kS0r2l, "s0r2lab") X(kN0l2w, "n0l2w") X(kN0l2p, "n0l2p") X(kN0l2l, "n0l2lab")                   \
  X(kS0pS0l1pS0l2p, "s0p,s0l1p,s0l2p") X(kS0pS0r1pS0r2p, "s0p,s0r1p,s0r2p")                         \
  X(kN0pN0l1pN0l2p, "n0p,n0l1p,n0l2p") X(kS1pS1r1pS1r2p, "s1p,s1r1p,s1r2p")                         \
  X(kS0wSr, "s0w,sr") X(kS0pSr, "s0p,sr") X(kS0wSl, "s0w,sl") X(kS0pSl, "s0p,sl")                   \
  X(kN0wSl, "n0w,sl") X(kN0pSl, "n0p,sl") X(kS1wSr, "s1w,sr") X(kS1pSr, "s1p,sr") X(kS1pSl, "s1p,sl")

// clang-format on
#define CASPIAN_FEATURE_ENUM(id, name) id,
#define CASPIAN_FEATURE_NAME(id, name) name,
enum class F : uint64_t { CASPIAN_PARSE_FEATURES(CASPIAN_FEATURE_ENUM) kCount };
inline constexpr std::array<std::string_view, static_cast<size_t>(F::kCount)> kFeatNames = {
    CASPIAN_PARSE_FEATURES(CASPIAN_FEATURE_NAME)};
#undef CASPIAN_FEATURE_ENUM
#undef CASPIAN_FEATURE_NAME
constexpr size_t kFeatures = static_cast<size_t>(F::kCount);

inline constexpr uint64_t kFeatureSeed = 0x43535044;  // seeds XXH3 for feature keys ("CSPD")
inline constexpr uint64_t kStringSeed = 0x43535045;   // seeds XXH3 for word and tag values
inline constexpr int kMaxDistance = 6;                // distances 1..4 exact, 5-9 -> 5, >= 10 -> 6
inline constexpr int kFarDistance = 10;
inline constexpr int kMaxValency = 7;  // valency counts are capped
// Describes the hashing, normalisation and transition-system parameters; part of the fingerprint.
inline constexpr std::string_view kFeatureParams =
    "xxh3-64;arc-hybrid, root at buffer end;w=ascii lower or utf8proc casefold+NFKC, ascii digits->0;"
    "p=xpos;u=upos;d=1..4,5-9,10+;valency cap 7;label sets=u64 mask of label ids mod 64";

inline uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

inline uint64_t feature_key(F f, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  const std::array<uint64_t, 4> packed = {static_cast<uint64_t>(f), a, b, c};
  const uint64_t k = XXH3_64bits_withSeed(packed.data(), sizeof(packed), kFeatureSeed);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in FlatIndex
}

inline uint64_t compute_fingerprint() {
  std::string desc(kFeatureParams);
  for (std::string_view name : kFeatNames) {
    desc += '\n';
    desc += name;
  }
  return XXH3_64bits(desc.data(), desc.size());
}

inline std::string normalize(std::string_view word) {
  return perceptron::normalize_word(word);
}

// The hashed values of one token.
struct Tok {
  uint64_t w = 0;
  uint64_t p = 0;
  uint64_t u = 0;
};

// The tokens of a sentence: its n words, then the root token (index n), then a "none" token
// (index n + 1) standing for absent positions.
inline std::vector<Tok> sentence_tokens(std::span<const std::string_view> words,
                                        std::span<const std::string_view> upos,
                                        std::span<const std::string_view> xpos) {
  static const Tok kRoot{hash_string("-ROOT-"), hash_string("-ROOT-"), hash_string("-ROOT-")};
  static const Tok kNone{hash_string("-NONE-"), hash_string("-NONE-"), hash_string("-NONE-")};
  std::vector<Tok> toks;
  toks.reserve(words.size() + 2);
  for (size_t i = 0; i < words.size(); ++i) {
    toks.push_back({hash_string(normalize(words[i])),
                    hash_string(i < xpos.size() ? xpos[i] : std::string_view()),
                    hash_string(i < upos.size() ? upos[i] : std::string_view())});
  }
  toks.push_back(kRoot);
  toks.push_back(kNone);
  return toks;
}

// --- the transition system ------------------------------------------------------------------------

// Classes: 0 is SHIFT, 1 + 2l is LEFT-ARC with label l, 2 + 2l is RIGHT-ARC with label l.
inline constexpr int kShift = 0;
enum class Move : uint8_t { kShift, kLeft, kRight };
inline Move move_of(int cls) {
  return cls == kShift ? Move::kShift : (cls % 2 == 1 ? Move::kLeft : Move::kRight);
}
inline int label_of(int cls) {
  return (cls - 1) / 2;
}

inline constexpr int kNoToken = -1;
inline constexpr size_t kLabelMaskBits = 64;

// An arc-hybrid configuration over words 0..n-1 and the root token n at the end of the buffer.
// Every token left of the buffer front and not yet attached is on the stack.
struct State {
  int n = 0;
  std::vector<int> stack;
  int b = 0;  // the buffer is b, b+1, ..., n
  std::vector<int> head, label, lc1, lc2, rc1, rc2, vl, vr;
  std::vector<uint64_t> sl, sr;

  void init(int words) {
    n = words;
    stack.clear();
    b = 0;
    const auto size = static_cast<size_t>(n + 1);
    for (std::vector<int>* v : {&head, &label, &lc1, &lc2, &rc1, &rc2}) v->assign(size, kNoToken);
    vl.assign(size, 0);
    vr.assign(size, 0);
    sl.assign(size, 0);
    sr.assign(size, 0);
  }
  [[nodiscard]] bool terminal() const { return stack.empty() && b == n; }
  [[nodiscard]] int s(size_t k) const { return stack.size() > k ? stack[stack.size() - 1 - k] : kNoToken; }

  [[nodiscard]] bool legal(Move m) const {
    switch (m) {
      case Move::kShift:
        return b < n;
      case Move::kLeft:  // the root token takes a dependent only as the last word
        return !stack.empty() && (b < n || stack.size() == 1);
      case Move::kRight:
        return stack.size() >= 2;
    }
    return false;
  }

  void attach(int h, int d, int l) {
    head[d] = h;
    label[d] = l;
    const uint64_t bit = uint64_t{1} << (static_cast<size_t>(l) % kLabelMaskBits);
    if (d < h) {
      if (lc1[h] == kNoToken || d < lc1[h]) {
        lc2[h] = lc1[h];
        lc1[h] = d;
      } else if (lc2[h] == kNoToken || d < lc2[h]) {
        lc2[h] = d;
      }
      vl[h] = std::min(vl[h] + 1, kMaxValency);
      sl[h] |= bit;
    } else {
      if (rc1[h] == kNoToken || d > rc1[h]) {
        rc2[h] = rc1[h];
        rc1[h] = d;
      } else if (rc2[h] == kNoToken || d > rc2[h]) {
        rc2[h] = d;
      }
      vr[h] = std::min(vr[h] + 1, kMaxValency);
      sr[h] |= bit;
    }
  }

  // Requires: the move of `cls` is legal.
  void apply(int cls) {
    switch (move_of(cls)) {
      case Move::kShift:
        stack.push_back(b++);
        break;
      case Move::kLeft:
        attach(b, stack.back(), label_of(cls));
        stack.pop_back();
        break;
      case Move::kRight: {
        const int d = stack.back();
        stack.pop_back();
        attach(stack.back(), d, label_of(cls));
        break;
      }
    }
  }
};

inline int distance_bucket(int from, int to) {
  if (from == kNoToken || to == kNoToken) return 0;
  const int d = std::abs(to - from);
  if (d < kMaxDistance - 1) return d;
  return d < kFarDistance ? kMaxDistance - 1 : kMaxDistance;
}

// Writes the kFeatures keys of configuration `st` into `out`.
void extract_features(const State& st, const std::vector<Tok>& toks, uint64_t* out);

// Whether class `cls` may be taken in `st`; `root_label` (or -1) is the only label of an arc from
// the root token and never labels another arc.
inline bool legal_class(const State& st, int cls, int root_label) {
  const Move m = move_of(cls);
  if (!st.legal(m)) return false;
  if (m == Move::kShift || root_label < 0) return true;
  const bool to_root = m == Move::kLeft && st.b == st.n;
  return (label_of(cls) == root_label) == to_root;
}

// The legal class with the highest score (ties: the lowest class id). Requires: !st.terminal().
inline int best_legal(const State& st, const float* scores, int n_classes, int root_label) {
  int best = -1;
  float best_score = -std::numeric_limits<float>::infinity();
  for (int c = 0; c < n_classes; ++c) {
    if (scores[c] > best_score || best < 0) {
      if (!legal_class(st, c, root_label)) continue;
      best = c;
      best_score = scores[c];
    }
  }
  return best;
}

// --- beam search ----------------------------------------------------------------------------------

// One hypothesis of the beam.
struct BeamItem {
  State st;
  double score = 0;   // the sum of its transitions' scores
  bool gold = false;  // training only: whether it is the gold prefix
};

// The extension of beam item `item` by class `cls`, with the extended score.
struct Candidate {
  double score = 0;
  uint32_t item = 0;
  int cls = 0;
};

// Best first: a higher score, then a lower item, then a lower class (a total order, so that the
// search does not depend on the standard library's sort).
inline bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.item != b.item) return a.item < b.item;
  return a.cls < b.cls;
}

// Buffers for beam search, reused across steps.
struct BeamScratch {
  std::vector<uint64_t> keys;    // item-major, kFeatures per item
  std::vector<float> scores;     // item-major, n_classes per item
  std::vector<Candidate> cands;  // the best extensions so far, best first
  perceptron::SparseWeights::ItemsScratch lookup;
};

// Inserts `c` into `best` (sorted best first, at most `width` long) if it belongs there.
inline void offer(std::vector<Candidate>& best, size_t width, const Candidate& c) {
  if (best.size() == width) {
    if (!better(c, best.back())) return;
    best.pop_back();
  }
  auto at = best.end();
  while (at != best.begin() && better(c, *(at - 1))) --at;
  best.insert(at, c);
}

// Scores every legal extension of every item of `beam` (none terminal) and moves the best
// min(width, count) of them, best first, to the front of scratch.cands; returns how many.
// `score_items(keys, items, scores)` must add the weights of each item's kFeatures keys to its
// n_classes scores (both item-major; scores start at zero).
template <class ScoreItems>
size_t best_extensions(const std::vector<BeamItem>& beam, size_t width, const std::vector<Tok>& toks,
                       int n_classes, int root_label, BeamScratch& scratch, ScoreItems&& score_items) {
  const size_t items = beam.size();
  const auto classes = static_cast<size_t>(n_classes);
  scratch.keys.resize(items * kFeatures);
  scratch.scores.assign(items * classes, 0.0F);
  for (size_t i = 0; i < items; ++i) extract_features(beam[i].st, toks, &scratch.keys[i * kFeatures]);
  score_items(std::span<const uint64_t>(scratch.keys), items, scratch.scores.data());
  scratch.cands.clear();
  for (size_t i = 0; i < items; ++i) {
    const State& st = beam[i].st;
    const float* scores = &scratch.scores[i * classes];
    const auto item = static_cast<uint32_t>(i);
    // The worst score that can still enter the beam (nothing, until the beam is full).
    const auto floor = [&] {
      return scratch.cands.size() < width ? -std::numeric_limits<double>::infinity()
                                          : scratch.cands.back().score;
    };
    if (st.legal(Move::kShift)) offer(scratch.cands, width, {beam[i].score + scores[kShift], item, kShift});
    // Arcs: what legal_class() allows, class by class, without re-deriving the move's legality.
    const bool left = st.legal(Move::kLeft);
    const bool right = st.legal(Move::kRight);
    const bool to_root = st.b == st.n;
    for (int c = 1; c < n_classes; ++c) {
      const double score = beam[i].score + scores[c];
      if (score < floor()) continue;
      const bool is_left = c % 2 == 1;
      if (!(is_left ? left : right)) continue;
      if (root_label >= 0 && (label_of(c) == root_label) != (is_left && to_root)) continue;
      offer(scratch.cands, width, {score, item, c});
    }
  }
  return scratch.cands.size();
}

// How many of `cands` (best first) score within `margin` of the first, the best (at least one
// when there are any).
inline size_t within_margin(std::span<const Candidate> cands, float margin) {
  if (cands.empty()) return 0;
  const double floor = cands[0].score - margin;
  size_t k = 1;
  while (k < cands.size() && cands[k].score >= floor) ++k;
  return k;
}

// Makes `next` the first `keep` candidates applied to their items of `beam` (reusing next's
// storage). An item stays gold when its parent was gold and its class is `gold_class` (-1: none).
inline void advance(const std::vector<BeamItem>& beam, std::span<const Candidate> cands, int gold_class,
                    std::vector<BeamItem>& next) {
  next.resize(cands.size());
  for (size_t k = 0; k < cands.size(); ++k) {
    const BeamItem& parent = beam[cands[k].item];
    next[k].st = parent.st;
    next[k].st.apply(cands[k].cls);
    next[k].score = cands[k].score;
    next[k].gold = parent.gold && cands[k].cls == gold_class;
  }
}

inline constexpr size_t kMaxLabels = (0xFFFF - 1) / 2;  // class ids are stored as uint16
inline constexpr std::string_view kRootLabel = "root";

inline std::string_view universal(std::string_view deprel) {
  return deprel.substr(0, deprel.find(':'));
}

}  // namespace caspian::nlp::dep_detail

namespace caspian::nlp {

// The frozen perceptron.
struct DepParser::Weights {
  dep_detail::SparseWeights w;
};

}  // namespace caspian::nlp
