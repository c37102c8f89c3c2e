#include "nlp/dep_parser.h"

// Inlined: hashing the features of every configuration is a tenth of parsing time otherwise.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <random>
#include <utility>

#include "caspian/utf8.h"
#include "nlp/perceptron.h"

namespace caspian::nlp {
namespace {

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
constexpr std::array<std::string_view, static_cast<size_t>(F::kCount)> kFeatNames = {
    CASPIAN_PARSE_FEATURES(CASPIAN_FEATURE_NAME)};
#undef CASPIAN_FEATURE_ENUM
#undef CASPIAN_FEATURE_NAME
constexpr size_t kFeatures = static_cast<size_t>(F::kCount);

constexpr uint64_t kFeatureSeed = 0x43535044;  // seeds XXH3 for feature keys ("CSPD")
constexpr uint64_t kStringSeed = 0x43535045;   // seeds XXH3 for word and tag values
constexpr int kMaxDistance = 6;                // distances 1..4 exact, 5-9 -> 5, >= 10 -> 6
constexpr int kFarDistance = 10;
constexpr int kMaxValency = 7;  // valency counts are capped
// Describes the hashing, normalisation and transition-system parameters; part of the fingerprint.
constexpr std::string_view kFeatureParams =
    "xxh3-64;arc-hybrid, root at buffer end;w=ascii lower or utf8proc casefold+NFKC, ascii digits->0;"
    "p=xpos;u=upos;d=1..4,5-9,10+;valency cap 7;label sets=u64 mask of label ids mod 64";

uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

uint64_t feature_key(F f, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  const std::array<uint64_t, 4> packed = {static_cast<uint64_t>(f), a, b, c};
  const uint64_t k = XXH3_64bits_withSeed(packed.data(), sizeof(packed), kFeatureSeed);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in FlatIndex
}

uint64_t compute_fingerprint() {
  std::string desc(kFeatureParams);
  for (std::string_view name : kFeatNames) {
    desc += '\n';
    desc += name;
  }
  return XXH3_64bits(desc.data(), desc.size());
}

std::string normalize(std::string_view word) {
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
std::vector<Tok> sentence_tokens(std::span<const std::string_view> words,
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
constexpr int kShift = 0;
enum class Move : uint8_t { kShift, kLeft, kRight };
Move move_of(int cls) {
  return cls == kShift ? Move::kShift : (cls % 2 == 1 ? Move::kLeft : Move::kRight);
}
int label_of(int cls) {
  return (cls - 1) / 2;
}

constexpr int kNoToken = -1;
constexpr size_t kLabelMaskBits = 64;

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

int distance_bucket(int from, int to) {
  if (from == kNoToken || to == kNoToken) return 0;
  const int d = std::abs(to - from);
  if (d < kMaxDistance - 1) return d;
  return d < kFarDistance ? kMaxDistance - 1 : kMaxDistance;
}

// Writes the kFeatures keys of configuration `st` into `out`.
void extract_features(const State& st, const std::vector<Tok>& toks, uint64_t* out) {
  const int none = st.n + 1;
  const auto tok = [&](int i) -> const Tok& { return toks[static_cast<size_t>(i == kNoToken ? none : i)]; };
  const auto child = [](const std::vector<int>& v, int i) {
    return i == kNoToken ? kNoToken : v[static_cast<size_t>(i)];
  };
  const auto lab = [&](int i) -> uint64_t {
    return i == kNoToken ? 0 : static_cast<uint64_t>(st.label[static_cast<size_t>(i)] + 1);
  };
  const auto count = [&](const std::vector<int>& v, int i) -> uint64_t {
    return i == kNoToken ? 0 : static_cast<uint64_t>(v[static_cast<size_t>(i)]);
  };
  const auto set = [&](const std::vector<uint64_t>& v, int i) -> uint64_t {
    return i == kNoToken ? 0 : v[static_cast<size_t>(i)];
  };
  const int s0i = st.s(0);
  const int s1i = st.s(1);
  const int s2i = st.s(2);
  const int n0i = st.b;
  const int n1i = st.b + 1 <= st.n ? st.b + 1 : kNoToken;
  const int n2i = st.b + 2 <= st.n ? st.b + 2 : kNoToken;
  const Tok& s0 = tok(s0i);
  const Tok& s1 = tok(s1i);
  const Tok& s2 = tok(s2i);
  const Tok& n0 = tok(n0i);
  const Tok& n1 = tok(n1i);
  const Tok& n2 = tok(n2i);
  const int s0l1i = child(st.lc1, s0i), s0l2i = child(st.lc2, s0i);
  const int s0r1i = child(st.rc1, s0i), s0r2i = child(st.rc2, s0i);
  const int n0l1i = child(st.lc1, n0i), n0l2i = child(st.lc2, n0i);
  const int s1l1i = child(st.lc1, s1i);
  const int s1r1i = child(st.rc1, s1i), s1r2i = child(st.rc2, s1i);
  const Tok& s0l1 = tok(s0l1i);
  const Tok& s0l2 = tok(s0l2i);
  const Tok& s0r1 = tok(s0r1i);
  const Tok& s0r2 = tok(s0r2i);
  const Tok& n0l1 = tok(n0l1i);
  const Tok& n0l2 = tok(n0l2i);
  const Tok& s1l1 = tok(s1l1i);
  const Tok& s1r1 = tok(s1r1i);
  const Tok& s1r2 = tok(s1r2i);
  const auto d = static_cast<uint64_t>(distance_bucket(s0i, n0i));
  const auto d1 = static_cast<uint64_t>(distance_bucket(s1i, s0i));

  size_t k = 0;
  const auto add = [&](F f, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
    out[k++] = feature_key(f, a, b, c);
  };
  add(F::kBias, 0);
  add(F::kS0w, s0.w), add(F::kS0p, s0.p), add(F::kS0wp, s0.w, s0.p), add(F::kS0u, s0.u);
  add(F::kN0w, n0.w), add(F::kN0p, n0.p), add(F::kN0wp, n0.w, n0.p), add(F::kN0u, n0.u);
  add(F::kN1w, n1.w), add(F::kN1p, n1.p), add(F::kN1wp, n1.w, n1.p);
  add(F::kN2w, n2.w), add(F::kN2p, n2.p), add(F::kN2wp, n2.w, n2.p);
  add(F::kS1w, s1.w), add(F::kS1p, s1.p), add(F::kS1wp, s1.w, s1.p), add(F::kS1u, s1.u);
  add(F::kS2w, s2.w), add(F::kS2p, s2.p);
  // Pairs: (w, p) of one item with parts of the other.
  add(F::kS0wpN0wp, s0.w ^ (s0.p << 1), n0.w, n0.p);
  add(F::kS0wpN0w, s0.w, s0.p, n0.w);
  add(F::kS0wN0wp, s0.w, n0.w, n0.p);
  add(F::kS0wpN0p, s0.w, s0.p, n0.p);
  add(F::kS0pN0wp, s0.p, n0.w, n0.p);
  add(F::kS0wN0w, s0.w, n0.w);
  add(F::kS0pN0p, s0.p, n0.p);
  add(F::kN0pN1p, n0.p, n1.p);
  add(F::kS1wpS0wp, s1.w ^ (s1.p << 1), s0.w, s0.p);
  add(F::kS1wpS0w, s1.w, s1.p, s0.w);
  add(F::kS1wS0wp, s1.w, s0.w, s0.p);
  add(F::kS1wpS0p, s1.w, s1.p, s0.p);
  add(F::kS1pS0wp, s1.p, s0.w, s0.p);
  add(F::kS1wS0w, s1.w, s0.w);
  add(F::kS1pS0p, s1.p, s0.p);
  add(F::kS1uS0u, s1.u, s0.u);
  add(F::kS0uN0u, s0.u, n0.u);
  add(F::kS1pN0p, s1.p, n0.p);
  add(F::kS1wN0w, s1.w, n0.w);
  // Tag triples.
  add(F::kN0pN1pN2p, n0.p, n1.p, n2.p);
  add(F::kS0pN0pN1p, s0.p, n0.p, n1.p);
  add(F::kS1pS0pN0p, s1.p, s0.p, n0.p);
  add(F::kS2pS1pS0p, s2.p, s1.p, s0.p);
  add(F::kS0pS0l1pN0p, s0.p, s0l1.p, n0.p);
  add(F::kS0pS0r1pN0p, s0.p, s0r1.p, n0.p);
  add(F::kS0pN0pN0l1p, s0.p, n0.p, n0l1.p);
  add(F::kS1pS1r1pS0p, s1.p, s1r1.p, s0.p);
  add(F::kS1pS1l1pS0p, s1.p, s1l1.p, s0.p);
  add(F::kS1pS0pS0l1p, s1.p, s0.p, s0l1.p);
  add(F::kS1pS0pS0r1p, s1.p, s0.p, s0r1.p);
  // Distance.
  add(F::kS0wD, s0.w, d), add(F::kS0pD, s0.p, d), add(F::kN0wD, n0.w, d), add(F::kN0pD, n0.p, d);
  add(F::kS0wN0wD, s0.w, n0.w, d), add(F::kS0pN0pD, s0.p, n0.p, d);
  add(F::kS1wD1, s1.w, d1), add(F::kS1pD1, s1.p, d1), add(F::kS1pS0pD1, s1.p, s0.p, d1);
  add(F::kS1wS0wD1, s1.w, s0.w, d1);
  // Valency.
  add(F::kS0wVr, s0.w, count(st.vr, s0i)), add(F::kS0pVr, s0.p, count(st.vr, s0i));
  add(F::kS0wVl, s0.w, count(st.vl, s0i)), add(F::kS0pVl, s0.p, count(st.vl, s0i));
  add(F::kN0wVl, n0.w, count(st.vl, n0i)), add(F::kN0pVl, n0.p, count(st.vl, n0i));
  add(F::kS1wVr, s1.w, count(st.vr, s1i)), add(F::kS1pVr, s1.p, count(st.vr, s1i));
  add(F::kS1wVl, s1.w, count(st.vl, s1i)), add(F::kS1pVl, s1.p, count(st.vl, s1i));
  // Children.
  add(F::kS0l1w, s0l1.w), add(F::kS0l1p, s0l1.p), add(F::kS0l1l, lab(s0l1i));
  add(F::kS0r1w, s0r1.w), add(F::kS0r1p, s0r1.p), add(F::kS0r1l, lab(s0r1i));
  add(F::kN0l1w, n0l1.w), add(F::kN0l1p, n0l1.p), add(F::kN0l1l, lab(n0l1i));
  add(F::kS1l1w, s1l1.w), add(F::kS1l1p, s1l1.p), add(F::kS1l1l, lab(s1l1i));
  add(F::kS1r1w, s1r1.w), add(F::kS1r1p, s1r1.p), add(F::kS1r1l, lab(s1r1i));
  add(F::kS0l2w, s0l2.w), add(F::kS0l2p, s0l2.p), add(F::kS0l2l, lab(s0l2i));
  add(F::kS0r2w, s0r2.w), add(F::kS0r2p, s0r2.p), add(F::kS0r2l, lab(s0r2i));
  add(F::kN0l2w, n0l2.w), add(F::kN0l2p, n0l2.p), add(F::kN0l2l, lab(n0l2i));
  add(F::kS0pS0l1pS0l2p, s0.p, s0l1.p, s0l2.p);
  add(F::kS0pS0r1pS0r2p, s0.p, s0r1.p, s0r2.p);
  add(F::kN0pN0l1pN0l2p, n0.p, n0l1.p, n0l2.p);
  add(F::kS1pS1r1pS1r2p, s1.p, s1r1.p, s1r2.p);
  // Label sets.
  add(F::kS0wSr, s0.w, set(st.sr, s0i)), add(F::kS0pSr, s0.p, set(st.sr, s0i));
  add(F::kS0wSl, s0.w, set(st.sl, s0i)), add(F::kS0pSl, s0.p, set(st.sl, s0i));
  add(F::kN0wSl, n0.w, set(st.sl, n0i)), add(F::kN0pSl, n0.p, set(st.sl, n0i));
  add(F::kS1wSr, s1.w, set(st.sr, s1i)), add(F::kS1pSr, s1.p, set(st.sr, s1i));
  add(F::kS1pSl, s1.p, set(st.sl, s1i));
  assert(k == kFeatures && "feature list out of date");
}

// Whether class `cls` may be taken in `st`; `root_label` (or -1) is the only label of an arc from
// the root token and never labels another arc.
bool legal_class(const State& st, int cls, int root_label) {
  const Move m = move_of(cls);
  if (!st.legal(m)) return false;
  if (m == Move::kShift || root_label < 0) return true;
  const bool to_root = m == Move::kLeft && st.b == st.n;
  return (label_of(cls) == root_label) == to_root;
}

// The legal class with the highest score (ties: the lowest class id). Requires: !st.terminal().
int best_legal(const State& st, const float* scores, int n_classes, int root_label) {
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
bool better(const Candidate& a, const Candidate& b) {
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
void offer(std::vector<Candidate>& best, size_t width, const Candidate& c) {
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
size_t within_margin(std::span<const Candidate> cands, float margin) {
  if (cands.empty()) return 0;
  const double floor = cands[0].score - margin;
  size_t k = 1;
  while (k < cands.size() && cands[k].score >= floor) ++k;
  return k;
}

// Makes `next` the first `keep` candidates applied to their items of `beam` (reusing next's
// storage). An item stays gold when its parent was gold and its class is `gold_class` (-1: none).
void advance(const std::vector<BeamItem>& beam, std::span<const Candidate> cands, int gold_class,
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

// --- gold trees and the dynamic oracle -------------------------------------------------------------

// Gold heads with the root as index n (words 0..n-1), or empty when they do not form a tree.
std::vector<int> gold_heads(const ParsedSentence& s) {
  const int n = static_cast<int>(s.words.size());
  std::vector<int> heads(s.heads.size());
  for (size_t i = 0; i < heads.size(); ++i) {
    const int h = s.heads[i];
    if (h < 0 || h > n || h == static_cast<int>(i) + 1) return {};
    heads[i] = h == 0 ? n : h - 1;
  }
  // Acyclic: every word reaches the root within n steps.
  for (int i = 0; i < n; ++i) {
    int x = i;
    for (int steps = 0; x != n; ++steps) {
      if (steps > n) return {};
      x = heads[static_cast<size_t>(x)];
    }
  }
  return heads;
}

// Whether `a` dominates `x` (is `x` or one of its ancestors) in a tree given by heads (root n).
bool dominates(const std::vector<int>& heads, int a, int x) {
  const int root = static_cast<int>(heads.size());
  while (x != root && x != a) x = heads[static_cast<size_t>(x)];
  return x == a;
}

// Lifts non-projective arcs (shortest first) until the tree is projective. Requires: a tree.
void projectivize(std::vector<int>& heads) {
  const int n = static_cast<int>(heads.size());
  for (;;) {
    int worst = -1;
    int worst_len = 0;
    for (int d = 0; d < n; ++d) {
      const int h = heads[static_cast<size_t>(d)];
      const int lo = std::min(h, d);
      const int hi = std::max(h, d);
      bool crossing = false;
      for (int k = lo + 1; k < hi && !crossing; ++k) crossing = !dominates(heads, h, k);
      if (crossing && (worst < 0 || hi - lo < worst_len)) worst = d, worst_len = hi - lo;
    }
    if (worst < 0) return;
    const int h = heads[static_cast<size_t>(worst)];
    heads[static_cast<size_t>(worst)] = heads[static_cast<size_t>(h)];  // h is a word: roots never cross
  }
}

// A training sentence: its tokens, projective gold heads (root n) and gold label ids.
struct GoldSentence {
  std::vector<Tok> toks;
  std::vector<int> heads;
  std::vector<int> labels;
  std::vector<std::vector<int>> deps;  // gold dependents of each token 0..n
};

// Dynamic-oracle costs (Goldberg & Nivre 2013, arc-hybrid): how many gold arcs each move makes
// unreachable. In arc-hybrid nothing on the stack or in the buffer has a head yet.
struct MoveCosts {
  int shift = 0, left = 0, right = 0;
};

MoveCosts move_costs(const State& st, const GoldSentence& g) {
  MoveCosts c;
  const int s0 = st.s(0);
  const int s1 = st.s(1);
  const int b = st.b;
  const auto on_stack = [&](int x) { return x < b && st.head[static_cast<size_t>(x)] == kNoToken; };
  if (b < st.n) {
    // SHIFT loses b's head if it is deeper than S0 on the stack, and b's dependents on the stack.
    const int gh = g.heads[static_cast<size_t>(b)];
    c.shift = (gh < b && gh != s0 && on_stack(gh)) ? 1 : 0;
    for (const int d : g.deps[static_cast<size_t>(b)]) c.shift += on_stack(d) ? 1 : 0;
  }
  if (s0 != kNoToken) {
    // Popping S0 loses its dependents still in the buffer.
    int lost_deps = 0;
    for (const int d : g.deps[static_cast<size_t>(s0)]) lost_deps += d >= b ? 1 : 0;
    const int gh = g.heads[static_cast<size_t>(s0)];
    c.left = lost_deps + ((gh != b && (gh == s1 || gh > b)) ? 1 : 0);
    c.right = lost_deps + (gh >= b ? 1 : 0);
  }
  return c;
}

// The cost of class `cls`: its move's cost, plus one for a right arc with a wrong label.
int class_cost(const State& st, const GoldSentence& g, const MoveCosts& mc, int cls) {
  switch (move_of(cls)) {
    case Move::kShift:
      return mc.shift;
    case Move::kLeft: {
      const auto s0 = static_cast<size_t>(st.s(0));
      return mc.left + ((g.heads[s0] == st.b && g.labels[s0] != label_of(cls)) ? 1 : 0);
    }
    case Move::kRight: {
      const auto s0 = static_cast<size_t>(st.s(0));
      return mc.right + ((g.heads[s0] == st.s(1) && g.labels[s0] != label_of(cls)) ? 1 : 0);
    }
  }
  return 0;
}

// The legal class of least cost, the highest-scoring among those (`scores` may be null: then the
// lowest class id); its cost goes to `cost`. Requires: !st.terminal().
int oracle_class(const State& st, const GoldSentence& g, int n_classes, int root_label, const float* scores,
                 int& cost) {
  const MoveCosts mc = move_costs(st, g);
  int best = -1;
  cost = std::numeric_limits<int>::max();
  for (int c = 0; c < n_classes; ++c) {
    if (!legal_class(st, c, root_label)) continue;
    const int k = class_cost(st, g, mc, c);
    if (k < cost || (k == cost && scores != nullptr && scores[c] > scores[best])) {
      best = c;
      cost = k;
    }
  }
  return best;
}

// Builds the training form of `s` (projectivized); false when its heads do not form a tree or a
// label is unknown. `lifted` tells whether projectivizing changed the tree.
bool make_gold(const ParsedSentence& s, const std::map<std::string, int>& label_ids, GoldSentence& g,
               bool& lifted) {
  std::vector<int> heads = gold_heads(s);
  if (heads.empty() || s.words.empty()) return false;
  const std::vector<int> original = heads;
  projectivize(heads);
  lifted = heads != original;
  const std::vector<std::string_view> words(s.words.begin(), s.words.end());
  const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
  const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
  g.toks = sentence_tokens(words, upos, xpos);
  g.labels.clear();
  g.deps.assign(s.words.size() + 1, {});
  for (size_t i = 0; i < s.words.size(); ++i) {
    const auto it = i < s.deprels.size() ? label_ids.find(s.deprels[i]) : label_ids.end();
    if (it == label_ids.end()) return false;
    g.labels.push_back(it->second);
    g.deps[static_cast<size_t>(heads[i])].push_back(static_cast<int>(i));
  }
  g.heads = std::move(heads);
  return true;
}

// The transitions of the static oracle for `g`: the lowest-numbered zero-cost class at each step.
std::vector<int> gold_sequence(const GoldSentence& g, int n_classes, int root_label) {
  std::vector<int> seq;
  State st;
  st.init(static_cast<int>(g.heads.size()));
  while (!st.terminal()) {
    int cost = 0;
    seq.push_back(oracle_class(st, g, n_classes, root_label, nullptr, cost));
    st.apply(seq.back());
  }
  return seq;
}

// Global training on one sentence with max-violation updates (Huang, Fayong & Guo 2012): runs the
// beam over the whole sentence with the current weights alongside the gold sequence, finds the
// step where the best non-gold item leads the gold prefix by the most, and moves the weights
// towards the gold prefix and away from that item's prefix, up to that step. Returns whether it
// updated. Deterministic. Requires: g is a training sentence; width >= 1.
bool train_max_violation(const GoldSentence& g, size_t width, int n_classes, int root_label,
                         AveragedTrainer& trainer, BeamScratch& scratch) {
  const std::vector<int> gold_seq = gold_sequence(g, n_classes, root_label);
  const int n = static_cast<int>(g.heads.size());
  const auto score_items = [&](std::span<const uint64_t> keys, size_t items, float* scores) {
    for (size_t i = 0; i < items; ++i) {
      trainer.add_scores(keys.subspan(i * kFeatures, kFeatures), scores + i * static_cast<size_t>(n_classes));
    }
  };
  std::vector<BeamItem> beam(1);
  std::vector<BeamItem> next;
  beam[0].st.init(n);
  beam[0].gold = true;
  // history[t * width + k]: the parent item and class of item k after step t + 1.
  std::vector<Candidate> history(gold_seq.size() * width);
  State gold_state;  // the gold prefix, followed once it has left the beam
  gold_state.init(n);
  double gold_score = 0;
  bool gold_in_beam = true;
  double max_violation = 0;
  size_t violation_step = 0;  // 0: none
  std::array<uint64_t, kFeatures> keys{};
  std::vector<float> gold_scores(static_cast<size_t>(n_classes));
  for (size_t t = 0; t < gold_seq.size(); ++t) {
    const size_t keep = best_extensions(beam, width, g.toks, n_classes, root_label, scratch, score_items);
    if (!gold_in_beam) {
      extract_features(gold_state, g.toks, keys.data());
      std::fill(gold_scores.begin(), gold_scores.end(), 0.0F);
      trainer.add_scores(keys, gold_scores.data());
      gold_score += gold_scores[static_cast<size_t>(gold_seq[t])];
    }
    gold_state.apply(gold_seq[t]);
    advance(beam, std::span<const Candidate>(scratch.cands.data(), keep), gold_seq[t], next);
    std::copy_n(scratch.cands.begin(), keep, history.begin() + static_cast<std::ptrdiff_t>(t * width));
    std::swap(beam, next);
    const auto gold_item = std::find_if(beam.begin(), beam.end(), [](const BeamItem& b) { return b.gold; });
    if (gold_in_beam && gold_item == beam.end()) {
      // The gold prefix just fell out: its score is its parent's plus this step's transition.
      gold_in_beam = false;
      const BeamItem& parent =
          *std::find_if(next.begin(), next.end(), [](const BeamItem& b) { return b.gold; });
      extract_features(parent.st, g.toks, keys.data());
      std::fill(gold_scores.begin(), gold_scores.end(), 0.0F);
      trainer.add_scores(keys, gold_scores.data());
      gold_score = parent.score + gold_scores[static_cast<size_t>(gold_seq[t])];
    } else if (gold_in_beam) {
      gold_score = gold_item->score;
    }
    const double violation = beam[0].score - gold_score;
    if (!beam[0].gold && (violation > max_violation || violation_step == 0)) {
      max_violation = violation;
      violation_step = t + 1;
    }
  }
  if (violation_step == 0) return false;
  // The violating item's classes, by following its parents back.
  std::vector<int> wrong_seq(violation_step);
  uint32_t item = 0;
  for (size_t t = violation_step; t-- > 0;) {
    const Candidate& c = history[t * width + item];
    wrong_seq[t] = c.cls;
    item = c.item;
  }
  State right;
  right.init(n);
  size_t t = 0;
  for (; t < violation_step && wrong_seq[t] == gold_seq[t]; ++t) right.apply(gold_seq[t]);  // no net update
  State wrong = right;
  for (; t < violation_step; ++t) {
    extract_features(right, g.toks, keys.data());
    trainer.update(keys, static_cast<uint16_t>(gold_seq[t]), 1.0F);
    right.apply(gold_seq[t]);
    extract_features(wrong, g.toks, keys.data());
    trainer.update(keys, static_cast<uint16_t>(wrong_seq[t]), -1.0F);
    wrong.apply(wrong_seq[t]);
  }
  return true;
}

constexpr size_t kMaxLabels = (0xFFFF - 1) / 2;  // class ids are stored as uint16
constexpr std::string_view kRootLabel = "root";

std::string_view universal(std::string_view deprel) {
  return deprel.substr(0, deprel.find(':'));
}

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'D', 'E', 'P', '\0'};

}  // namespace

// The frozen perceptron.
struct DepParser::Weights {
  SparseWeights w;
};

void AttachmentScore::add(const ParsedSentence& gold, std::span<const int> heads,
                          std::span<const std::string> deprels) {
  for (size_t i = 0; i < gold.words.size(); ++i) {
    ++words;
    if (i >= heads.size() || i >= gold.heads.size() || heads[i] != gold.heads[i]) continue;
    ++head_correct;
    if (i >= deprels.size() || i >= gold.deprels.size()) continue;
    label_correct += universal(deprels[i]) == universal(gold.deprels[i]) ? 1 : 0;
    full_label_correct += deprels[i] == gold.deprels[i] ? 1 : 0;
  }
}

DepParser::DepParser() = default;
DepParser::~DepParser() = default;

uint64_t DepParser::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

void DepParser::parse(std::span<const std::string_view> words, std::span<const std::string_view> upos,
                      std::span<const std::string_view> xpos, std::vector<int>& heads,
                      std::vector<std::string>& deprels) const {
  const int n = static_cast<int>(words.size());
  heads.assign(words.size(), 0);
  deprels.assign(words.size(), std::string());
  if (n == 0) return;
  const std::vector<Tok> toks = sentence_tokens(words, upos, xpos);
  const int n_classes = 1 + 2 * static_cast<int>(labels_.size());
  std::vector<BeamItem> beam(1);
  beam[0].st.init(n);
  if (beam_ > 1) {
    BeamScratch scratch;
    std::vector<BeamItem> next;
    const auto score_items = [&](std::span<const uint64_t> keys, size_t /*items*/, float* scores) {
      weights_->w.add_scores_items(keys, kFeatures, scores, static_cast<size_t>(n_classes), scratch.lookup);
    };
    while (!beam[0].st.terminal()) {  // every complete parse takes 2n transitions
      size_t keep = best_extensions(beam, static_cast<size_t>(beam_), toks, n_classes, root_label_, scratch,
                                    score_items);
      if (beam_margin_ > 0)
        keep = within_margin(std::span<const Candidate>(scratch.cands.data(), keep), beam_margin_);
      advance(beam, std::span<const Candidate>(scratch.cands.data(), keep), -1, next);
      std::swap(beam, next);
    }
  } else {
    State& st = beam[0].st;
    std::array<uint64_t, kFeatures> keys{};
    std::vector<float> scores(static_cast<size_t>(n_classes));
    while (!st.terminal()) {
      extract_features(st, toks, keys.data());
      std::fill(scores.begin(), scores.end(), 0.0F);
      weights_->w.add_scores(keys, scores.data());
      st.apply(best_legal(st, scores.data(), n_classes, root_label_));
    }
  }
  const State& st = beam[0].st;
  for (int i = 0; i < n; ++i) {
    const int h = st.head[static_cast<size_t>(i)];
    heads[static_cast<size_t>(i)] = h == n ? 0 : h + 1;
    deprels[static_cast<size_t>(i)] = labels_[static_cast<size_t>(st.label[static_cast<size_t>(i)])];
  }
}

AttachmentScore DepParser::score(const std::vector<ParsedSentence>& gold) const {
  AttachmentScore score;
  std::vector<int> heads;
  std::vector<std::string> deprels;
  for (const ParsedSentence& s : gold) {
    const std::vector<std::string_view> words(s.words.begin(), s.words.end());
    const std::vector<std::string_view> upos(s.upos.begin(), s.upos.end());
    const std::vector<std::string_view> xpos(s.xpos.begin(), s.xpos.end());
    parse(words, upos, xpos, heads, deprels);
    score.add(s, heads, deprels);
  }
  return score;
}

Result<std::unique_ptr<DepParser>> DepParser::train(const std::vector<ParsedSentence>& train,
                                                    const std::vector<ParsedSentence>& dev,
                                                    const ParseTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  if (options.beam < 1 || options.beam > kMaxParseBeam) {
    return Status(ErrorCode::kInvalidArgument, "beam must be 1 to " + std::to_string(kMaxParseBeam));
  }
  for (const std::vector<ParsedSentence>* data : {&train, &dev}) {
    for (const ParsedSentence& s : *data) {
      const size_t n = s.words.size();
      if (s.upos.size() != n || s.xpos.size() != n || s.heads.size() != n || s.deprels.size() != n) {
        return Status(ErrorCode::kInvalidArgument,
                      "a sentence has different numbers of words, tags and heads");
      }
      for (size_t i = 0; i < n; ++i) {
        if (s.deprels[i].empty())
          return Status(ErrorCode::kInvalidArgument, "empty DEPREL for word '" + s.words[i] + "'");
      }
    }
  }

  // Labels, most frequent first (ties by name).
  std::map<std::string, size_t> label_counts;
  for (const ParsedSentence& s : train) {
    for (const std::string& l : s.deprels) ++label_counts[l];
  }
  if (label_counts.size() > kMaxLabels) {
    return Status(ErrorCode::kInvalidArgument, std::to_string(label_counts.size()) + " labels; at most " +
                                                   std::to_string(kMaxLabels) + " are supported");
  }
  std::vector<std::pair<std::string, size_t>> sorted(label_counts.begin(), label_counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  auto parser = std::unique_ptr<DepParser>(new DepParser());
  std::map<std::string, int> label_ids;
  for (const auto& [label, count] : sorted) {
    label_ids.emplace(label, static_cast<int>(parser->labels_.size()));
    parser->labels_.push_back(label);
  }
  if (const auto it = label_ids.find(std::string(kRootLabel)); it != label_ids.end())
    parser->root_label_ = it->second;

  // Gold sentences: projectivized trees; non-trees are skipped.
  std::vector<GoldSentence> gold;
  size_t skipped = 0;
  size_t lifted = 0;
  size_t train_words = 0;
  for (const ParsedSentence& s : train) {
    GoldSentence g;
    bool was_lifted = false;
    if (!make_gold(s, label_ids, g, was_lifted)) {
      ++skipped;
      continue;
    }
    lifted += was_lifted ? 1 : 0;
    train_words += s.words.size();
    gold.push_back(std::move(g));
  }
  if (gold.empty()) return Status(ErrorCode::kEmptyInput, "no training sentence with a well-formed tree");
  if (log != nullptr) {
    *log << gold.size() << " training sentences (" << train_words << " words), " << lifted
         << " projectivized, " << skipped << " skipped (not a tree); " << parser->labels_.size()
         << " labels, " << kFeatures << " feature templates\n";
  }

  const int n_classes = 1 + 2 * static_cast<int>(parser->labels_.size());
  AveragedTrainer trainer;
  std::vector<size_t> order(gold.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  constexpr double kUnit = 0x1.0p-53;  // turns the top 53 bits of a draw into [0, 1)
  std::vector<float> scores(static_cast<size_t>(n_classes));
  std::array<uint64_t, kFeatures> keys{};
  State st;
  BeamScratch beam_scratch;
  parser->beam_ = options.beam;
  parser->weights_ = std::make_unique<Weights>();
  AttachmentScore dev_score;
  for (int pass = 1; pass <= options.iterations; ++pass) {
    // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined, and the
    // model must be byte-identical across standard libraries.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    const bool explore = pass > options.explore_after;
    size_t decisions = 0;
    size_t errors = 0;
    for (const size_t s : order) {
      const GoldSentence& g = gold[s];
      if (options.beam > 1) {
        errors += train_max_violation(g, static_cast<size_t>(options.beam), n_classes, parser->root_label_,
                                      trainer, beam_scratch)
                      ? 1
                      : 0;
        ++decisions;
        trainer.tick();
        continue;
      }
      st.init(static_cast<int>(g.heads.size()));
      while (!st.terminal()) {
        extract_features(st, g.toks, keys.data());
        std::fill(scores.begin(), scores.end(), 0.0F);
        trainer.add_scores(keys, scores.data());
        const int predicted = best_legal(st, scores.data(), n_classes, parser->root_label_);
        int best_cost = 0;
        const int best = oracle_class(st, g, n_classes, parser->root_label_, scores.data(), best_cost);
        if (class_cost(st, g, move_costs(st, g), predicted) > best_cost) {
          trainer.update(keys, static_cast<uint16_t>(best), 1.0F);
          trainer.update(keys, static_cast<uint16_t>(predicted), -1.0F);
          ++errors;
        }
        trainer.tick();
        ++decisions;
        const bool follow_prediction =
            explore && static_cast<double>(rng() >> 11) * kUnit < options.explore_probability;
        st.apply(follow_prediction ? predicted : best);
      }
    }
    const bool last = pass == options.iterations;
    if (log != nullptr) {
      *log << "pass " << pass << "/" << options.iterations << ": " << decisions
           << (options.beam > 1 ? " sentences, " : " decisions, ")
           << static_cast<double>(errors) / static_cast<double>(std::max<size_t>(decisions, 1))
           << (options.beam > 1 ? " updated, " : " costly, ") << trainer.features() << " features";
    }
    if (last || (options.dev_every_pass && !dev.empty())) {
      parser->weights_->w = trainer.freeze(options.prune_below);
      if (!dev.empty()) {
        dev_score = parser->score(dev);
        if (log != nullptr) *log << "; dev UAS " << dev_score.uas() << ", LAS " << dev_score.las();
      }
    }
    if (log != nullptr) *log << "\n";
  }

  const SparseWeights& w = parser->weights_->w;
  nlohmann::ordered_json config;
  config["format_version"] = kParseModelFormatVersion;
  config["feature_fingerprint"] = perceptron::hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source},
                     {"sentences", gold.size()},
                     {"words", train_words},
                     {"projectivized", lifted},
                     {"skipped", skipped}};
  config["dev"] = {{"source", options.dev_source}, {"sentences", dev.size()}, {"words", dev_score.words}};
  config["tags"] = options.tag_source;
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"beam", options.beam},
                       {"explore_after", options.explore_after},
                       {"explore_probability", options.explore_probability},
                       {"prune_below", options.prune_below}};
  config["dev_scores"] = {
      {"uas", dev_score.uas()}, {"las", dev_score.las()}, {"full_las", dev_score.full_las()}};
  config["model"] = {
      {"labels", parser->labels_.size()}, {"features", w.keys.size()}, {"weights", w.entry_class.size()}};
  parser->config_json_ = config.dump();
  if (Status st = parser->set_beam_margin(options.beam_margin); !st.ok()) return st;
  return parser;
}

Status DepParser::set_beam_margin(float margin) {
  if (!std::isfinite(margin) || margin < 0) {
    return Status(ErrorCode::kInvalidArgument, "the beam margin must be a finite number >= 0");
  }
  beam_margin_ = margin;
  // The config of a model read from an older format is brought up to the format save() writes.
  auto config = nlohmann::ordered_json::parse(config_json_, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) config = nlohmann::ordered_json::object();
  config["format_version"] = kParseModelFormatVersion;
  config["decoding"] = {{"beam_margin", margin}};
  config_json_ = config.dump();
  return Status::Ok();
}

namespace {
// This build's kind of parser model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kParseModelFormatVersion, DepParser::feature_fingerprint(), "parser model",
          kOldestParseModelFormatVersion};
}
}  // namespace

Status DepParser::save(const std::filesystem::path& path) const {
  ByteWriter w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  w.u32(static_cast<uint32_t>(beam_));
  w.f32(beam_margin_);
  w.u32(static_cast<uint32_t>(labels_.size()));
  for (const std::string& l : labels_) w.str(l);
  weights_->w.write(w);
  return perceptron::finish_model_file(w, path);
}

Result<std::unique_ptr<DepParser>> DepParser::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt parser model: " + std::string(why));
  };
  ByteReader r(file->payload());
  auto parser = std::unique_ptr<DepParser>(new DepParser());
  parser->config_json_ = r.str();
  const uint32_t beam = r.u32();
  if (beam < 1 || beam > kMaxParseBeam) return corrupt("bad beam width " + std::to_string(beam));
  parser->beam_ = static_cast<int>(beam);
  constexpr uint32_t kFirstVersionWithMargin = 3;
  if (file->version >= kFirstVersionWithMargin) {
    const float margin = r.f32();
    if (!std::isfinite(margin) || margin < 0) return corrupt("bad beam margin");
    parser->beam_margin_ = margin;
  }
  const uint32_t n_labels = r.u32();
  constexpr uint64_t kMinLabelBytes = 4;
  if (n_labels == 0 || n_labels > kMaxLabels || !r.have(uint64_t{n_labels} * kMinLabelBytes)) {
    return corrupt("bad label count");
  }
  for (uint32_t i = 0; i < n_labels && !r.truncated; ++i) {
    std::string label = r.str();
    if (label.empty()) return corrupt("empty label");
    if (std::find(parser->labels_.begin(), parser->labels_.end(), label) != parser->labels_.end()) {
      return corrupt("duplicate label '" + label + "'");
    }
    if (label == kRootLabel) parser->root_label_ = static_cast<int>(i);
    parser->labels_.push_back(std::move(label));
  }
  if (r.truncated) return corrupt("truncated");
  parser->weights_ = std::make_unique<Weights>();
  if (std::string why = parser->weights_->w.read(r, 1 + 2 * size_t{n_labels}); !why.empty())
    return corrupt(why);
  if (r.remaining() != 0) return corrupt("trailing bytes");
  return parser;
}

std::optional<ParsedSentence> oracle_parse(const ParsedSentence& gold) {
  std::map<std::string, int> label_ids;
  std::vector<std::string> labels;
  for (const std::string& l : gold.deprels) {
    if (label_ids.emplace(l, static_cast<int>(labels.size())).second) labels.push_back(l);
  }
  if (gold.heads.size() != gold.words.size() || gold.deprels.size() != gold.words.size()) return std::nullopt;
  GoldSentence g;
  bool lifted = false;
  if (!make_gold(gold, label_ids, g, lifted)) return std::nullopt;
  const auto it = label_ids.find(std::string(kRootLabel));
  const int root_label = it == label_ids.end() ? -1 : it->second;
  const int n_classes = 1 + 2 * static_cast<int>(labels.size());
  const int n = static_cast<int>(gold.words.size());
  State st;
  st.init(n);
  while (!st.terminal()) {
    int cost = 0;
    st.apply(oracle_class(st, g, n_classes, root_label, nullptr, cost));
  }
  ParsedSentence out = gold;
  for (int i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    out.heads[u] = st.head[u] == n ? 0 : st.head[u] + 1;
    out.deprels[u] = labels[static_cast<size_t>(st.label[u])];
  }
  return out;
}

std::vector<ParsedSentence> parsed_sentences(const std::vector<ConlluSentence>& conllu) {
  std::vector<ParsedSentence> out;
  out.reserve(conllu.size());
  for (const ConlluSentence& s : conllu) {
    ParsedSentence p;
    for (const ConlluWord& w : s.words) {
      p.words.push_back(w.form);
      p.upos.push_back(w.upos);
      p.xpos.push_back(w.xpos);
      p.heads.push_back(w.head);
      p.deprels.push_back(w.deprel);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ParsedSentence>> read_parsed_sentences(const std::filesystem::path& path) {
  auto conllu = read_conllu(path);
  if (!conllu.ok()) return conllu.status();
  return parsed_sentences(conllu.value());
}

}  // namespace caspian::nlp
