// Internal to the POS tagger: the feature set, the labels and the perceptron models, shared by
// tagging (pos_tagger.cc) and training (train/pos_tagger_train.cc).
//
// Guarantees: feature keys are never 0. Thread safety: all functions are pure or only write their
// arguments; a built Model is read-only while tagging.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/perceptron.h"
#include "nlp/pos_tagger.h"

namespace caspian::nlp::pos_detail {

// The shared perceptron helpers (nlp/perceptron.h).
using perceptron::FlatIndex;

// --- the feature set ------------------------------------------------------------------------------

// Feature templates. Every feature is a 64-bit hash of (template, one or two values); values are
// hashes of strings (word forms, affixes, shapes) or label ids. The names below enter the feature
// fingerprint: renaming, adding or reordering a template changes it and invalidates old models.
enum class Feat : uint64_t {
  kBias,
  kForm,  // the word as written (case kept)
  kNorm,  // lower-cased, digits mapped to 0
  kSuffix1,
  kSuffix2,
  kSuffix3,
  kSuffix4,
  kPrefix1,
  kPrefix2,
  kPrefix3,
  kPrefix4,
  kShape,  // "Xxx", "dd", "X.X.", ...
  kHasHyphen,
  kHasDigit,
  kHasUpper,
  kAllUpper,
  kCapFirstWord,  // capitalised and first in the sentence
  kCapInside,     // capitalised elsewhere (a strong proper-noun cue)
  kPrevTag,
  kPrev2Tag,
  kPrevTagBigram,
  kPrevTagNorm,
  kPrevNorm,
  kPrev2Norm,
  kNextNorm,
  kNext2Norm,
  kPrevSuffix3,
  kNextSuffix3,
  kPrevShape,
  kNextShape,
  kPrevNormNorm,
  kNormNextNorm,
  kPrevTagNextNorm,
  kPrevForm,
  kNextForm,
  kPrevNextNorm,
  kLex,      // the word classes the lexicon allows for the word (a bit set; 0 = not listed)
  kLexPrev,  // ... for the word before
  kLexNext,  // ... for the word after
  kLexCap,   // the word's classes and whether it is capitalised inside the sentence
  kCount,
};

inline constexpr std::array<std::string_view, static_cast<size_t>(Feat::kCount)> kFeatNames = {
    "bias",          "form",      "norm",        "suffix1",     "suffix2",      "suffix3",    "suffix4",
    "prefix1",       "prefix2",   "prefix3",     "prefix4",     "shape",        "has_hyphen", "has_digit",
    "has_upper",     "all_upper", "cap_first",   "cap_inside",  "tag-1",        "tag-2",      "tag-1,tag-2",
    "tag-1,norm",    "norm-1",    "norm-2",      "norm+1",      "norm+2",       "suffix3-1",  "suffix3+1",
    "shape-1",       "shape+1",   "norm-1,norm", "norm,norm+1", "tag-1,norm+1", "form-1",     "form+1",
    "norm-1,norm+1", "lex",       "lex-1",       "lex+1",       "lex,cap",
};

inline constexpr size_t kMaxAffix = 4;                // prefixes and suffixes of 1..kMaxAffix code points
inline constexpr size_t kMaxShapeRun = 2;             // "Xxxxx" -> "Xxx": runs of one shape class kept to 2
inline constexpr size_t kContext = 2;                 // words of context on each side
inline constexpr uint64_t kFeatureSeed = 0x43535031;  // seeds XXH3 for feature keys ("CSP1")
inline constexpr uint64_t kStringSeed = 0x43535032;   // seeds XXH3 for string values
// Describes the hashing and normalisation parameters; part of the fingerprint.
inline constexpr std::string_view kFeatureParams =
    "xxh3-64;affix=1..4 utf8 sequences of norm;shape=X/x/d/other, runs<=2;norm=ascii lower or utf8proc "
    "casefold+NFKC, ascii digits->0;context=+-2;pad=-START-/-START2-/-END-/-END2-;"
    "lex=class bit set of norm from the model's lexicon, 0 when absent or padding";

// Label ids of the padding before the sentence, in the tag-history features.
inline constexpr uint64_t kStartTag = 0xFFFF0001;
inline constexpr uint64_t kStart2Tag = 0xFFFF0002;

inline uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

inline uint64_t feature_key(Feat f, uint64_t a, uint64_t b = 0) {
  const std::array<uint64_t, 3> packed = {static_cast<uint64_t>(f), a, b};
  const uint64_t k = XXH3_64bits_withSeed(packed.data(), sizeof(packed), kFeatureSeed);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in FlatIndex
}

using perceptron::next_code_point;
using perceptron::shape_class;

inline std::string normalize(std::string_view word) {
  return perceptron::normalize_word(word);
}

// The word's tag-independent features: hashes of its strings, and flags.
struct WordInfo {
  uint64_t form = 0;
  uint64_t norm = 0;
  uint64_t shape = 0;
  std::array<uint64_t, kMaxAffix> prefix{};
  std::array<uint64_t, kMaxAffix> suffix{};
  bool hyphen = false, digit = false, upper = false, all_upper = false, capitalized = false;
  uint16_t lex = 0;  // lexicon classes of the normalised form (PosTagger::Lexicon)
};

// Class bits of the lexicon file's classes (scripts/build_lexicon.py), in file order.
inline constexpr std::array<std::string_view, 11> kLexiconClasses = {"NN",  "NNS", "NNP", "VB",  "VBZ", "VBD",
                                                                     "VBG", "JJ",  "JJR", "JJS", "RB"};

// Looks up the lexicon classes of a normalised form's hash; 0 when unlisted or without a lexicon.
inline uint16_t lexicon_classes(const PosTagger::Lexicon* lexicon, uint64_t norm_hash);

inline WordInfo padding_info(std::string_view marker) {
  WordInfo w;
  w.form = w.norm = w.shape = hash_string(marker);
  w.prefix.fill(w.form);
  w.suffix.fill(w.form);
  return w;
}

inline WordInfo word_info(std::string_view word) {
  WordInfo w;
  w.form = hash_string(word);
  const std::string norm = normalize(word);
  w.norm = hash_string(norm);
  // Affixes of the normalised word, by code points.
  std::array<std::string_view, kMaxAffix> prefix;
  std::array<std::string_view, kMaxAffix> suffix;
  perceptron::affixes(norm, prefix, suffix);
  for (size_t k = 0; k < kMaxAffix; ++k) {
    w.prefix[k] = hash_string(prefix[k]);
    w.suffix[k] = hash_string(suffix[k]);
  }
  std::string shape;
  size_t run = 0;
  bool any_letter = false;
  bool any_lower = false;
  for (size_t pos = 0; pos < word.size();) {
    const char c = shape_class(next_code_point(word, pos));
    if (c == '-') w.hyphen = true;
    if (c == 'd') w.digit = true;
    if (c == 'X') w.upper = any_letter = true;
    if (c == 'x') any_lower = any_letter = true;
    if (shape.empty()) w.capitalized = c == 'X';
    run = !shape.empty() && shape.back() == c ? run + 1 : 1;
    if (run <= kMaxShapeRun) shape += c;
  }
  w.all_upper = any_letter && !any_lower;
  w.shape = hash_string(shape);
  return w;
}

}  // namespace caspian::nlp::pos_detail

namespace caspian::nlp {

// The frequent words whose feature scores are precomputed (see PosTagger::Model::cache): their
// forms (stored in the model file), their WordInfo and an index from the hash of the form to the
// word's position.
struct PosTagger::WordCache {
  std::vector<std::string> words;
  std::vector<pos_detail::WordInfo> infos;
  pos_detail::FlatIndex index;
};

}  // namespace caspian::nlp

namespace caspian::nlp::pos_detail {

using WordCacheTable = PosTagger::WordCache;

// Tag-independent information for a sentence, with kContext padding entries on each side.
// With a word cache, `types` (if not null) receives per entry the word's index in the cache or -1
// (always -1 for the padding), and cached words copy their WordInfo instead of recomputing it.
inline std::vector<WordInfo> sentence_info(std::span<const std::string_view> words,
                                           const PosTagger::Lexicon* lexicon, const WordCacheTable* cache,
                                           std::vector<int32_t>* types) {
  static const WordInfo kStart = padding_info("-START-");
  static const WordInfo kStart2 = padding_info("-START2-");
  static const WordInfo kEnd = padding_info("-END-");
  static const WordInfo kEnd2 = padding_info("-END2-");
  std::vector<WordInfo> info;
  info.reserve(words.size() + 2 * kContext);
  if (types != nullptr) types->assign(words.size() + 2 * kContext, -1);
  info.push_back(kStart2);
  info.push_back(kStart);
  for (std::string_view w : words) {
    if (cache != nullptr) {
      const uint64_t form = hash_string(w);
      const uint32_t t = form == 0 ? FlatIndex::kMissing : cache->index.find(form);
      if (t != FlatIndex::kMissing && cache->words[t] == w) {
        if (types != nullptr) (*types)[info.size()] = static_cast<int32_t>(t);
        info.push_back(cache->infos[t]);
        continue;
      }
    }
    info.push_back(word_info(w));
    info.back().lex = lexicon_classes(lexicon, info.back().norm);
  }
  info.push_back(kEnd);
  info.push_back(kEnd2);
  return info;
}

// The tag-independent feature keys of every word, kStaticFeatures per word, computed once per
// sentence (and once per training sentence for all passes). They come in groups, so that tagging
// can replace a group by a precomputed score vector when the word it depends on is a frequent one
// (PosTagger::WordCache):
//   [0, kOwnEnd)           the word's own features (form, affixes, shape, flags, lexicon classes)
//   [kOwnEnd, kPrevEnd)    features of the word before it only
//   [kPrevEnd, kNextEnd)   features of the word after it only
//   [kNextEnd, end)        everything else (bias, position, pairs, words two away)
inline constexpr size_t kOwnFeatures = 16;
inline constexpr size_t kNeighbourFeatures = 5;
inline constexpr size_t kOwnEnd = kOwnFeatures;
inline constexpr size_t kPrevEnd = kOwnEnd + kNeighbourFeatures;
inline constexpr size_t kNextEnd = kPrevEnd + kNeighbourFeatures;
inline constexpr size_t kStaticFeatures = kNextEnd + 8;
// The tag-dependent feature keys of one word.
inline constexpr size_t kDynamicFeatures = 5;

// The word's own feature keys (kOwnFeatures of them).
inline void own_features(const WordInfo& w, uint64_t* out) {
  size_t k = 0;
  out[k++] = feature_key(Feat::kForm, w.form);
  out[k++] = feature_key(Feat::kNorm, w.norm);
  for (size_t a = 0; a < kMaxAffix; ++a) {
    out[k++] = feature_key(static_cast<Feat>(static_cast<uint64_t>(Feat::kSuffix1) + a), w.suffix[a]);
    out[k++] = feature_key(static_cast<Feat>(static_cast<uint64_t>(Feat::kPrefix1) + a), w.prefix[a]);
  }
  out[k++] = feature_key(Feat::kShape, w.shape);
  // Flags are emitted with their value so that every word has the same number of features.
  out[k++] = feature_key(Feat::kHasHyphen, w.hyphen);
  out[k++] = feature_key(Feat::kHasDigit, w.digit);
  out[k++] = feature_key(Feat::kHasUpper, w.upper);
  out[k++] = feature_key(Feat::kAllUpper, w.all_upper);
  out[k++] = feature_key(Feat::kLex, w.lex);
  assert(k == kOwnFeatures && "kOwnFeatures out of date");
}

// The keys of the features that look only at the word before (kNeighbourFeatures of them).
inline void prev_features(const WordInfo& p1, uint64_t* out) {
  out[0] = feature_key(Feat::kPrevNorm, p1.norm);
  out[1] = feature_key(Feat::kPrevSuffix3, p1.suffix[2]);
  out[2] = feature_key(Feat::kPrevShape, p1.shape);
  out[3] = feature_key(Feat::kPrevForm, p1.form);
  out[4] = feature_key(Feat::kLexPrev, p1.lex);
}

// The keys of the features that look only at the word after (kNeighbourFeatures of them).
inline void next_features(const WordInfo& n1, uint64_t* out) {
  out[0] = feature_key(Feat::kNextNorm, n1.norm);
  out[1] = feature_key(Feat::kNextSuffix3, n1.suffix[2]);
  out[2] = feature_key(Feat::kNextShape, n1.shape);
  out[3] = feature_key(Feat::kNextForm, n1.form);
  out[4] = feature_key(Feat::kLexNext, n1.lex);
}

// `types` (may be null): as from sentence_info(); the groups of cached words are left as zeros,
// since decoding takes their scores from the cache.
inline std::vector<uint64_t> static_features(const std::vector<WordInfo>& info,
                                             const std::vector<int32_t>* types) {
  const size_t n = info.size() - 2 * kContext;
  std::vector<uint64_t> out(n * kStaticFeatures);
  const auto cached = [&](size_t pos) { return types != nullptr && (*types)[pos] >= 0; };
  for (size_t i = 0; i < n; ++i) {
    const WordInfo& w = info[i + kContext];
    const WordInfo& p1 = info[i + kContext - 1];
    const WordInfo& p2 = info[i + kContext - 2];
    const WordInfo& n1 = info[i + kContext + 1];
    const WordInfo& n2 = info[i + kContext + 2];
    uint64_t* keys = out.data() + i * kStaticFeatures;
    if (!cached(i + kContext)) own_features(w, keys);
    if (!cached(i + kContext - 1)) prev_features(p1, keys + kOwnEnd);
    if (!cached(i + kContext + 1)) next_features(n1, keys + kPrevEnd);
    size_t k = kNextEnd;
    keys[k++] = feature_key(Feat::kBias, 0);
    keys[k++] = feature_key(i == 0 ? Feat::kCapFirstWord : Feat::kCapInside, w.capitalized);
    keys[k++] = feature_key(Feat::kLexCap, w.lex, i > 0 && w.capitalized);
    keys[k++] = feature_key(Feat::kPrev2Norm, p2.norm);
    keys[k++] = feature_key(Feat::kNext2Norm, n2.norm);
    keys[k++] = feature_key(Feat::kPrevNormNorm, p1.norm, w.norm);
    keys[k++] = feature_key(Feat::kNormNextNorm, w.norm, n1.norm);
    keys[k++] = feature_key(Feat::kPrevNextNorm, p1.norm, n1.norm);
    assert(k == kStaticFeatures && "kStaticFeatures out of date");
  }
  return out;
}

// The tag-dependent keys of word `i`: `tag1` and `tag2` are the labels of the one and two words
// before it in decoding order (after it, for a right-to-left model). Writes kDynamicFeatures keys.
inline void dynamic_features(const std::vector<WordInfo>& info, size_t i, bool right_to_left, uint64_t tag1,
                             uint64_t tag2, uint64_t* out) {
  const WordInfo& w = info[i + kContext];
  const WordInfo& ahead = info[right_to_left ? i + kContext - 1 : i + kContext + 1];
  out[0] = feature_key(Feat::kPrevTag, tag1);
  out[1] = feature_key(Feat::kPrev2Tag, tag2);
  out[2] = feature_key(Feat::kPrevTagBigram, tag1, tag2);
  out[3] = feature_key(Feat::kPrevTagNorm, tag1, w.norm);
  out[4] = feature_key(Feat::kPrevTagNextNorm, tag1, ahead.norm);
}

inline uint64_t compute_fingerprint() {
  std::string desc(kFeatureParams);
  for (std::string_view name : kFeatNames) {
    desc += '\n';
    desc += name;
  }
  return XXH3_64bits(desc.data(), desc.size());
}

// --- labels ----------------------------------------------------------------------------------------

enum class Target : uint8_t { kJoint = 0, kXpos = 1, kUpos = 2 };

struct Label {
  std::string upos;  // empty when the model does not predict UPOS
  std::string xpos;  // empty when the model does not predict XPOS
  auto operator<=>(const Label&) const = default;
};

inline Label gold_label(Target target, const TaggedSentence& s, size_t i) {
  switch (target) {
    case Target::kJoint:
      return {s.upos[i], s.xpos[i]};
    case Target::kXpos:
      return {"", s.xpos[i]};
    case Target::kUpos:
      return {s.upos[i], ""};
  }
  return {};
}

inline constexpr size_t kMaxLabels = 0xFFFF;  // label ids are stored as uint16

}  // namespace caspian::nlp::pos_detail

namespace caspian::nlp {

// One averaged-perceptron model, frozen: sparse rows of (label, weight) per feature.
struct PosTagger::Model {
  pos_detail::Target target = pos_detail::Target::kJoint;
  bool right_to_left = false;  // decoding order (the tag-history features look at the words after)
  std::vector<pos_detail::Label> labels;
  std::vector<std::pair<std::string, uint16_t>> tagdict;  // sorted by word
  perceptron::SparseWeights weights;                      // per feature, the (label, weight) rows
  pos_detail::FlatIndex tagdict_index;                    // hash of the word form -> index into tagdict

  // Builds the lookup tables (after the rows or the tag dictionary change).
  void build_indexes() {
    weights.index();
    std::vector<uint64_t> dict_keys;
    dict_keys.reserve(tagdict.size());
    for (const auto& entry : tagdict) dict_keys.push_back(pos_detail::hash_string(entry.first));
    tagdict_index.build(dict_keys);
  }

  // The tag-dictionary label of a word, or -1.
  int dictionary_label(const pos_detail::WordInfo& w) const {
    const uint32_t i = tagdict_index.find(w.form);
    return i == pos_detail::FlatIndex::kMissing ? -1 : tagdict[i].second;
  }

  // Adds the weights of `keys` to `scores` (labels.size() floats).
  void add_scores(const uint64_t* keys_begin, size_t n, float* scores) const {
    weights.add_scores(std::span<const uint64_t>(keys_begin, n), scores);
  }

  // Precomputed scores of the frequent words (PosTagger::word_cache_): for word type t, the summed
  // weights of its own features at [(3t) * L], of the "word before" features at [(3t + 1) * L] and
  // of the "word after" features at [(3t + 2) * L], with L = labels.size().
  std::vector<float> cache;

  void build_cache(const std::vector<pos_detail::WordInfo>& types) {
    const size_t n_labels = labels.size();
    cache.assign(types.size() * 3 * n_labels, 0.0F);
    std::array<uint64_t, pos_detail::kOwnFeatures> own{};
    std::array<uint64_t, pos_detail::kNeighbourFeatures> neighbour{};
    for (size_t t = 0; t < types.size(); ++t) {
      float* v = cache.data() + 3 * t * n_labels;
      pos_detail::own_features(types[t], own.data());
      add_scores(own.data(), own.size(), v);
      pos_detail::prev_features(types[t], neighbour.data());
      add_scores(neighbour.data(), neighbour.size(), v + n_labels);
      pos_detail::next_features(types[t], neighbour.data());
      add_scores(neighbour.data(), neighbour.size(), v + 2 * n_labels);
    }
  }

  // Greedy decoding in the model's direction. `types` gives, per entry of `info`, the word's index
  // in the word cache or -1; `static_keys` need not hold the groups of cached words.
  // `scores` receives, per word, the score of every label (zeros for tag-dictionary words); `out`
  // the chosen labels.
  void decode(const std::vector<pos_detail::WordInfo>& info, const std::vector<int32_t>& types,
              const std::vector<uint64_t>& static_keys, std::vector<float>& scores,
              std::vector<uint16_t>& out) const {
    const size_t n = info.size() - 2 * pos_detail::kContext;
    const size_t n_labels = labels.size();
    out.assign(n, 0);
    scores.assign(n * n_labels, 0.0F);
    std::array<uint64_t, pos_detail::kDynamicFeatures> dynamic{};
    uint64_t tag1 = pos_detail::kStartTag;
    uint64_t tag2 = pos_detail::kStart2Tag;
    const auto add_vector = [&](int32_t type, size_t group, float* s) {
      const float* v = cache.data() + (3 * static_cast<size_t>(type) + group) * n_labels;
      for (size_t l = 0; l < n_labels; ++l) s[l] += v[l];
    };
    // The tag-independent scores of every word first: their look-ups are independent, so gathering
    // each word's uncached keys into one batch lets the weight table overlap the cache misses.
    std::array<uint64_t, pos_detail::kStaticFeatures> batch{};
    for (size_t i = 0; i < n; ++i) {
      if (dictionary_label(info[i + pos_detail::kContext]) >= 0) continue;
      float* s = scores.data() + i * n_labels;
      const uint64_t* keys = static_keys.data() + i * pos_detail::kStaticFeatures;
      size_t batched = 0;
      const auto group = [&](int32_t type, size_t cache_group, size_t begin, size_t count) {
        if (type >= 0) {
          add_vector(type, cache_group, s);
        } else {
          std::copy_n(keys + begin, count, batch.data() + batched);
          batched += count;
        }
      };
      group(types[i + pos_detail::kContext], 0, 0, pos_detail::kOwnFeatures);
      group(types[i + pos_detail::kContext - 1], 1, pos_detail::kOwnEnd, pos_detail::kNeighbourFeatures);
      group(types[i + pos_detail::kContext + 1], 2, pos_detail::kPrevEnd, pos_detail::kNeighbourFeatures);
      std::copy(keys + pos_detail::kNextEnd, keys + pos_detail::kStaticFeatures, batch.data() + batched);
      batched += pos_detail::kStaticFeatures - pos_detail::kNextEnd;
      add_scores(batch.data(), batched, s);
    }
    for (size_t step = 0; step < n; ++step) {
      const size_t i = right_to_left ? n - 1 - step : step;
      uint16_t best = 0;
      if (const int dict = dictionary_label(info[i + pos_detail::kContext]); dict >= 0) {
        best = static_cast<uint16_t>(dict);
      } else {
        float* s = scores.data() + i * n_labels;
        pos_detail::dynamic_features(info, i, right_to_left, tag1, tag2, dynamic.data());
        add_scores(dynamic.data(), dynamic.size(), s);
        best = static_cast<uint16_t>(std::max_element(s, s + n_labels) - s);
      }
      out[i] = best;
      tag2 = tag1;
      tag1 = best;
    }
  }
};

// The word-class lexicon (scripts/build_lexicon.py), stored inside the model so that a model never
// depends on a data file of another version.
struct PosTagger::Lexicon {
  std::vector<uint64_t> keys;     // sorted, unique, non-zero: hash_string(normalize(form))
  std::vector<uint16_t> classes;  // bit k set: kLexiconClasses[k] is allowed
  pos_detail::FlatIndex index;
};

}  // namespace caspian::nlp

namespace caspian::nlp::pos_detail {

inline uint16_t lexicon_classes(const PosTagger::Lexicon* lexicon, uint64_t norm_hash) {
  if (lexicon == nullptr || norm_hash == 0) return 0;
  const uint32_t i = lexicon->index.find(norm_hash);
  return i == FlatIndex::kMissing ? 0 : lexicon->classes[i];
}

}  // namespace caspian::nlp::pos_detail
