// Internal to the named-entity recogniser: the feature set, the BILOU labels, the model
// (NerTagger::Model), documents prepared for decoding and the greedy decoder, shared by tagging
// (ner_tagger.cc), training (ner_train.cc) and the model file (ner_model_io.cc); definitions of
// the larger functions are in ner_model.cc.
//
// Requires: labels passed to the label helpers are valid for the model's n_types (1 + kPositions *
//   type + position; 0 is O); prepared documents come from prepare() with the same model.
// Guarantees: feature keys are never 0 (0 marks an empty slot of the weight table).
// Thread safety: all functions are pure or only write their arguments; a Model is immutable once
//   its indexes are built.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nlp/ner_cluster_sizes.h"
#include "nlp/ner_features.h"
#include "nlp/ner_tagger.h"
#include "nlp/perceptron.h"

namespace caspian::nlp {

namespace ner_detail {

// --- the feature set ------------------------------------------------------------------------------

// Feature templates. Every feature is a 64-bit hash of (template, one or two values). The names
// enter the feature fingerprint: renaming, adding or reordering a template invalidates old models.
enum class Feat : uint64_t {
  kBias,
  kForm,
  kNorm,
  kShape,
  kPrefix1,
  kPrefix2,
  kPrefix3,
  kPrefix4,
  kSuffix1,
  kSuffix2,
  kSuffix3,
  kSuffix4,
  kFlags,  // capitalised / all caps / digit / hyphen / first in sentence, as one bit set
  kPrevNorm,
  kPrev2Norm,
  kNextNorm,
  kNext2Norm,
  kPrevForm,
  kNextForm,
  kPrevShape,
  kNextShape,
  kPrevNormNorm,
  kNormNextNorm,
  kShapeWindow,      // shape-1, shape, shape+1
  kGazetteer,        // (list, BILU position)
  kGazetteerWindow,  // (list, position) of the words before and after
  kCluster,          // (granularity, offset -1..+1, cluster id)
  kDocCase,          // how the word is written elsewhere in the document
  kPrevLabel,
  kPrev2Label,
  kPrevLabelBigram,
  kPrevLabelNorm,
  kPrevLabelShape,
  kHistory,       // majority type predicted for this word earlier in the document
  kHistoryShape,  // same, with the word's shape
  // Second stage only: from the first stage's labels of the whole document.
  kStage1Label,        // the first stage's label of this word
  kStage1Window,       // ... of the words before and after
  kAggregateWord,      // majority label type of the other occurrences of this word in the document
  kAggregateSpan,      // majority type of the first-stage entities containing the word elsewhere
  kGazetteerToken,     // (list) for the word alone, whatever longer match covers it
  kPrevLabelPrevNorm,  // label-1 with the word before (Ratinov & Roth's window x previous label)
  kPrevLabelNextNorm,  // label-1 with the word after
  kPrevLabelCase,      // label-1 with the capitalisation of the words -1..+1
  kCount,
};

// clang-format off
inline constexpr std::array<std::string_view, static_cast<size_t>(Feat::kCount)> kFeatNames = {
    "bias",       "form",           "norm",           "shape",       "prefix1",       "prefix2",
    "prefix3",    "prefix4",        "suffix1",        "suffix2",     "suffix3",       "suffix4",
    "flags",      "norm-1",         "norm-2",         "norm+1",      "norm+2",        "form-1",
    "form+1",     "shape-1",        "shape+1",        "norm-1,norm", "norm,norm+1",   "shape-1..+1",
    "gaz",        "gaz+-1",         "cluster",        "doc_case",    "label-1",       "label-2",
    "label-1,-2", "label-1,norm",   "label-1,shape",  "history",     "history,shape", "stage1",
    "stage1+-1",  "aggregate_word", "aggregate_span", "gaz_token",
    "label-1,norm-1", "label-1,norm+1", "label-1,case-1..+1",
};
// clang-format on

inline constexpr size_t kMaxAffix = 4;
inline constexpr size_t kMaxShapeRun = 2;
inline constexpr size_t kContext = 2;  // padding words on each side
inline constexpr size_t kMaxGazetteerWords = 6;
inline constexpr size_t kGazetteerLists = 11;
inline constexpr uint32_t kGazetteerPrefixBit = 1U << 31;  // the key is a proper prefix of a longer name
inline constexpr int64_t kMajorPlacePopulation = 100000;
inline constexpr uint16_t kNoCluster = 0xFFFF;
inline constexpr uint64_t kFeatureSeed = 0x4E455231;  // "NER1"
inline constexpr uint64_t kStringSeed = 0x4E455232;
inline constexpr std::string_view kFeatureParams =
    "key=mix64(mix64(a^f*phi^seed)^b), strings xxh3-64;affix=1..4 utf8 of norm;shape=X/x/d/other "
    "runs<=2;norm=ascii lower or utf8::fold, "
    "digits->0;context=+-2;labels=O+BILOU per type;gazetteer=11 lists (+token lookups), longest match from "
    "capitalised "
    "words, <=6 words, Gazetteer::key;clusters=64/256/1024 at -1..+1;history=norm, capitalised words";

inline constexpr uint64_t kStartLabel = 0xFFFF0001;
inline constexpr uint64_t kStart2Label = 0xFFFF0002;

// Gazetteer lists (bit positions in a match mask).
enum GazList : uint32_t {
  kGazCountry = 0,
  kGazDemonym,
  kGazAcronym,
  kGazMajorPlace,
  kGazPlace,
  kGazSubdivision,
  kGazFeature,
  // From actor dictionaries (PETRARCH-style, NerTrainOptions::actor_dictionaries).
  kGazPerson,     // a person's full name
  kGazFirstName,  // the first word of a person's name
  kGazLastName,   // the last word of a person's name
  kGazOrganisation,
};
static_assert(kGazOrganisation + 1 == kGazetteerLists);

// Word flags.
inline constexpr uint32_t kFlagCapitalized = 1;
inline constexpr uint32_t kFlagAllUpper = 2;
inline constexpr uint32_t kFlagDigit = 4;
inline constexpr uint32_t kFlagHyphen = 8;
inline constexpr uint32_t kFlagFirst = 16;
inline constexpr uint32_t kFlagLowerInitial = 32;

inline uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

// A 64-bit mix (the finaliser of MurmurHash3 / SplitMix64). Hand-written: the inputs are already
// hashes or small integers, and a full XXH3 call per feature was 8% of tagging time.
inline uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

inline uint64_t feature_key(Feat f, uint64_t a, uint64_t b = 0) {
  const uint64_t k = mix64(mix64(a ^ (static_cast<uint64_t>(f) * 0x9E3779B97F4A7C15ULL) ^ kFeatureSeed) ^ b);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in the weight table
}

// The label-independent description of one word.
struct WordInfo {
  uint64_t form = 0;
  uint64_t norm = 0;
  uint64_t shape = 0;
  std::array<uint64_t, kMaxAffix> prefix{};
  std::array<uint64_t, kMaxAffix> suffix{};
  uint32_t flags = 0;
  std::array<uint16_t, kNerClusterSizes.size()> clusters{kNoCluster, kNoCluster, kNoCluster};
  std::array<uint32_t, kGazetteerLists> gaz{};  // per list: 0 or 1 + BILU position
  uint32_t gaz_token = 0;                       // lists that have the word alone as a name
};

WordInfo padding_info(std::string_view marker);

// `norm` and `shape` are scratch buffers (reused across words to avoid allocations); norm receives
// the normalised word.
WordInfo word_info(std::string_view word, std::string& norm, std::string& shape);

// Labels: 0 is O; type t has B, I, L, U at 1 + 4t + {0, 1, 2, 3}.
enum Position : uint32_t { kB = 0, kI = 1, kL = 2, kU = 3 };
inline constexpr size_t kPositions = 4;
inline constexpr size_t kMaxTypes = 60;  // labels are stored as uint8

inline uint32_t label_of(size_t type, Position p) {
  return static_cast<uint32_t>(1 + kPositions * type + p);
}
inline Position position_of(uint32_t label) {
  return static_cast<Position>((label - 1) % kPositions);
}
inline size_t type_of(uint32_t label) {
  return (label - 1) / kPositions;
}

// Whether `label` (or kStartLabel) leaves an entity open: B- or I-.
inline bool is_open(uint64_t label) {
  return label != kStartLabel && label != 0 &&
         (position_of(static_cast<uint32_t>(label)) == kB || position_of(static_cast<uint32_t>(label)) == kI);
}

// The label that ends the entity `open` (B- or I-) at its word: U- or L- of the same type.
inline uint32_t close_label(uint32_t open) {
  return label_of(type_of(open), position_of(open) == kB ? kU : kL);
}

// Whether `cur` may follow `prev` (kStartLabel for the first word) in a BILOU sequence, and whether
// it may end a sentence.
inline bool allowed(uint64_t prev, uint32_t cur, bool last) {
  const bool prev_open = is_open(prev);
  if (cur == 0) return !prev_open;
  const Position p = position_of(cur);
  if (last && (p == kB || p == kI)) return false;
  if (prev_open) return (p == kI || p == kL) && type_of(cur) == type_of(static_cast<uint32_t>(prev));
  return p == kB || p == kU;
}

uint64_t compute_fingerprint();

}  // namespace ner_detail

// --- the model ------------------------------------------------------------------------------------

struct NerTagger::Model {
  size_t n_types = 0;
  // Gazetteer: hashes of span keys (words' Gazetteer::key()s joined by spaces) -> list bit mask,
  // with kGazetteerPrefixBit on keys that begin a longer name.
  std::vector<uint64_t> gaz_keys;  // sorted
  std::vector<uint32_t> gaz_masks;
  // Word clusters: hashes of word forms -> cluster ids per granularity.
  std::vector<uint64_t> cluster_keys;  // sorted
  std::vector<std::array<uint16_t, kNerClusterSizes.size()>> cluster_ids;
  // The weights of each stage (one, or two when the second stage is trained): rows of
  // (label, weight) per feature key.
  struct Stage {
    std::vector<uint64_t> keys;  // sorted, unique, non-zero
    std::vector<uint32_t> row_end;
    std::vector<uint8_t> entry_label;
    std::vector<float> entry_weight;
    ner_detail::WeightTable table;  // derived
  };
  std::vector<Stage> stages;
  // Derived.
  ner_detail::FlatIndex gaz_index;
  ner_detail::FlatIndex cluster_index;

  [[nodiscard]] size_t n_labels() const { return 1 + ner_detail::kPositions * n_types; }

  void build_indexes() {
    gaz_index.build(gaz_keys);
    cluster_index.build(cluster_keys);
    for (Stage& st : stages) st.table.build(n_labels(), st.keys, st.row_end, st.entry_label, st.entry_weight);
  }
};

namespace ner_detail {

// A document prepared for decoding: every word's static feature keys, and what the dynamic features
// need.
struct PreparedDoc {
  std::vector<uint32_t> sentence_begin;   // word index of each sentence's first word, plus the total
  std::vector<uint64_t> keys;             // static keys of all words, concatenated
  std::vector<uint32_t> key_begin;        // per word, plus the total
  std::vector<uint64_t> norm;             // per word
  std::vector<uint64_t> shape;            // per word
  std::vector<uint8_t> history_eligible;  // capitalised or all-caps words
  std::vector<uint64_t> prev_norm;        // per word: norm of the word before (padding at the start)
  std::vector<uint64_t> next_norm;        // per word: norm of the word after
  std::vector<uint32_t> case_window;      // per word: capitalisation classes of the words -1..+1
  // Second stage: per word, keys from the first stage's labels (empty for the first stage).
  std::vector<uint64_t> extra;
  std::vector<uint32_t> extra_begin;  // per word, plus the total
};

// Gazetteer matches of one sentence: for each list, the longest name starting at each capitalised
// word marks its words with their BILU position.
void match_gazetteer(const NerTagger::Model& m, std::span<const std::string_view> words,
                     std::vector<WordInfo>& info);

PreparedDoc prepare(const NerTagger::Model& m, const std::vector<std::vector<std::string_view>>& sentences);

inline constexpr size_t kDynamicFeatures = 10;

// Beam width of the last stage's decoding. Chosen on dev (eng.testa F1 with the shipped model:
// greedy 92.35, beam 2 92.63, 3 92.75, 4 92.79; beam 4 costs about a third of the tagging speed).
inline constexpr size_t kBeamWidth = 4;

// The label history of a document: per normalised word, how often each type (and O, last) was
// predicted so far.
class History {
 public:
  explicit History(size_t n_types) : n_types_(n_types) {}
  // The majority type so far (n_types for O), or n_types + 1 when the word was not seen.
  [[nodiscard]] uint64_t majority(uint64_t norm) const {
    const auto it = offset_.find(norm);
    if (it == offset_.end()) return n_types_ + 1;
    const auto c = counts_.begin() + it->second;
    return static_cast<uint64_t>(std::max_element(c, c + static_cast<ptrdiff_t>(n_types_ + 1)) - c);
  }
  void add(uint64_t norm, uint32_t label) {
    const auto [it, inserted] = offset_.try_emplace(norm, counts_.size());
    if (inserted) counts_.resize(counts_.size() + n_types_ + 1, 0);
    ++counts_[it->second + (label == 0 ? n_types_ : type_of(label))];
  }

 private:
  size_t n_types_;
  std::unordered_map<uint64_t, size_t> offset_;  // norm -> start of its n_types + 1 counts
  std::vector<uint32_t> counts_;
};

inline void dynamic_features(const PreparedDoc& doc, size_t w, uint64_t label1, uint64_t label2,
                             uint64_t history, uint64_t* out) {
  out[0] = feature_key(Feat::kPrevLabel, label1);
  out[1] = feature_key(Feat::kPrev2Label, label2);
  out[2] = feature_key(Feat::kPrevLabelBigram, label1, label2);
  out[3] = feature_key(Feat::kPrevLabelNorm, label1, doc.norm[w]);
  out[4] = feature_key(Feat::kPrevLabelShape, label1, doc.shape[w]);
  out[5] = feature_key(Feat::kHistory, history);
  out[6] = feature_key(Feat::kHistoryShape, history, doc.shape[w]);
  out[7] = feature_key(Feat::kPrevLabelPrevNorm, label1, doc.prev_norm[w]);
  out[8] = feature_key(Feat::kPrevLabelNextNorm, label1, doc.next_norm[w]);
  out[9] = feature_key(Feat::kPrevLabelCase, label1, doc.case_window[w]);
}

// Greedy decoding of a prepared document. `score(w, keys, n_static, n, scores)` adds the weights of
// word w's n features, of which the first n_static are its static ones;
// `on_word(w, keys, n, guess, scores)` sees each decision and returns the label to continue with
// (training returns the guess too, so that features follow the model's own history as in tagging).
template <typename Score, typename OnWord>
void decode(const PreparedDoc& doc, size_t n_types, const Score& score, OnWord&& on_word) {
  const size_t n_labels = 1 + kPositions * n_types;
  std::vector<float> scores(n_labels);
  std::vector<uint64_t> feats;
  History history(n_types);
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    uint64_t label1 = kStartLabel;
    uint64_t label2 = kStart2Label;
    const size_t begin = doc.sentence_begin[s];
    const size_t end = doc.sentence_begin[s + 1];
    for (size_t w = begin; w < end; ++w) {
      feats.assign(doc.keys.begin() + doc.key_begin[w], doc.keys.begin() + doc.key_begin[w + 1]);
      if (!doc.extra_begin.empty())
        feats.insert(feats.end(), doc.extra.begin() + doc.extra_begin[w],
                     doc.extra.begin() + doc.extra_begin[w + 1]);
      const size_t n_static = feats.size();
      feats.resize(n_static + kDynamicFeatures);
      const uint64_t hist = doc.history_eligible[w] ? history.majority(doc.norm[w]) : n_types + 2;
      dynamic_features(doc, w, label1, label2, hist, feats.data() + n_static);
      std::fill(scores.begin(), scores.end(), 0.0F);
      score(w, feats.data(), n_static, feats.size(), scores.data());
      const bool last = w + 1 == end;
      uint32_t best = 0;
      float best_score = -INFINITY;
      for (uint32_t l = 0; l < n_labels; ++l) {
        if (allowed(label1, l, last) && scores[l] > best_score) best = l, best_score = scores[l];
      }
      const uint32_t chosen = on_word(w, feats, best, scores, label1, last);
      if (doc.history_eligible[w]) history.add(doc.norm[w], chosen);
      label2 = label1;
      label1 = chosen;
    }
  }
}

// Fills doc.extra with the second stage's keys, from the first stage's `labels` of every word.
void aggregate(PreparedDoc& doc, const std::vector<uint32_t>& labels, size_t n_types);

// Decodes a prepared document with one stage's weights: labels per word, and (if probs is not null)
// the softmax probability of each chosen label. beam <= 1: greedy with repair; otherwise a beam
// search (see ner_tagger.cc).
void decode_stage(const NerTagger::Model& m, const NerTagger::Model::Stage& st, const PreparedDoc& doc,
                  std::vector<uint32_t>& labels, std::vector<float>* probs, size_t beam);

}  // namespace ner_detail

}  // namespace caspian::nlp
