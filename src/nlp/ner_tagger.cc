#include "nlp/ner_tagger.h"

#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "caspian/utf8.h"
#include "kb/gazetteer.h"
#include "nlp/conllu.h"
#include "nlp/ner_clusters.h"
#include "nlp/ner_features.h"

namespace caspian::nlp {

using ner_detail::FlatIndex;
using ner_detail::hex64;
using ner_detail::Reader;
using ner_detail::Writer;

namespace {

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
constexpr std::array<std::string_view, static_cast<size_t>(Feat::kCount)> kFeatNames = {
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

constexpr size_t kMaxAffix = 4;
constexpr size_t kMaxShapeRun = 2;
constexpr size_t kContext = 2;  // padding words on each side
constexpr size_t kMaxGazetteerWords = 6;
constexpr size_t kGazetteerLists = 11;
constexpr uint32_t kGazetteerPrefixBit = 1U << 31;  // the key is a proper prefix of a longer name
constexpr int64_t kMajorPlacePopulation = 100000;
constexpr uint16_t kNoCluster = 0xFFFF;
constexpr uint64_t kFeatureSeed = 0x4E455231;  // "NER1"
constexpr uint64_t kStringSeed = 0x4E455232;
constexpr std::string_view kFeatureParams =
    "key=mix64(mix64(a^f*phi^seed)^b), strings xxh3-64;affix=1..4 utf8 of norm;shape=X/x/d/other "
    "runs<=2;norm=ascii lower or utf8::fold, "
    "digits->0;context=+-2;labels=O+BILOU per type;gazetteer=11 lists (+token lookups), longest match from "
    "capitalised "
    "words, <=6 words, Gazetteer::key;clusters=64/256/1024 at -1..+1;history=norm, capitalised words";

constexpr uint64_t kStartLabel = 0xFFFF0001;
constexpr uint64_t kStart2Label = 0xFFFF0002;

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
constexpr uint32_t kFlagCapitalized = 1;
constexpr uint32_t kFlagAllUpper = 2;
constexpr uint32_t kFlagDigit = 4;
constexpr uint32_t kFlagHyphen = 8;
constexpr uint32_t kFlagFirst = 16;
constexpr uint32_t kFlagLowerInitial = 32;

uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

// A 64-bit mix (the finaliser of MurmurHash3 / SplitMix64). Hand-written: the inputs are already
// hashes or small integers, and a full XXH3 call per feature was 8% of tagging time.
uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t feature_key(Feat f, uint64_t a, uint64_t b = 0) {
  const uint64_t k = mix64(mix64(a ^ (static_cast<uint64_t>(f) * 0x9E3779B97F4A7C15ULL) ^ kFeatureSeed) ^ b);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in the weight table
}

using perceptron::shape_class;

using perceptron::normalize_word;

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

WordInfo padding_info(std::string_view marker) {
  WordInfo w;
  w.form = w.norm = w.shape = hash_string(marker);
  w.prefix.fill(w.form);
  w.suffix.fill(w.form);
  return w;
}

// `norm` and `shape` are scratch buffers (reused across words to avoid allocations); norm receives
// the normalised word.
WordInfo word_info(std::string_view word, std::string& norm, std::string& shape) {
  WordInfo w;
  w.form = hash_string(word);
  normalize_word(word, norm);
  w.norm = hash_string(norm);
  std::array<std::string_view, kMaxAffix> prefix;
  std::array<std::string_view, kMaxAffix> suffix;
  perceptron::affixes(norm, prefix, suffix);
  for (size_t k = 0; k < kMaxAffix; ++k) {
    w.prefix[k] = hash_string(prefix[k]);
    w.suffix[k] = hash_string(suffix[k]);
  }
  shape.clear();
  size_t run = 0;
  bool any_letter = false;
  bool any_lower = false;
  for (size_t pos = 0; pos < word.size();) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data() + pos),
                                                static_cast<utf8proc_ssize_t>(word.size() - pos), &cp);
    pos += n > 0 ? static_cast<size_t>(n) : 1;
    const char c = shape_class(n > 0 ? cp : -1);
    if (c == '-') w.flags |= kFlagHyphen;
    if (c == 'd') w.flags |= kFlagDigit;
    if (c == 'X' || c == 'x') any_letter = true;
    if (c == 'x') any_lower = true;
    if (shape.empty() && c == 'X') w.flags |= kFlagCapitalized;
    if (shape.empty() && c == 'x') w.flags |= kFlagLowerInitial;
    run = !shape.empty() && shape.back() == c ? run + 1 : 1;
    if (run <= kMaxShapeRun) shape += c;
  }
  if (any_letter && !any_lower) w.flags |= kFlagAllUpper;
  w.shape = hash_string(shape);
  return w;
}

// Labels: 0 is O; type t has B, I, L, U at 1 + 4t + {0, 1, 2, 3}.
enum Position : uint32_t { kB = 0, kI = 1, kL = 2, kU = 3 };
constexpr size_t kPositions = 4;
constexpr size_t kMaxTypes = 60;  // labels are stored as uint8

uint32_t label_of(size_t type, Position p) {
  return static_cast<uint32_t>(1 + kPositions * type + p);
}
Position position_of(uint32_t label) {
  return static_cast<Position>((label - 1) % kPositions);
}
size_t type_of(uint32_t label) {
  return (label - 1) / kPositions;
}

// Whether `label` (or kStartLabel) leaves an entity open: B- or I-.
bool is_open(uint64_t label) {
  return label != kStartLabel && label != 0 &&
         (position_of(static_cast<uint32_t>(label)) == kB || position_of(static_cast<uint32_t>(label)) == kI);
}

// The label that ends the entity `open` (B- or I-) at its word: U- or L- of the same type.
uint32_t close_label(uint32_t open) {
  return label_of(type_of(open), position_of(open) == kB ? kU : kL);
}

// Whether `cur` may follow `prev` (kStartLabel for the first word) in a BILOU sequence, and whether
// it may end a sentence.
bool allowed(uint64_t prev, uint32_t cur, bool last) {
  const bool prev_open = is_open(prev);
  if (cur == 0) return !prev_open;
  const Position p = position_of(cur);
  if (last && (p == kB || p == kI)) return false;
  if (prev_open) return (p == kI || p == kL) && type_of(cur) == type_of(static_cast<uint32_t>(prev));
  return p == kB || p == kU;
}

uint64_t compute_fingerprint() {
  std::string desc(kFeatureParams);
  for (std::string_view name : kFeatNames) {
    desc += '\n';
    desc += name;
  }
  return XXH3_64bits(desc.data(), desc.size());
}

}  // namespace

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
  FlatIndex gaz_index;
  FlatIndex cluster_index;

  [[nodiscard]] size_t n_labels() const { return 1 + kPositions * n_types; }

  void build_indexes() {
    gaz_index.build(gaz_keys);
    cluster_index.build(cluster_keys);
    for (Stage& st : stages) st.table.build(n_labels(), st.keys, st.row_end, st.entry_label, st.entry_weight);
  }
};

namespace {

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
                     std::vector<WordInfo>& info) {
  if (m.gaz_keys.empty()) return;
  std::vector<std::string> keys(words.size());
  std::vector<uint8_t> keyed(words.size(), 0);
  const auto key_of = [&](size_t j) -> const std::string& {
    if (!keyed[j]) keys[j] = kb::Gazetteer::key(words[j]), keyed[j] = 1;
    return keys[j];
  };
  std::string span;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!(info[i + kContext].flags & kFlagCapitalized) || key_of(i).empty()) continue;
    if (const uint32_t idx = m.gaz_index.find(hash_string(key_of(i)) | 1); idx != FlatIndex::kMissing)
      info[i + kContext].gaz_token = m.gaz_masks[idx] & ~kGazetteerPrefixBit;
    span.clear();
    size_t best_end = 0;
    uint32_t best_mask = 0;
    for (size_t j = i; j < words.size() && j < i + kMaxGazetteerWords; ++j) {
      const std::string& k = key_of(j);
      if (k.empty()) continue;  // punctuation inside a name ("Washington , D.C.")
      if (!span.empty()) span += ' ';
      span += k;
      const uint32_t idx = m.gaz_index.find(hash_string(span) | 1);
      if (idx == FlatIndex::kMissing) break;
      const uint32_t mask = m.gaz_masks[idx];
      if ((mask & ~kGazetteerPrefixBit) != 0) best_end = j + 1, best_mask = mask & ~kGazetteerPrefixBit;
      if (!(mask & kGazetteerPrefixBit)) break;
    }
    if (best_end == 0) continue;
    for (size_t l = 0; l < kGazetteerLists; ++l) {
      if (!(best_mask & (1U << l))) continue;
      for (size_t j = i; j < best_end; ++j) {
        const Position p = best_end - i == 1 ? kU : j == i ? kB : j + 1 == best_end ? kL : kI;
        uint32_t& slot = info[j + kContext].gaz[l];
        if (slot == 0) slot = 1 + p;  // an earlier, longer-or-equal match wins
      }
    }
  }
}

PreparedDoc prepare(const NerTagger::Model& m, const std::vector<std::vector<std::string_view>>& sentences) {
  static const WordInfo kStart = padding_info("-START-");
  static const WordInfo kStart2 = padding_info("-START2-");
  static const WordInfo kEnd = padding_info("-END-");
  static const WordInfo kEnd2 = padding_info("-END2-");
  PreparedDoc doc;
  std::vector<std::vector<WordInfo>> infos(sentences.size());
  // Document-level case statistics per normalised word: seen starting lower-case; seen capitalised
  // (not all caps) after the first word of a sentence.
  constexpr uint8_t kSeenLower = 1;
  constexpr uint8_t kSeenCapInside = 2;
  std::unordered_map<uint64_t, uint8_t> doc_case;
  std::string norm;
  std::string shape;
  for (size_t s = 0; s < sentences.size(); ++s) {
    std::vector<WordInfo>& info = infos[s];
    info.reserve(sentences[s].size() + 2 * kContext);
    info.push_back(kStart2);
    info.push_back(kStart);
    for (size_t i = 0; i < sentences[s].size(); ++i) {
      const std::string_view word = sentences[s][i];
      WordInfo w = word_info(word, norm, shape);
      if (i == 0) w.flags |= kFlagFirst;
      if (!m.cluster_keys.empty()) {
        const uint32_t c = m.cluster_index.find(hash_string(word) | 1);
        if (c != FlatIndex::kMissing) w.clusters = m.cluster_ids[c];
      }
      if (w.flags & kFlagLowerInitial) doc_case[w.norm] |= kSeenLower;
      if ((w.flags & kFlagCapitalized) && !(w.flags & kFlagAllUpper) && i > 0)
        doc_case[w.norm] |= kSeenCapInside;
      info.push_back(w);
    }
    info.push_back(kEnd);
    info.push_back(kEnd2);
    match_gazetteer(m, sentences[s], info);
  }
  for (size_t s = 0; s < sentences.size(); ++s) {
    const std::vector<WordInfo>& info = infos[s];
    doc.sentence_begin.push_back(static_cast<uint32_t>(doc.norm.size()));
    const size_t n = sentences[s].size();
    for (size_t i = 0; i < n; ++i) {
      doc.key_begin.push_back(static_cast<uint32_t>(doc.keys.size()));
      const WordInfo& w = info[i + kContext];
      const WordInfo& p1 = info[i + kContext - 1];
      const WordInfo& p2 = info[i + kContext - 2];
      const WordInfo& n1 = info[i + kContext + 1];
      const WordInfo& n2 = info[i + kContext + 2];
      auto add = [&](Feat f, uint64_t a, uint64_t b = 0) { doc.keys.push_back(feature_key(f, a, b)); };
      add(Feat::kBias, 0);
      add(Feat::kForm, w.form);
      add(Feat::kNorm, w.norm);
      add(Feat::kShape, w.shape);
      for (size_t k = 0; k < kMaxAffix; ++k) {
        add(static_cast<Feat>(static_cast<uint64_t>(Feat::kPrefix1) + k), w.prefix[k]);
        add(static_cast<Feat>(static_cast<uint64_t>(Feat::kSuffix1) + k), w.suffix[k]);
      }
      add(Feat::kFlags, w.flags);
      add(Feat::kPrevNorm, p1.norm);
      add(Feat::kPrev2Norm, p2.norm);
      add(Feat::kNextNorm, n1.norm);
      add(Feat::kNext2Norm, n2.norm);
      add(Feat::kPrevForm, p1.form);
      add(Feat::kNextForm, n1.form);
      add(Feat::kPrevShape, p1.shape);
      add(Feat::kNextShape, n1.shape);
      add(Feat::kPrevNormNorm, p1.norm, w.norm);
      add(Feat::kNormNextNorm, w.norm, n1.norm);
      add(Feat::kShapeWindow, p1.shape ^ (w.shape * 31), n1.shape);
      for (size_t l = 0; l < kGazetteerLists; ++l) {
        if (w.gaz[l] != 0) add(Feat::kGazetteer, l, w.gaz[l]);
        if (p1.gaz[l] != 0) add(Feat::kGazetteerWindow, l, 8 + p1.gaz[l]);
        if (n1.gaz[l] != 0) add(Feat::kGazetteerWindow, l, 16 + n1.gaz[l]);
        if (w.gaz_token & (1U << l)) add(Feat::kGazetteerToken, l);
      }
      if (!m.cluster_keys.empty()) {
        for (size_t g = 0; g < kNerClusterSizes.size(); ++g) {
          add(Feat::kCluster, g * 4 + 1, w.clusters[g]);
          add(Feat::kCluster, g * 4 + 0, p1.clusters[g]);
          add(Feat::kCluster, g * 4 + 2, n1.clusters[g]);
        }
      }
      const bool cased = (w.flags & (kFlagCapitalized | kFlagAllUpper)) != 0;
      if (cased) {
        const auto it = doc_case.find(w.norm);
        const uint8_t seen = it == doc_case.end() ? 0 : it->second;
        add(Feat::kDocCase, seen, w.flags & (kFlagFirst | kFlagAllUpper));
      }
      doc.norm.push_back(w.norm);
      doc.shape.push_back(w.shape);
      doc.prev_norm.push_back(p1.norm);
      doc.next_norm.push_back(n1.norm);
      const auto case_class = [](const WordInfo& x) {
        return x.flags & (kFlagCapitalized | kFlagAllUpper | kFlagLowerInitial);
      };
      constexpr uint32_t kCaseBits = 8;
      doc.case_window.push_back(case_class(p1) | (case_class(w) << kCaseBits) |
                                (case_class(n1) << (2 * kCaseBits)));
      doc.history_eligible.push_back(cased && (w.flags & kFlagCapitalized) ? 1 : 0);
    }
  }
  doc.sentence_begin.push_back(static_cast<uint32_t>(doc.norm.size()));
  doc.key_begin.push_back(static_cast<uint32_t>(doc.keys.size()));
  return doc;
}

constexpr size_t kDynamicFeatures = 10;

// Beam width of the last stage's decoding. Chosen on dev (eng.testa F1 with the shipped model:
// greedy 92.35, beam 2 92.63, 3 92.75, 4 92.79; beam 4 costs about a third of the tagging speed).
constexpr size_t kBeamWidth = 4;

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

void dynamic_features(const PreparedDoc& doc, size_t w, uint64_t label1, uint64_t label2, uint64_t history,
                      uint64_t* out) {
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
void aggregate(PreparedDoc& doc, const std::vector<uint32_t>& labels, size_t n_types) {
  const size_t n = doc.norm.size();
  const uint64_t kNone = n_types + 1;
  const auto type_or_o = [&](uint32_t l) -> size_t { return l == 0 ? n_types : type_of(l); };
  // Per normalised word (of history-eligible words): counts of its label types, and of the types of
  // the entities it is part of.
  std::unordered_map<uint64_t, std::vector<uint32_t>> word_counts;
  std::unordered_map<uint64_t, std::vector<uint32_t>> span_counts;
  for (size_t w = 0; w < n; ++w) {
    if (!doc.history_eligible[w]) continue;
    auto& wc = word_counts[doc.norm[w]];
    if (wc.empty()) wc.assign(n_types + 1, 0);
    ++wc[type_or_o(labels[w])];
    if (labels[w] != 0) {
      auto& sc = span_counts[doc.norm[w]];
      if (sc.empty()) sc.assign(n_types, 0);
      ++sc[type_of(labels[w])];
    }
  }
  // The majority index of `counts` after removing this word's own contribution `own` (or none).
  const auto majority_without = [&](const std::vector<uint32_t>& counts, size_t own) -> uint64_t {
    uint32_t best = 0;
    uint64_t arg = kNone;
    for (size_t i = 0; i < counts.size(); ++i) {
      const uint32_t c = counts[i] - (i == own ? 1 : 0);
      if (c > best) best = c, arg = i;
    }
    return arg;
  };
  doc.extra.clear();
  doc.extra_begin.clear();
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const size_t begin = doc.sentence_begin[s];
    const size_t end = doc.sentence_begin[s + 1];
    for (size_t w = begin; w < end; ++w) {
      doc.extra_begin.push_back(static_cast<uint32_t>(doc.extra.size()));
      const uint64_t prev = w > begin ? labels[w - 1] : kStartLabel;
      const uint64_t next = w + 1 < end ? labels[w + 1] : kStartLabel;
      doc.extra.push_back(feature_key(Feat::kStage1Label, labels[w]));
      doc.extra.push_back(feature_key(Feat::kStage1Window, prev, next));
      if (!doc.history_eligible[w]) continue;
      const uint64_t by_word = majority_without(word_counts[doc.norm[w]], type_or_o(labels[w]));
      doc.extra.push_back(feature_key(Feat::kAggregateWord, by_word, type_or_o(labels[w])));
      const auto it = span_counts.find(doc.norm[w]);
      const uint64_t by_span =
          it == span_counts.end()
              ? kNone
              : majority_without(it->second, labels[w] == 0 ? n_types : type_of(labels[w]));
      doc.extra.push_back(feature_key(Feat::kAggregateSpan, by_span, doc.shape[w]));
    }
  }
  doc.extra_begin.push_back(static_cast<uint32_t>(doc.extra.size()));
}

// --- training --------------------------------------------------------------------------------------

// BILOU labels of a sentence's gold tags, for the model's types (other types are O).
std::vector<uint32_t> gold_labels(const NerSentence& s, const std::vector<std::string>& types) {
  std::vector<uint32_t> out(s.words.size(), 0);
  for (const NerChunk& c : chunks_of(s.tags)) {
    const auto it = std::lower_bound(types.begin(), types.end(), c.type);
    if (it == types.end() || *it != c.type) continue;
    const auto t = static_cast<size_t>(it - types.begin());
    for (uint32_t i = c.begin; i < c.end; ++i) {
      const Position p = c.end - c.begin == 1 ? kU : i == c.begin ? kB : i + 1 == c.end ? kL : kI;
      out[i] = label_of(t, p);
    }
  }
  return out;
}

std::vector<std::vector<std::string_view>> views_of(const NerDocument& d) {
  std::vector<std::vector<std::string_view>> out;
  out.reserve(d.sentences.size());
  for (const NerSentence& s : d.sentences) out.emplace_back(s.words.begin(), s.words.end());
  return out;
}

// Adds a name's key (and its word prefixes, as prefixes) to `masks`.
void add_gazetteer_key(std::string_view key, uint32_t mask, std::map<uint64_t, uint32_t>& masks) {
  const size_t words = static_cast<size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
  if (key.empty() || words > kMaxGazetteerWords) return;
  masks[hash_string(key) | 1] |= mask;
  for (size_t pos = key.find(' '); pos != std::string_view::npos; pos = key.find(' ', pos + 1))
    masks[hash_string(key.substr(0, pos)) | 1] |= kGazetteerPrefixBit;
}

// Reads a PETRARCH actor dictionary: entries are unindented lines "NAME_WITH_UNDERSCORES_ [CODE]"
// with '+' synonym lines and indented "[CODE date-range]" lines. An entry with a dated code is a
// person (leaders are dated by term); other entries count as organisations when `organisations`.
// Hand-written: a line format of its own, no library reads it.
Status read_actor_dictionary(const std::filesystem::path& path, bool organisations,
                             std::map<uint64_t, uint32_t>& masks, size_t& people, size_t& orgs) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  std::vector<std::string> names;
  bool dated = false;
  const auto flush = [&] {
    for (const std::string& n : names) {
      const std::string key = kb::Gazetteer::key(n);
      if (key.empty()) continue;
      if (dated) {
        const size_t first = key.find(' ');
        if (first == std::string::npos) continue;  // a single word is too ambiguous for a person
        add_gazetteer_key(key, 1U << kGazPerson, masks);
        add_gazetteer_key(std::string_view(key).substr(0, first), 1U << kGazFirstName, masks);
        add_gazetteer_key(std::string_view(key).substr(key.rfind(' ') + 1), 1U << kGazLastName, masks);
        ++people;
      } else if (organisations) {
        add_gazetteer_key(key, 1U << kGazOrganisation, masks);
        ++orgs;
      }
    }
    names.clear();
    dated = false;
  };
  // A code with a date: "[AFGGOV 950101-960626]", "[IGOUNO >100201]", "[XXX <990101]".
  const auto has_dated_code = [](std::string_view line) {
    for (size_t b = line.find('['); b != std::string_view::npos; b = line.find('[', b + 1)) {
      const size_t sp = line.find(' ', b);
      const size_t close = line.find(']', b);
      if (sp == std::string_view::npos || close == std::string_view::npos || sp > close ||
          sp + 1 >= line.size())
        continue;
      const char c = line[sp + 1];
      if ((c >= '0' && c <= '9') || c == '>' || c == '<') return true;
    }
    return false;
  };
  std::string_view all(*bytes);
  while (!all.empty()) {
    size_t eol = all.find('\n');
    if (eol == std::string_view::npos) eol = all.size();
    const std::string_view line = all.substr(0, eol);
    all.remove_prefix(std::min(all.size(), eol + 1));
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == ' ' || line[0] == '\t') {
      dated = dated || has_dated_code(line);
      continue;
    }
    const bool synonym = line[0] == '+';
    if (!synonym) flush();
    std::string_view name = line.substr(synonym ? 1 : 0);
    name = name.substr(0, std::min(name.find_first_of(" \t[#"), name.size()));
    std::string spaced(name);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    names.push_back(std::move(spaced));
    dated = dated || has_dated_code(line);
  }
  flush();
  return Status::Ok();
}

Status build_gazetteer(const std::filesystem::path& dir, const NerTrainOptions& options, NerTagger::Model& m,
                       std::ostream* log) {
  auto gaz = kb::Gazetteer::load(dir);
  if (!gaz.ok()) return gaz.status();
  std::map<uint64_t, uint32_t> masks;
  size_t people = 0;
  size_t orgs = 0;
  for (const std::filesystem::path& p : options.actor_dictionaries) {
    const std::string name = p.filename().string();
    // Country actor dictionaries mix countries, places and groups: only their (dated) people count.
    const bool orgs_ok = name.find("Countries") == std::string::npos;
    CASPIAN_RETURN_IF_ERROR(read_actor_dictionary(p, orgs_ok, masks, people, orgs));
  }
  (*gaz)->for_each_name([&](std::string_view key, std::span<const kb::NameRef> refs) {
    uint32_t mask = 0;
    for (const kb::NameRef& r : refs) {
      switch (r.type) {
        case kb::NameType::kCountryName:
          mask |= 1U << kGazCountry;
          break;
        case kb::NameType::kCountryAdjective:
          mask |= 1U << kGazDemonym;
          break;
        case kb::NameType::kCountryAcronym:
          mask |= 1U << kGazAcronym;
          break;
        case kb::NameType::kPlace:
        case kb::NameType::kPlaceAlias: {
          const kb::Place& p = (*gaz)->places()[r.index];
          const bool major = p.population >= kMajorPlacePopulation || p.feature_code == "PPLC";
          mask |= 1U << (major ? kGazMajorPlace : kGazPlace);
          break;
        }
        case kb::NameType::kSubdivision:
          mask |= 1U << kGazSubdivision;
          break;
        case kb::NameType::kFeature:
          mask |= 1U << kGazFeature;
          break;
      }
    }
    add_gazetteer_key(key, mask, masks);
  });
  for (const auto& [k, mask] : masks) {
    m.gaz_keys.push_back(k);
    m.gaz_masks.push_back(mask);
  }
  if (log != nullptr) {
    *log << "gazetteer: " << m.gaz_keys.size() << " keys from " << dir.string() << " and "
         << options.actor_dictionaries.size() << " actor dictionaries (" << people << " people, " << orgs
         << " organisations)\n";
  }
  return Status::Ok();
}

Status build_clusters(const std::vector<NerDocument>& train, const NerTrainOptions& options,
                      NerTagger::Model& m, std::ostream* log) {
  std::vector<std::vector<std::string>> sentences;
  for (const std::filesystem::path& p : options.unlabelled)
    CASPIAN_RETURN_IF_ERROR(read_unlabelled_text(p, sentences));
  if (options.unlabelled.empty()) return Status::Ok();
  for (const NerDocument& d : train) {
    for (const NerSentence& s : d.sentences) sentences.push_back(s.words);
  }
  ClusterOptions co;
  co.min_count = options.cluster_min_count;
  co.vocabulary = options.cluster_vocabulary;
  co.context = options.cluster_context;
  co.dimensions = options.cluster_dimensions;
  co.iterations = options.cluster_iterations;
  co.seed = options.seed;
  const WordClusters clusters = learn_word_clusters(sentences, co, log);
  std::vector<std::pair<uint64_t, std::array<uint16_t, kNerClusterSizes.size()>>> rows;
  for (size_t i = 0; i < clusters.words.size(); ++i)
    rows.emplace_back(hash_string(clusters.words[i]) | 1, clusters.ids[i]);
  std::sort(rows.begin(), rows.end());
  rows.erase(
      std::unique(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      rows.end());
  for (const auto& [k, ids] : rows) {
    m.cluster_keys.push_back(k);
    m.cluster_ids.push_back(ids);
  }
  return Status::Ok();
}

struct Counts {
  size_t gold = 0, predicted = 0, correct = 0;
  [[nodiscard]] double f1() const {
    return gold + predicted == 0 ? 0.0
                                 : 2.0 * static_cast<double>(correct) / static_cast<double>(gold + predicted);
  }
};

Counts score_docs(const NerTagger& tagger, const std::vector<NerDocument>& docs) {
  Counts c;
  for (const NerDocument& d : docs) {
    const std::vector<NerSpan> spans = tagger.tag_document(views_of(d));
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t, std::string>> predicted;
    for (const NerSpan& s : spans) predicted.emplace_back(s.sentence, s.begin, s.end, std::string(s.type));
    std::sort(predicted.begin(), predicted.end());
    for (size_t i = 0; i < d.sentences.size(); ++i) {
      for (const NerChunk& g : chunks_of(d.sentences[i].tags)) {
        ++c.gold;
        if (std::binary_search(predicted.begin(), predicted.end(),
                               std::make_tuple(static_cast<uint32_t>(i), g.begin, g.end, g.type)))
          ++c.correct;
      }
    }
    c.predicted += spans.size();
  }
  return c;
}

// Trains one stage's averaged perceptron on the documents `subset` of `docs` (with their extra keys
// when the documents carry them). The result is frozen (averaged, pruned) but its table not built.
NerTagger::Model::Stage train_stage(const std::vector<PreparedDoc>& docs,
                                    const std::vector<std::vector<uint32_t>>& gold,
                                    const std::vector<size_t>& subset, const NerTagger::Model& m,
                                    const NerTrainOptions& options, std::ostream* log) {
  perceptron::AveragedTrainer trainer;
  const auto score = [&](size_t, const uint64_t* k, size_t, size_t n, float* sc) {
    trainer.add_scores(std::span<const uint64_t>(k, n), sc);
  };
  std::vector<size_t> order(subset);
  std::mt19937_64 rng(options.seed);
  for (int pass = 1; pass <= options.iterations; ++pass) {
    // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    size_t seen = 0;
    size_t correct = 0;
    for (const size_t d : order) {
      const std::vector<uint32_t>& g = gold[d];
      decode(docs[d], m.n_types, score,
             [&](size_t w, const std::vector<uint64_t>& feats, uint32_t guess, const std::vector<float>& sc,
                 uint64_t, bool) {
               // Updates against the best label over all labels, legal or not, so that the scores of
               // labels the decoder's constraints mask stay comparable (decode_stage's repair compares them).
               const auto top = static_cast<uint32_t>(std::max_element(sc.begin(), sc.end()) - sc.begin());
               if (top != g[w]) {
                 trainer.update(feats, static_cast<uint16_t>(g[w]), 1.0F);
                 trainer.update(feats, static_cast<uint16_t>(top), -1.0F);
               }
               trainer.tick();
               ++seen;
               correct += guess == g[w] ? 1 : 0;
               return guess;
             });
    }
    if (log != nullptr) {
      *log << "pass " << pass << "/" << options.iterations << ": training label accuracy "
           << static_cast<double>(correct) / static_cast<double>(std::max<size_t>(seen, 1)) << ", "
           << trainer.features() << " features\n"
           << std::flush;
    }
  }
  // Averaged, pruned and laid out flat, sorted by key; labels fit the file's u8 (kMaxTypes).
  perceptron::SparseWeights frozen = trainer.freeze(options.prune_below);
  NerTagger::Model::Stage st;
  st.keys = std::move(frozen.keys);
  st.row_end = std::move(frozen.row_end);
  st.entry_label.assign(frozen.entry_class.begin(), frozen.entry_class.end());
  st.entry_weight = std::move(frozen.entry_weight);
  return st;
}

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'N', 'E', 'R', '\0'};
constexpr uint32_t kMaxStages = 2;

}  // namespace

// --- NerTagger ------------------------------------------------------------------------------------

NerTagger::NerTagger() : model_(std::make_unique<Model>()) {}
NerTagger::~NerTagger() = default;

uint64_t NerTagger::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

namespace {

// Beam search over each sentence's label sequences: keeps the `beam` best partial sequences by the
// sum of their labels' scores (static_scores: per word, the scores of its static features, from
// decode_stage()), extending each with every legal label, and returns the best complete one. The
// label-history features see the document's labels up to the previous sentence (the beam's own
// sentence is added once decided). Fills labels[w] and, if probs is not null, the softmax probability
// of each chosen label among the labels legal after its predecessor.
void beam_decode(const NerTagger::Model& m, const NerTagger::Model::Stage& st, const PreparedDoc& doc,
                 const std::vector<float>& static_scores, size_t beam, std::vector<uint32_t>& labels,
                 std::vector<float>* probs) {
  const size_t n_labels = m.n_labels();
  struct Hyp {
    double score = 0;
    uint32_t back = 0;  // index in the previous position's beam
    uint32_t label = 0;
    uint64_t label1 = kStartLabel;  // this hypothesis' label (kStartLabel before the first word)
    uint64_t label2 = kStart2Label;
  };
  History history(m.n_types);
  std::array<uint64_t, kDynamicFeatures> dyn{};
  // The beams of one sentence, flat: position p's hypotheses are hyps[begin[p], begin[p + 1]); the
  // label scores each hypothesis of position p saw when extended sit in scores, n_labels per
  // hypothesis, at the hypothesis' own index (kept for the probabilities of the chosen path only,
  // which saves an exp() per label and hypothesis).
  std::vector<Hyp> hyps;
  std::vector<size_t> begin_of;
  std::vector<float> scores;
  std::vector<Hyp> next;
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const size_t begin = doc.sentence_begin[s];
    const size_t end = doc.sentence_begin[s + 1];
    hyps.assign(1, Hyp{});
    begin_of.assign({0, 1});
    for (size_t w = begin; w < end; ++w) {
      const bool last = w + 1 == end;
      const uint64_t hist = doc.history_eligible[w] ? history.majority(doc.norm[w]) : m.n_types + 2;
      const size_t cur_begin = begin_of[begin_of.size() - 2];
      const size_t cur_end = begin_of.back();
      scores.resize(cur_end * n_labels);
      next.clear();
      for (size_t h = cur_begin; h < cur_end; ++h) {
        float* sc = scores.data() + h * n_labels;
        // The label-dependent features see only the last two labels: hypotheses that share them
        // (often, in a beam) share their scores.
        size_t same = cur_begin;
        while (same < h && (hyps[same].label1 != hyps[h].label1 || hyps[same].label2 != hyps[h].label2))
          ++same;
        if (same < h) {
          std::copy_n(scores.data() + same * n_labels, n_labels, sc);
        } else {
          std::copy_n(static_scores.data() + w * n_labels, n_labels, sc);
          dynamic_features(doc, w, hyps[h].label1, hyps[h].label2, hist, dyn.data());
          st.table.add_scores(dyn.data(), dyn.size(), sc);
        }
        for (uint32_t l = 0; l < n_labels; ++l) {
          if (!allowed(hyps[h].label1, l, last)) continue;
          Hyp x;
          x.score = hyps[h].score + static_cast<double>(sc[l]);
          x.back = static_cast<uint32_t>(h - cur_begin);
          x.label = l;
          x.label1 = l;
          x.label2 = hyps[h].label1;
          next.push_back(x);
        }
      }
      const size_t keep = std::min(beam, next.size());
      std::partial_sort(next.begin(), next.begin() + static_cast<ptrdiff_t>(keep), next.end(),
                        [](const Hyp& a, const Hyp& b) { return a.score > b.score; });
      hyps.insert(hyps.end(), next.begin(), next.begin() + static_cast<ptrdiff_t>(keep));
      begin_of.push_back(hyps.size());
    }
    size_t h = 0;  // within its position's beam
    for (size_t w = end; w > begin; --w) {
      const size_t p = w - begin;  // position of word w - 1's hypotheses
      const Hyp& x = hyps[begin_of[p] + h];
      labels[w - 1] = x.label;
      const size_t parent = begin_of[p - 1] + x.back;
      if (probs != nullptr) {
        // Softmax of the label's score among the labels legal after the parent's.
        const float* sc = scores.data() + parent * n_labels;
        const bool last = w == end;
        float top = -INFINITY;
        for (uint32_t l = 0; l < n_labels; ++l)
          if (allowed(hyps[parent].label1, l, last)) top = std::max(top, sc[l]);
        double z = 0;
        for (uint32_t l = 0; l < n_labels; ++l)
          if (allowed(hyps[parent].label1, l, last)) z += std::exp(static_cast<double>(sc[l] - top));
        (*probs)[w - 1] = static_cast<float>(std::exp(static_cast<double>(sc[x.label] - top)) / z);
      }
      h = x.back;
    }
    for (size_t w = begin; w < end; ++w)
      if (doc.history_eligible[w]) history.add(doc.norm[w], labels[w]);
  }
}

// Decodes a prepared document with one stage's weights: labels per word, and (if probs is not null)
// the softmax probability of each chosen label among the allowed ones. beam <= 1: greedy, with the
// repair described below; otherwise beam_decode().
void decode_stage(const NerTagger::Model& m, const NerTagger::Model::Stage& st, const PreparedDoc& doc,
                  std::vector<uint32_t>& labels, std::vector<float>* probs, size_t beam) {
  const size_t n_words = doc.norm.size();
  const size_t n_labels = m.n_labels();
  labels.assign(n_words, 0);
  if (probs != nullptr) probs->assign(n_words, 1.0F);
  // The static features' scores of every word first: one batch per word lets the table lookups
  // overlap; decoding then adds only the few label-dependent features.
  std::vector<float> static_scores(n_words * n_labels, 0.0F);
  for (size_t w = 0; w < n_words; ++w) {
    float* out = static_scores.data() + w * n_labels;
    st.table.add_scores(doc.keys.data() + doc.key_begin[w], doc.key_begin[w + 1] - doc.key_begin[w], out);
    if (!doc.extra_begin.empty())
      st.table.add_scores(doc.extra.data() + doc.extra_begin[w], doc.extra_begin[w + 1] - doc.extra_begin[w],
                          out);
  }
  if (beam > 1) {
    beam_decode(m, st, doc, static_scores, beam, labels, probs);
    return;
  }
  decode(
      doc, m.n_types,
      [&](size_t w, const uint64_t* k, size_t n_static, size_t n, float* sc) {
        std::copy_n(static_scores.data() + w * n_labels, n_labels, sc);
        st.table.add_scores(k + n_static, n - n_static, sc);
      },
      [&](size_t w, const std::vector<uint64_t>&, uint32_t best, const std::vector<float>& scores,
          uint64_t prev, bool last) {
        // Repair of greedy BILOU decoding: when the previous word opened or continued an entity,
        // only I-/L- of its type are legal here, so one early mistake ("Moody" B-PER) would drag
        // the following words into the entity ("Moody took six for 82"). If the model scores a
        // label that starts afresh (O, B-, U-) above every legal continuation, the previous word
        // closes the entity instead (B- -> U-, I- -> L-, both legal after what preceded it).
        if (is_open(prev)) {
          const uint32_t closed = close_label(static_cast<uint32_t>(prev));
          uint32_t fresh = best;
          float fresh_score = scores[best];
          for (uint32_t l = 0; l < n_labels; ++l) {
            if (allowed(closed, l, last) && scores[l] > fresh_score) fresh = l, fresh_score = scores[l];
          }
          if (fresh != best) {
            labels[w - 1] = closed;
            prev = closed;
            best = fresh;
          }
        }
        labels[w] = best;
        if (probs != nullptr) {
          float z = 0;
          for (uint32_t l = 0; l < n_labels; ++l) {
            if (allowed(prev, l, last)) z += std::exp(scores[l] - scores[best]);
          }
          (*probs)[w] = 1.0F / z;
        }
        return best;
      });
}

}  // namespace

std::vector<NerSpan> NerTagger::tag_document(
    const std::vector<std::vector<std::string_view>>& sentences) const {
  std::vector<NerSpan> out;
  const Model& m = *model_;
  if (m.stages.empty()) return out;
  PreparedDoc doc = prepare(m, sentences);
  std::vector<uint32_t> labels;
  std::vector<float> probs;
  for (size_t st = 0; st < m.stages.size(); ++st) {
    if (st > 0) aggregate(doc, labels, m.n_types);
    // The last stage searches a beam; the first of two stays greedy, as in the jackknifing its
    // successor was trained on.
    const bool final_stage = st + 1 == m.stages.size();
    decode_stage(m, m.stages[st], doc, labels, final_stage ? &probs : nullptr, final_stage ? kBeamWidth : 1);
  }
  for (size_t s = 0; s + 1 < doc.sentence_begin.size(); ++s) {
    const uint32_t begin = doc.sentence_begin[s];
    const uint32_t end = doc.sentence_begin[s + 1];
    for (uint32_t w = begin; w < end; ++w) {
      if (labels[w] == 0) continue;
      const Position p = position_of(labels[w]);
      if (p == kB || p == kU) {
        out.push_back(NerSpan{static_cast<uint32_t>(s), w - begin, w - begin + 1, types_[type_of(labels[w])],
                              probs[w]});
      } else {
        out.back().end = w - begin + 1;
        out.back().confidence = std::min(out.back().confidence, probs[w]);
      }
    }
  }
  return out;
}

Result<std::unique_ptr<NerTagger>> NerTagger::train(const std::vector<NerDocument>& train,
                                                    const std::vector<NerDocument>& dev,
                                                    const NerTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  if (options.cluster_min_count < 1 || options.cluster_vocabulary < 1 || options.cluster_context < 1 ||
      options.cluster_dimensions < 1 || options.cluster_iterations < 1)
    return Status(ErrorCode::kInvalidArgument, "cluster options must be positive");
  size_t train_words = 0;
  for (const std::vector<NerDocument>* data : {&train, &dev}) {
    for (const NerDocument& d : *data) {
      for (const NerSentence& s : d.sentences) {
        if (s.tags.size() != s.words.size())
          return Status(ErrorCode::kInvalidArgument, "a sentence has different numbers of words and tags");
        if (data == &train) train_words += s.words.size();
      }
    }
  }
  if (train_words == 0) return Status(ErrorCode::kEmptyInput, "no training words");
  auto tagger = std::unique_ptr<NerTagger>(new NerTagger());
  tagger->types_ = ner_types(train);
  if (tagger->types_.empty()) return Status(ErrorCode::kInvalidArgument, "the training data has no entities");
  if (tagger->types_.size() > kMaxTypes)
    return Status(ErrorCode::kInvalidArgument, std::to_string(tagger->types_.size()) +
                                                   " entity types; at most " + std::to_string(kMaxTypes) +
                                                   " are supported");
  Model& m = *tagger->model_;
  m.n_types = tagger->types_.size();
  if (!options.gazetteer_dir.empty())
    CASPIAN_RETURN_IF_ERROR(build_gazetteer(options.gazetteer_dir, options, m, log));
  CASPIAN_RETURN_IF_ERROR(build_clusters(train, options, m, log));
  m.build_indexes();

  std::vector<PreparedDoc> prepared;
  std::vector<std::vector<uint32_t>> gold;
  prepared.reserve(train.size());
  for (const NerDocument& d : train) {
    prepared.push_back(prepare(m, views_of(d)));
    std::vector<uint32_t> g;
    for (const NerSentence& s : d.sentences) {
      const std::vector<uint32_t> l = gold_labels(s, tagger->types_);
      g.insert(g.end(), l.begin(), l.end());
    }
    gold.push_back(std::move(g));
  }

  // Stage one on all documents; with a second stage, stage-one models trained on all but one fold
  // label that fold (jackknifing), so that the second stage learns from first-stage labels as
  // noisy as on unseen text.
  std::vector<size_t> all(train.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  m.stages.push_back(train_stage(prepared, gold, all, m, options, log));
  m.build_indexes();
  Counts dev_counts;
  if (!dev.empty()) {
    dev_counts = score_docs(*tagger, dev);
    if (log != nullptr) *log << "stage 1 dev F1 " << dev_counts.f1() << "\n" << std::flush;
  }
  const int folds = options.second_stage_folds;
  if (folds >= 2) {
    std::vector<std::vector<uint32_t>> first(train.size());
    for (int k = 0; k < folds; ++k) {
      std::vector<size_t> rest;
      std::vector<size_t> held;
      for (size_t i = 0; i < train.size(); ++i)
        (static_cast<int>(i % static_cast<size_t>(folds)) == k ? held : rest).push_back(i);
      if (held.empty()) continue;
      Model::Stage st = train_stage(prepared, gold, rest, m, options, nullptr);
      st.table.build(m.n_labels(), st.keys, st.row_end, st.entry_label, st.entry_weight);
      for (const size_t d : held) decode_stage(m, st, prepared[d], first[d], nullptr, 1);
      if (log != nullptr) *log << "jackknife fold " << k + 1 << "/" << folds << " done\n" << std::flush;
    }
    for (size_t d = 0; d < train.size(); ++d) aggregate(prepared[d], first[d], m.n_types);
    m.stages.push_back(train_stage(prepared, gold, all, m, options, log));
    m.build_indexes();
    if (!dev.empty()) {
      dev_counts = score_docs(*tagger, dev);
      if (log != nullptr) *log << "stage 2 dev F1 " << dev_counts.f1() << "\n" << std::flush;
    }
  }
  size_t features = 0;
  size_t weights = 0;
  for (const Model::Stage& st : m.stages) features += st.keys.size(), weights += st.entry_label.size();

  nlohmann::ordered_json config;
  config["format_version"] = kNerModelFormatVersion;
  config["feature_fingerprint"] = hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source}, {"documents", train.size()}, {"words", train_words}};
  config["dev"] = {{"source", options.dev_source}, {"documents", dev.size()}};
  std::vector<std::string> unlabelled;
  for (const auto& p : options.unlabelled) unlabelled.push_back(p.filename().string());
  std::vector<std::string> actors;
  for (const auto& p : options.actor_dictionaries) actors.push_back(p.filename().string());
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"prune_below", options.prune_below},
                       {"gazetteer", !options.gazetteer_dir.empty()},
                       {"actor_dictionaries", actors},
                       {"unlabelled", unlabelled},
                       {"cluster_min_count", options.cluster_min_count},
                       {"cluster_vocabulary", options.cluster_vocabulary},
                       {"cluster_context", options.cluster_context},
                       {"cluster_dimensions", options.cluster_dimensions},
                       {"cluster_iterations", options.cluster_iterations},
                       {"second_stage_folds", options.second_stage_folds}};
  config["types"] = tagger->types_;
  config["dev_scores"] = {{"gold", dev_counts.gold},
                          {"predicted", dev_counts.predicted},
                          {"correct", dev_counts.correct},
                          {"f1", dev_counts.f1()}};
  config["model"] = {{"stages", m.stages.size()},
                     {"features", features},
                     {"weights", weights},
                     {"gazetteer_keys", m.gaz_keys.size()},
                     {"cluster_words", m.cluster_keys.size()}};
  tagger->config_json_ = config.dump();
  if (log != nullptr && !dev.empty()) {
    *log << "dev: F1 " << dev_counts.f1() << " (" << dev_counts.correct << " correct of " << dev_counts.gold
         << " gold, " << dev_counts.predicted << " predicted)\n";
  }
  return tagger;
}

namespace {
// This build's kind of NER model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kNerModelFormatVersion, NerTagger::feature_fingerprint(), "NER model"};
}
}  // namespace

Status NerTagger::save(const std::filesystem::path& path) const {
  const Model& m = *model_;
  Writer w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  w.u32(static_cast<uint32_t>(types_.size()));
  for (const std::string& t : types_) w.str(t);
  w.u32(static_cast<uint32_t>(m.gaz_keys.size()));
  for (const uint64_t k : m.gaz_keys) w.u64(k);
  for (const uint32_t v : m.gaz_masks) w.u32(v);
  w.u32(static_cast<uint32_t>(m.cluster_keys.size()));
  for (const uint64_t k : m.cluster_keys) w.u64(k);
  for (const auto& ids : m.cluster_ids) {
    for (const uint16_t id : ids) w.u16(id);
  }
  w.u32(static_cast<uint32_t>(m.stages.size()));
  for (const Model::Stage& st : m.stages) {
    w.u32(static_cast<uint32_t>(st.keys.size()));
    for (const uint64_t k : st.keys) w.u64(k);
    for (const uint32_t e : st.row_end) w.u32(e);
    w.u32(static_cast<uint32_t>(st.entry_label.size()));
    for (const uint8_t l : st.entry_label) w.u8(l);
    for (const float f : st.entry_weight) w.f32(f);
  }
  return perceptron::finish_model_file(w, path);
}

namespace {

// Checks that `keys` is strictly increasing and non-zero.
bool sorted_keys(const std::vector<uint64_t>& keys) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == 0 || (i > 0 && keys[i] <= keys[i - 1])) return false;
  }
  return true;
}

// Reads and validates one stage's weights; returns an empty string or what is wrong.
std::string read_stage(Reader& r, size_t n_labels, NerTagger::Model::Stage& st) {
  const uint32_t n_rows = r.u32();
  if (!r.have(uint64_t{n_rows} * 12)) return "truncated";
  st.keys.resize(n_rows);
  st.row_end.resize(n_rows);
  for (uint64_t& k : st.keys) k = r.u64();
  for (uint32_t& e : st.row_end) e = r.u32();
  const uint32_t n_entries = r.u32();
  if (!r.have(uint64_t{n_entries} * 5)) return "truncated";
  st.entry_label.resize(n_entries);
  st.entry_weight.resize(n_entries);
  for (uint8_t& l : st.entry_label) l = r.u8();
  for (float& f : st.entry_weight) f = r.f32();
  if (r.truncated) return "truncated";
  if (!sorted_keys(st.keys)) return "keys not sorted";
  for (size_t i = 0; i < n_rows; ++i) {
    if (st.row_end[i] > n_entries || (i > 0 && st.row_end[i] < st.row_end[i - 1])) return "bad row offsets";
  }
  if (n_rows > 0 && st.row_end.back() != n_entries) return "bad row offsets";
  if (n_rows == 0 && n_entries != 0) return "entries without rows";
  for (size_t e = 0; e < n_entries; ++e) {
    if (st.entry_label[e] >= n_labels) return "weight label out of range";
    if (!std::isfinite(st.entry_weight[e])) return "non-finite weight";
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<NerTagger>> NerTagger::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt NER model: " + std::string(why));
  };
  Reader r(file->payload());
  auto tagger = std::unique_ptr<NerTagger>(new NerTagger());
  Model& m = *tagger->model_;
  tagger->config_json_ = r.str();
  const uint32_t n_types = r.u32();
  if (n_types == 0 || n_types > kMaxTypes || !r.have(uint64_t{n_types} * 4)) return corrupt("bad type count");
  for (uint32_t i = 0; i < n_types; ++i) tagger->types_.push_back(r.str());
  if (!std::is_sorted(tagger->types_.begin(), tagger->types_.end())) return corrupt("types not sorted");
  m.n_types = n_types;
  const uint32_t n_gaz = r.u32();
  if (!r.have(uint64_t{n_gaz} * 12)) return corrupt("truncated");
  m.gaz_keys.resize(n_gaz);
  m.gaz_masks.resize(n_gaz);
  for (uint64_t& k : m.gaz_keys) k = r.u64();
  for (uint32_t& v : m.gaz_masks) v = r.u32();
  const uint32_t n_clusters = r.u32();
  if (!r.have(uint64_t{n_clusters} * (8 + 2 * kNerClusterSizes.size()))) return corrupt("truncated");
  m.cluster_keys.resize(n_clusters);
  m.cluster_ids.resize(n_clusters);
  for (uint64_t& k : m.cluster_keys) k = r.u64();
  for (auto& ids : m.cluster_ids) {
    for (uint16_t& id : ids) id = r.u16();
  }
  const uint32_t n_stages = r.u32();
  if (n_stages == 0 || n_stages > kMaxStages) return corrupt(std::to_string(n_stages) + " stages");
  if (!sorted_keys(m.gaz_keys) || !sorted_keys(m.cluster_keys)) return corrupt("keys not sorted");
  m.stages.resize(n_stages);
  for (Model::Stage& st : m.stages) {
    if (std::string why = read_stage(r, m.n_labels(), st); !why.empty()) return corrupt(why);
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  m.build_indexes();
  return tagger;
}

std::vector<std::string> spans_to_tags(const std::vector<NerSpan>& spans, uint32_t sentence, size_t n) {
  std::vector<std::string> tags(n, "O");
  for (const NerSpan& s : spans) {
    if (s.sentence != sentence || s.end > n) continue;
    for (uint32_t i = s.begin; i < s.end; ++i) tags[i] = (i == s.begin ? "B-" : "I-") + std::string(s.type);
  }
  return tags;
}

}  // namespace caspian::nlp
