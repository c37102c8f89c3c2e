#include "nlp/pos_tagger.h"

#include <utf8proc.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <span>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "caspian/utf8.h"
#include "nlp/perceptron.h"

namespace caspian::nlp {
namespace {

// The shared perceptron helpers (nlp/perceptron.h).
using perceptron::FlatIndex;
using Reader = perceptron::ByteReader;
using Writer = perceptron::ByteWriter;
using perceptron::hex64;

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

constexpr std::array<std::string_view, static_cast<size_t>(Feat::kCount)> kFeatNames = {
    "bias",          "form",      "norm",        "suffix1",     "suffix2",      "suffix3",    "suffix4",
    "prefix1",       "prefix2",   "prefix3",     "prefix4",     "shape",        "has_hyphen", "has_digit",
    "has_upper",     "all_upper", "cap_first",   "cap_inside",  "tag-1",        "tag-2",      "tag-1,tag-2",
    "tag-1,norm",    "norm-1",    "norm-2",      "norm+1",      "norm+2",       "suffix3-1",  "suffix3+1",
    "shape-1",       "shape+1",   "norm-1,norm", "norm,norm+1", "tag-1,norm+1", "form-1",     "form+1",
    "norm-1,norm+1", "lex",       "lex-1",       "lex+1",       "lex,cap",
};

constexpr size_t kMaxAffix = 4;                // prefixes and suffixes of 1..kMaxAffix code points
constexpr size_t kMaxShapeRun = 2;             // "Xxxxx" -> "Xxx": runs of one shape class kept to 2
constexpr size_t kContext = 2;                 // words of context on each side
constexpr uint64_t kFeatureSeed = 0x43535031;  // seeds XXH3 for feature keys ("CSP1")
constexpr uint64_t kStringSeed = 0x43535032;   // seeds XXH3 for string values
// Describes the hashing and normalisation parameters; part of the fingerprint.
constexpr std::string_view kFeatureParams =
    "xxh3-64;affix=1..4 utf8 sequences of norm;shape=X/x/d/other, runs<=2;norm=ascii lower or utf8proc "
    "casefold+NFKC, ascii digits->0;context=+-2;pad=-START-/-START2-/-END-/-END2-;"
    "lex=class bit set of norm from the model's lexicon, 0 when absent or padding";

// Label ids of the padding before the sentence, in the tag-history features.
constexpr uint64_t kStartTag = 0xFFFF0001;
constexpr uint64_t kStart2Tag = 0xFFFF0002;

uint64_t hash_string(std::string_view s) {
  return XXH3_64bits_withSeed(s.data(), s.size(), kStringSeed);
}

uint64_t feature_key(Feat f, uint64_t a, uint64_t b = 0) {
  const std::array<uint64_t, 3> packed = {static_cast<uint64_t>(f), a, b};
  const uint64_t k = XXH3_64bits_withSeed(packed.data(), sizeof(packed), kFeatureSeed);
  return k == 0 ? 1 : k;  // 0 marks an empty slot in FlatIndex
}

using perceptron::next_code_point;
using perceptron::shape_class;

std::string normalize(std::string_view word) {
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
constexpr std::array<std::string_view, 11> kLexiconClasses = {"NN",  "NNS", "NNP", "VB",  "VBZ", "VBD",
                                                              "VBG", "JJ",  "JJR", "JJS", "RB"};

// Looks up the lexicon classes of a normalised form's hash; 0 when unlisted or without a lexicon.
uint16_t lexicon_classes(const PosTagger::Lexicon* lexicon, uint64_t norm_hash);

WordInfo padding_info(std::string_view marker) {
  WordInfo w;
  w.form = w.norm = w.shape = hash_string(marker);
  w.prefix.fill(w.form);
  w.suffix.fill(w.form);
  return w;
}

WordInfo word_info(std::string_view word) {
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

}  // namespace

// The frequent words whose feature scores are precomputed (see PosTagger::Model::cache): their
// forms (stored in the model file), their WordInfo and an index from the hash of the form to the
// word's position.
struct PosTagger::WordCache {
  std::vector<std::string> words;
  std::vector<WordInfo> infos;
  FlatIndex index;
};

namespace {
using WordCacheTable = PosTagger::WordCache;

// Tag-independent information for a sentence, with kContext padding entries on each side.
// With a word cache, `types` (if not null) receives per entry the word's index in the cache or -1
// (always -1 for the padding), and cached words copy their WordInfo instead of recomputing it.
std::vector<WordInfo> sentence_info(std::span<const std::string_view> words,
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
constexpr size_t kOwnFeatures = 16;
constexpr size_t kNeighbourFeatures = 5;
constexpr size_t kOwnEnd = kOwnFeatures;
constexpr size_t kPrevEnd = kOwnEnd + kNeighbourFeatures;
constexpr size_t kNextEnd = kPrevEnd + kNeighbourFeatures;
constexpr size_t kStaticFeatures = kNextEnd + 8;
// The tag-dependent feature keys of one word.
constexpr size_t kDynamicFeatures = 5;

// The word's own feature keys (kOwnFeatures of them).
void own_features(const WordInfo& w, uint64_t* out) {
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
void prev_features(const WordInfo& p1, uint64_t* out) {
  out[0] = feature_key(Feat::kPrevNorm, p1.norm);
  out[1] = feature_key(Feat::kPrevSuffix3, p1.suffix[2]);
  out[2] = feature_key(Feat::kPrevShape, p1.shape);
  out[3] = feature_key(Feat::kPrevForm, p1.form);
  out[4] = feature_key(Feat::kLexPrev, p1.lex);
}

// The keys of the features that look only at the word after (kNeighbourFeatures of them).
void next_features(const WordInfo& n1, uint64_t* out) {
  out[0] = feature_key(Feat::kNextNorm, n1.norm);
  out[1] = feature_key(Feat::kNextSuffix3, n1.suffix[2]);
  out[2] = feature_key(Feat::kNextShape, n1.shape);
  out[3] = feature_key(Feat::kNextForm, n1.form);
  out[4] = feature_key(Feat::kLexNext, n1.lex);
}

// `types` (may be null): as from sentence_info(); the groups of cached words are left as zeros,
// since decoding takes their scores from the cache.
std::vector<uint64_t> static_features(const std::vector<WordInfo>& info, const std::vector<int32_t>* types) {
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
void dynamic_features(const std::vector<WordInfo>& info, size_t i, bool right_to_left, uint64_t tag1,
                      uint64_t tag2, uint64_t* out) {
  const WordInfo& w = info[i + kContext];
  const WordInfo& ahead = info[right_to_left ? i + kContext - 1 : i + kContext + 1];
  out[0] = feature_key(Feat::kPrevTag, tag1);
  out[1] = feature_key(Feat::kPrev2Tag, tag2);
  out[2] = feature_key(Feat::kPrevTagBigram, tag1, tag2);
  out[3] = feature_key(Feat::kPrevTagNorm, tag1, w.norm);
  out[4] = feature_key(Feat::kPrevTagNextNorm, tag1, ahead.norm);
}

uint64_t compute_fingerprint() {
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

Label gold_label(Target target, const TaggedSentence& s, size_t i) {
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

constexpr size_t kMaxLabels = 0xFFFF;  // label ids are stored as uint16

}  // namespace

// One averaged-perceptron model, frozen: sparse rows of (label, weight) per feature.
struct PosTagger::Model {
  Target target = Target::kJoint;
  bool right_to_left = false;  // decoding order (the tag-history features look at the words after)
  std::vector<Label> labels;
  std::vector<std::pair<std::string, uint16_t>> tagdict;  // sorted by word
  perceptron::SparseWeights weights;  // per feature, the (label, weight) rows
  FlatIndex tagdict_index;             // hash of the word form -> index into tagdict

  // Builds the lookup tables (after the rows or the tag dictionary change).
  void build_indexes() {
    weights.index();
    std::vector<uint64_t> dict_keys;
    dict_keys.reserve(tagdict.size());
    for (const auto& entry : tagdict) dict_keys.push_back(hash_string(entry.first));
    tagdict_index.build(dict_keys);
  }

  // The tag-dictionary label of a word, or -1.
  int dictionary_label(const WordInfo& w) const {
    const uint32_t i = tagdict_index.find(w.form);
    return i == FlatIndex::kMissing ? -1 : tagdict[i].second;
  }

  // Adds the weights of `keys` to `scores` (labels.size() floats).
  void add_scores(const uint64_t* keys_begin, size_t n, float* scores) const {
    weights.add_scores(std::span<const uint64_t>(keys_begin, n), scores);
  }

  // Precomputed scores of the frequent words (PosTagger::word_cache_): for word type t, the summed
  // weights of its own features at [(3t) * L], of the "word before" features at [(3t + 1) * L] and
  // of the "word after" features at [(3t + 2) * L], with L = labels.size().
  std::vector<float> cache;

  void build_cache(const std::vector<WordInfo>& types) {
    const size_t n_labels = labels.size();
    cache.assign(types.size() * 3 * n_labels, 0.0F);
    std::array<uint64_t, kOwnFeatures> own{};
    std::array<uint64_t, kNeighbourFeatures> neighbour{};
    for (size_t t = 0; t < types.size(); ++t) {
      float* v = cache.data() + 3 * t * n_labels;
      own_features(types[t], own.data());
      add_scores(own.data(), own.size(), v);
      prev_features(types[t], neighbour.data());
      add_scores(neighbour.data(), neighbour.size(), v + n_labels);
      next_features(types[t], neighbour.data());
      add_scores(neighbour.data(), neighbour.size(), v + 2 * n_labels);
    }
  }

  // Greedy decoding in the model's direction. `types` gives, per entry of `info`, the word's index
  // in the word cache or -1; `static_keys` need not hold the groups of cached words.
  // `scores` receives, per word, the score of every label (zeros for tag-dictionary words); `out`
  // the chosen labels.
  void decode(const std::vector<WordInfo>& info, const std::vector<int32_t>& types,
              const std::vector<uint64_t>& static_keys, std::vector<float>& scores,
              std::vector<uint16_t>& out) const {
    const size_t n = info.size() - 2 * kContext;
    const size_t n_labels = labels.size();
    out.assign(n, 0);
    scores.assign(n * n_labels, 0.0F);
    std::array<uint64_t, kDynamicFeatures> dynamic{};
    uint64_t tag1 = kStartTag;
    uint64_t tag2 = kStart2Tag;
    const auto add_vector = [&](int32_t type, size_t group, float* s) {
      const float* v = cache.data() + (3 * static_cast<size_t>(type) + group) * n_labels;
      for (size_t l = 0; l < n_labels; ++l) s[l] += v[l];
    };
    // The tag-independent scores of every word first: their look-ups are independent, so gathering
    // each word's uncached keys into one batch lets the weight table overlap the cache misses.
    std::array<uint64_t, kStaticFeatures> batch{};
    for (size_t i = 0; i < n; ++i) {
      if (dictionary_label(info[i + kContext]) >= 0) continue;
      float* s = scores.data() + i * n_labels;
      const uint64_t* keys = static_keys.data() + i * kStaticFeatures;
      size_t batched = 0;
      const auto group = [&](int32_t type, size_t cache_group, size_t begin, size_t count) {
        if (type >= 0) {
          add_vector(type, cache_group, s);
        } else {
          std::copy_n(keys + begin, count, batch.data() + batched);
          batched += count;
        }
      };
      group(types[i + kContext], 0, 0, kOwnFeatures);
      group(types[i + kContext - 1], 1, kOwnEnd, kNeighbourFeatures);
      group(types[i + kContext + 1], 2, kPrevEnd, kNeighbourFeatures);
      std::copy(keys + kNextEnd, keys + kStaticFeatures, batch.data() + batched);
      batched += kStaticFeatures - kNextEnd;
      add_scores(batch.data(), batched, s);
    }
    for (size_t step = 0; step < n; ++step) {
      const size_t i = right_to_left ? n - 1 - step : step;
      uint16_t best = 0;
      if (const int dict = dictionary_label(info[i + kContext]); dict >= 0) {
        best = static_cast<uint16_t>(dict);
      } else {
        float* s = scores.data() + i * n_labels;
        dynamic_features(info, i, right_to_left, tag1, tag2, dynamic.data());
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
  FlatIndex index;
};

namespace {

uint16_t lexicon_classes(const PosTagger::Lexicon* lexicon, uint64_t norm_hash) {
  if (lexicon == nullptr || norm_hash == 0) return 0;
  const uint32_t i = lexicon->index.find(norm_hash);
  return i == FlatIndex::kMissing ? 0 : lexicon->classes[i];
}

constexpr std::string_view kLexiconHeader = "#caspian-lexicon\t1";

// Reads a lexicon file: the header line, then "form<TAB>CLASS,CLASS..." lines.
// Errors: those of read_conllu_bytes(); kParseError naming the line for a malformed line or an
//   unknown class.
Result<std::unique_ptr<PosTagger::Lexicon>> read_lexicon(const std::filesystem::path& path) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  std::string_view text = *bytes;
  const auto bad = [&](size_t line, std::string_view why) {
    return Status(ErrorCode::kParseError,
                  path.string() + ":" + std::to_string(line) + ": " + std::string(why));
  };
  std::map<uint64_t, uint16_t> entries;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kLexiconHeader) return bad(line_no, "not a caspian lexicon (expected the header line)");
      continue;
    }
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) return bad(line_no, "expected form<TAB>classes");
    uint16_t bits = 0;
    std::string_view rest = line.substr(tab + 1);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view cls = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const auto it = std::find(kLexiconClasses.begin(), kLexiconClasses.end(), cls);
      if (it == kLexiconClasses.end()) return bad(line_no, "unknown class '" + std::string(cls) + "'");
      bits = static_cast<uint16_t>(bits | (1U << (it - kLexiconClasses.begin())));
    }
    const uint64_t key = hash_string(normalize(line.substr(0, tab)));
    if (key != 0) entries[key] = static_cast<uint16_t>(entries[key] | bits);
  }
  auto lexicon = std::make_unique<PosTagger::Lexicon>();
  for (const auto& [key, bits] : entries) {
    lexicon->keys.push_back(key);
    lexicon->classes.push_back(bits);
  }
  lexicon->index.build(lexicon->keys);
  return lexicon;
}

// --- training --------------------------------------------------------------------------------------

class Trainer {
 public:
  Trainer(Target target, bool right_to_left, const std::vector<TaggedSentence>& train,
          const PosTrainOptions& options)
      : target_(target), right_to_left_(right_to_left), train_(train), options_(options) {}

  // Requires: infos[s] and static_keys[s] are sentence_info() and static_features() of train[s].
  Result<std::unique_ptr<PosTagger::Model>> run(const std::vector<std::vector<WordInfo>>& infos,
                                                const std::vector<std::vector<uint64_t>>& static_keys,
                                                std::ostream* log) {
    auto model = std::make_unique<PosTagger::Model>();
    model->target = target_;
    model->right_to_left = right_to_left_;
    CASPIAN_RETURN_IF_ERROR(make_labels(*model));
    make_tagdict(*model);
    model->build_indexes();

    std::vector<size_t> order(train_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(options_.seed);
    std::vector<float> scores(model->labels.size());
    std::array<uint64_t, kStaticFeatures + kDynamicFeatures> feats{};
    for (int pass = 1; pass <= options_.iterations; ++pass) {
      // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined, and the
      // model must be byte-identical across standard libraries.
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
      size_t seen = 0;
      size_t correct = 0;
      for (const size_t s : order) {
        const TaggedSentence& sentence = train_[s];
        const std::vector<WordInfo>& info = infos[s];
        const size_t n = sentence.words.size();
        uint64_t tag1 = kStartTag;
        uint64_t tag2 = kStart2Tag;
        for (size_t step = 0; step < n; ++step) {
          const size_t i = right_to_left_ ? n - 1 - step : step;
          const uint16_t gold = label_ids_.at(gold_label(target_, sentence, i));
          uint16_t guess = 0;
          if (const int dict = model->dictionary_label(info[i + kContext]); dict >= 0) {
            guess = static_cast<uint16_t>(dict);  // not trained on: tagged from the dictionary
          } else {
            std::copy_n(static_keys[s].data() + i * kStaticFeatures, kStaticFeatures, feats.begin());
            dynamic_features(info, i, right_to_left_, tag1, tag2, feats.data() + kStaticFeatures);
            std::fill(scores.begin(), scores.end(), 0.0F);
            weights_.add_scores(feats, scores.data());
            guess = static_cast<uint16_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
            if (guess != gold) {
              weights_.update(feats, gold, 1.0F);
              weights_.update(feats, guess, -1.0F);
            }
            weights_.tick();
          }
          correct += guess == gold ? 1 : 0;
          ++seen;
          tag2 = tag1;
          tag1 = guess;
        }
      }
      if (log != nullptr) {
        *log << (right_to_left_ ? "right-to-left" : "left-to-right") << " pass " << pass << "/"
             << options_.iterations << ": training accuracy "
             << static_cast<double>(correct) / static_cast<double>(seen) << ", " << weights_.features()
             << " features\n";
      }
    }
    model->weights = weights_.freeze(options_.prune_below);
    model->build_indexes();
    return model;
  }

 private:
  Status make_labels(PosTagger::Model& model) {
    std::map<Label, size_t> counts;
    for (const TaggedSentence& s : train_) {
      for (size_t i = 0; i < s.words.size(); ++i) ++counts[gold_label(target_, s, i)];
    }
    if (counts.size() > kMaxLabels) {
      return Status(ErrorCode::kInvalidArgument, std::to_string(counts.size()) + " labels; at most " +
                                                     std::to_string(kMaxLabels) + " are supported");
    }
    std::vector<std::pair<Label, size_t>> sorted(counts.begin(), counts.end());
    // Most frequent first (ties by name): argmax ties then favour the frequent label.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [label, count] : sorted) {
      label_ids_.emplace(label, static_cast<uint16_t>(model.labels.size()));
      model.labels.push_back(label);
    }
    return Status::Ok();
  }

  void make_tagdict(PosTagger::Model& model) const {
    std::map<std::string, std::map<uint16_t, size_t>> counts;
    for (const TaggedSentence& s : train_) {
      for (size_t i = 0; i < s.words.size(); ++i)
        ++counts[s.words[i]][label_ids_.at(gold_label(target_, s, i))];
    }
    for (const auto& [word, by_label] : counts) {
      size_t total = 0;
      size_t best_count = 0;
      uint16_t best = 0;
      for (const auto& [label, count] : by_label) {
        total += count;
        if (count > best_count) best_count = count, best = label;
      }
      if (total >= static_cast<size_t>(options_.tagdict_min_count) &&
          static_cast<double>(best_count) >= options_.tagdict_min_share * static_cast<double>(total)) {
        model.tagdict.emplace_back(word, best);
      }
    }
  }

  Target target_;
  bool right_to_left_;
  const std::vector<TaggedSentence>& train_;
  const PosTrainOptions& options_;
  std::map<Label, uint16_t> label_ids_;
  perceptron::AveragedTrainer weights_;
};

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'P', 'O', 'S', '\0'};
constexpr uint32_t kMaxModels = 4;  // two targets x two directions

void write_model(const PosTagger::Model& m, Writer& w) {
  w.u8(static_cast<uint8_t>(m.target));
  w.u8(m.right_to_left ? 1 : 0);
  w.u32(static_cast<uint32_t>(m.labels.size()));
  for (const Label& l : m.labels) {
    w.str(l.upos);
    w.str(l.xpos);
  }
  w.u32(static_cast<uint32_t>(m.tagdict.size()));
  for (const auto& [word, label] : m.tagdict) {
    w.str(word);
    w.u16(label);
  }
  m.weights.write(w);
}

// Reads and validates one model; returns an empty string or what is wrong.
std::string read_model(Reader& r, PosTagger::Model& m) {
  const uint8_t target = r.u8();
  if (target > static_cast<uint8_t>(Target::kUpos)) return "unknown model target " + std::to_string(target);
  m.target = static_cast<Target>(target);
  const uint8_t direction = r.u8();
  if (direction > 1) return "unknown decoding direction " + std::to_string(direction);
  m.right_to_left = direction == 1;
  const uint32_t n_labels = r.u32();
  // Each count is checked against the bytes left before anything is allocated for it.
  if (n_labels == 0 || n_labels > kMaxLabels || !r.have(uint64_t{n_labels} * 8)) return "bad label count";
  for (uint32_t i = 0; i < n_labels && !r.truncated; ++i) {
    Label l;
    l.upos = r.str();
    l.xpos = r.str();
    m.labels.push_back(std::move(l));
  }
  const uint32_t n_dict = r.u32();
  if (!r.have(uint64_t{n_dict} * 6)) return "truncated";
  for (uint32_t i = 0; i < n_dict && !r.truncated; ++i) {
    std::string word = r.str();
    const uint16_t label = r.u16();
    if (label >= n_labels) return "tag dictionary label out of range";
    if (!m.tagdict.empty() && m.tagdict.back().first >= word) return "tag dictionary not sorted";
    m.tagdict.emplace_back(std::move(word), label);
  }
  if (std::string why = m.weights.read(r, n_labels); !why.empty()) return why;
  m.build_indexes();
  return {};
}

}  // namespace

// --- PosTagger ------------------------------------------------------------------------------------

PosTagger::PosTagger() = default;
PosTagger::~PosTagger() = default;

uint64_t PosTagger::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

void PosTagger::build_word_cache(std::vector<std::string> words) {
  auto cache = std::make_unique<WordCache>();
  cache->words = std::move(words);
  std::vector<uint64_t> keys;
  keys.reserve(cache->words.size());
  for (const std::string& w : cache->words) {
    WordInfo info = word_info(w);
    info.lex = lexicon_classes(lexicon_.get(), info.norm);
    cache->infos.push_back(info);
    keys.push_back(info.form);
  }
  cache->index.build(keys);
  for (const auto& model : models_) model->build_cache(cache->infos);
  word_cache_ = std::move(cache);
}

void PosTagger::tag(std::span<const std::string_view> words, std::vector<std::string>& upos,
                    std::vector<std::string>& xpos) const {
  upos.assign(words.size(), std::string());
  xpos.assign(words.size(), std::string());
  if (words.empty()) return;
  std::vector<int32_t> types;
  const std::vector<WordInfo> info = sentence_info(words, lexicon_.get(), word_cache_.get(), &types);
  const std::vector<uint64_t> static_keys = static_features(info, &types);
  std::vector<uint16_t> labels;
  std::vector<float> scores;
  std::vector<uint16_t> other_labels;
  std::vector<float> other_scores;
  // models_ holds, per target, a left-to-right model optionally followed by a right-to-left one
  // (checked by load() and built so by train()).
  for (size_t m = 0; m < models_.size(); ++m) {
    const Model& model = *models_[m];
    model.decode(info, types, static_keys, scores, labels);
    if (m + 1 < models_.size() && models_[m + 1]->target == model.target) {
      // Both directions: each word gets the label with the best sum of the two models' scores.
      models_[++m]->decode(info, types, static_keys, other_scores, other_labels);
      const size_t n_labels = model.labels.size();
      for (size_t i = 0; i < words.size(); ++i) {
        if (model.dictionary_label(info[i + kContext]) >= 0) continue;
        float* s = scores.data() + i * n_labels;
        const float* t = other_scores.data() + i * n_labels;
        for (size_t l = 0; l < n_labels; ++l) s[l] += t[l];
        labels[i] = static_cast<uint16_t>(std::max_element(s, s + n_labels) - s);
      }
    }
    for (size_t i = 0; i < words.size(); ++i) {
      const Label& l = model.labels[labels[i]];
      if (model.target != Target::kXpos) upos[i] = l.upos;
      if (model.target != Target::kUpos) xpos[i] = l.xpos;
    }
  }
}

Result<std::unique_ptr<PosTagger>> PosTagger::train(const std::vector<TaggedSentence>& train,
                                                    const std::vector<TaggedSentence>& dev,
                                                    const PosTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  size_t train_words = 0;
  for (const std::vector<TaggedSentence>* data : {&train, &dev}) {
    for (const TaggedSentence& s : *data) {
      if (s.upos.size() != s.words.size() || s.xpos.size() != s.words.size()) {
        return Status(ErrorCode::kInvalidArgument, "a sentence has different numbers of words and tags");
      }
      for (size_t i = 0; i < s.words.size(); ++i) {
        if (s.upos[i].empty() || s.xpos[i].empty()) {
          return Status(ErrorCode::kInvalidArgument, "empty tag for word '" + s.words[i] + "'");
        }
      }
      if (data == &train) train_words += s.words.size();
    }
  }
  if (train_words == 0) return Status(ErrorCode::kEmptyInput, "no training words");

  auto tagger = std::unique_ptr<PosTagger>(new PosTagger());
  if (!options.lexicon.empty()) {
    auto lexicon = read_lexicon(options.lexicon);
    if (!lexicon.ok()) return lexicon.status();
    tagger->lexicon_ = std::move(lexicon).value();
  }
  std::vector<std::vector<WordInfo>> infos;
  std::vector<std::vector<uint64_t>> static_keys;
  infos.reserve(train.size());
  static_keys.reserve(train.size());
  for (const TaggedSentence& s : train) {
    const std::vector<std::string_view> views(s.words.begin(), s.words.end());
    infos.push_back(sentence_info(views, tagger->lexicon_.get(), nullptr, nullptr));
    static_keys.push_back(static_features(infos.back(), nullptr));
  }
  const std::vector<Target> targets = options.joint_labels
                                          ? std::vector<Target>{Target::kJoint}
                                          : std::vector<Target>{Target::kXpos, Target::kUpos};
  for (const Target target : targets) {
    for (const bool right_to_left : {false, true}) {
      if (right_to_left && !options.bidirectional) continue;
      Trainer trainer(target, right_to_left, train, options);
      auto model = trainer.run(infos, static_keys, log);
      if (!model.ok()) return model.status();
      tagger->models_.push_back(std::move(model).value());
    }
  }

  // The word cache: the most frequent training forms (ties by form, for determinism).
  {
    std::unordered_map<std::string_view, size_t> counts;
    for (const TaggedSentence& s : train) {
      for (const std::string& w : s.words) ++counts[w];
    }
    std::vector<std::pair<std::string_view, size_t>> by_count(counts.begin(), counts.end());
    std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (by_count.size() > options.cache_words) by_count.resize(options.cache_words);
    std::vector<std::string> words;
    words.reserve(by_count.size());
    for (const auto& entry : by_count) words.emplace_back(entry.first);
    std::sort(words.begin(), words.end());
    tagger->build_word_cache(std::move(words));
  }

  // Score dev for the record.
  size_t dev_words = 0;
  size_t upos_ok = 0;
  size_t xpos_ok = 0;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  for (const TaggedSentence& s : dev) {
    const std::vector<std::string_view> views(s.words.begin(), s.words.end());
    tagger->tag(views, upos, xpos);
    for (size_t i = 0; i < s.words.size(); ++i) {
      upos_ok += upos[i] == s.upos[i] ? 1 : 0;
      xpos_ok += xpos[i] == s.xpos[i] ? 1 : 0;
    }
    dev_words += s.words.size();
  }
  const auto share = [](size_t a, size_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };

  size_t features = 0;
  size_t weights = 0;
  for (const auto& m : tagger->models_) features += m->weights.keys.size(), weights += m->weights.entry_class.size();
  nlohmann::ordered_json config;
  config["format_version"] = kPosModelFormatVersion;
  config["feature_fingerprint"] = hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source}, {"sentences", train.size()}, {"words", train_words}};
  config["dev"] = {{"source", options.dev_source}, {"sentences", dev.size()}, {"words", dev_words}};
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"joint_labels", options.joint_labels},
                       {"bidirectional", options.bidirectional},
                       {"tagdict_min_count", options.tagdict_min_count},
                       {"tagdict_min_share", options.tagdict_min_share},
                       {"prune_below", options.prune_below},
                       {"cache_words", options.cache_words},
                       {"lexicon", std::filesystem::path(options.lexicon).filename().string()},
                       {"lexicon_forms", tagger->lexicon_ ? tagger->lexicon_->keys.size() : 0}};
  config["dev_scores"] = {{"upos_accuracy", share(upos_ok, dev_words)},
                          {"xpos_accuracy", share(xpos_ok, dev_words)}};
  config["model"] = {{"features", features}, {"weights", weights}};
  tagger->config_json_ = config.dump();
  if (log != nullptr && dev_words > 0) {
    *log << "dev: UPOS " << share(upos_ok, dev_words) << ", XPOS " << share(xpos_ok, dev_words) << " over "
         << dev_words << " words\n";
  }
  return tagger;
}

namespace {
// This build's kind of POS model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kPosModelFormatVersion, PosTagger::feature_fingerprint(), "POS model"};
}
}  // namespace

Status PosTagger::save(const std::filesystem::path& path) const {
  Writer w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  const size_t lexicon_size = lexicon_ ? lexicon_->keys.size() : 0;
  w.u32(static_cast<uint32_t>(lexicon_size));
  for (size_t i = 0; i < lexicon_size; ++i) w.u64(lexicon_->keys[i]);
  for (size_t i = 0; i < lexicon_size; ++i) w.u16(lexicon_->classes[i]);
  const size_t cache_size = word_cache_ ? word_cache_->words.size() : 0;
  w.u32(static_cast<uint32_t>(cache_size));
  for (size_t i = 0; i < cache_size; ++i) w.str(word_cache_->words[i]);
  w.u32(static_cast<uint32_t>(models_.size()));
  for (const auto& m : models_) write_model(*m, w);
  return perceptron::finish_model_file(w, path);
}

Result<std::unique_ptr<PosTagger>> PosTagger::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt POS model: " + std::string(why));
  };
  Reader r(file->payload());
  auto tagger = std::unique_ptr<PosTagger>(new PosTagger());
  tagger->config_json_ = r.str();
  const uint32_t lexicon_size = r.u32();
  if (!r.have(uint64_t{lexicon_size} * (sizeof(uint64_t) + sizeof(uint16_t)))) return corrupt("truncated");
  if (lexicon_size > 0) {
    auto lexicon = std::make_unique<Lexicon>();
    lexicon->keys.resize(lexicon_size);
    lexicon->classes.resize(lexicon_size);
    for (uint64_t& k : lexicon->keys) k = r.u64();
    for (uint16_t& c : lexicon->classes) c = r.u16();
    for (size_t i = 0; i < lexicon_size; ++i) {
      if (lexicon->keys[i] == 0 || (i > 0 && lexicon->keys[i] <= lexicon->keys[i - 1]))
        return corrupt("lexicon keys not sorted");
    }
    lexicon->index.build(lexicon->keys);
    tagger->lexicon_ = std::move(lexicon);
  }
  const uint32_t cache_size = r.u32();
  if (!r.have(uint64_t{cache_size} * sizeof(uint32_t))) return corrupt("truncated");
  std::vector<std::string> cache_words;
  cache_words.reserve(cache_size);
  for (uint32_t i = 0; i < cache_size && !r.truncated; ++i) cache_words.push_back(r.str());
  const uint32_t n_models = r.u32();
  if (r.truncated) return corrupt("truncated");
  if (n_models == 0 || n_models > kMaxModels) return corrupt(std::to_string(n_models) + " models");
  for (uint32_t i = 0; i < n_models; ++i) {
    auto model = std::make_unique<Model>();
    if (std::string why = read_model(r, *model); !why.empty()) return corrupt(why);
    tagger->models_.push_back(std::move(model));
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  // The layout train() writes: per target (joint; or XPOS then UPOS) a left-to-right model,
  // optionally followed by a right-to-left one with the same labels.
  std::vector<Target> targets;
  for (size_t i = 0; i < tagger->models_.size(); ++i) {
    const Model& m = *tagger->models_[i];
    if (m.right_to_left) {
      const bool pairs = i > 0 && !tagger->models_[i - 1]->right_to_left &&
                         tagger->models_[i - 1]->target == m.target &&
                         tagger->models_[i - 1]->labels == m.labels;
      if (!pairs) return corrupt("a right-to-left model without its left-to-right twin");
    } else {
      targets.push_back(m.target);
    }
  }
  const bool layout_ok = targets == std::vector<Target>{Target::kJoint} ||
                         targets == std::vector<Target>{Target::kXpos, Target::kUpos};
  if (!layout_ok) return corrupt("unexpected combination of models");
  tagger->build_word_cache(std::move(cache_words));
  return tagger;
}

std::vector<TaggedSentence> tagged_sentences(const std::vector<ConlluSentence>& conllu) {
  std::vector<TaggedSentence> out;
  out.reserve(conllu.size());
  for (const ConlluSentence& s : conllu) {
    TaggedSentence t;
    t.words.reserve(s.words.size());
    t.upos.reserve(s.words.size());
    t.xpos.reserve(s.words.size());
    for (const ConlluWord& w : s.words) {
      t.words.push_back(w.form);
      t.upos.push_back(w.upos);
      t.xpos.push_back(w.xpos);
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TaggedSentence>> read_tagged_sentences(const std::filesystem::path& path) {
  auto conllu = read_conllu(path);
  if (!conllu.ok()) return conllu.status();
  return tagged_sentences(conllu.value());
}

}  // namespace caspian::nlp
