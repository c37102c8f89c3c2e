// Shared pieces of caspian's averaged-perceptron models (internal): an index from hashed feature
// keys to weight rows, frozen sparse weights, an averaged-perceptron trainer over hashed features,
// and the little-endian, bounds-checked byte I/O and atomic file writing of the model files.
//
// Written for the dependency parser (src/nlp/dep_parser.cc); the part-of-speech tagger
// (src/nlp/pos_tagger.cc) has its own copies of FlatIndex and the byte readers/writers from before
// this header existed and can move onto it without changing its file format (the layouts here are
// the same: u16 class ids, f32 weights, u64 keys, u32 row ends).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/result.h"

namespace caspian::nlp::perceptron {

// Maps non-zero 64-bit keys (already well-mixed hashes) to uint32 values. Hand-written because the
// keys are hashes already (std::unordered_map would hash them again and allocate a node per key)
// and because a flat, power-of-two, linear-probing table is ~2x faster on the scoring hot path.
class FlatIndex {
 public:
  static constexpr uint32_t kMissing = 0xFFFFFFFF;

  // Indexes keys[i] -> i. Requires: keys non-zero and unique, fewer than kMissing.
  void build(std::span<const uint64_t> keys);

  // The value of `key`, or kMissing. Requires key != 0.
  [[nodiscard]] uint32_t find(uint64_t key) const {
    if (keys_.empty()) return kMissing;
    for (size_t slot = key & mask_;; slot = (slot + 1) & mask_) {
      if (keys_[slot] == key) return values_[slot];
      if (keys_[slot] == 0) return kMissing;
    }
  }

 private:
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t mask_ = 0;
};

// Little-endian serialisation with explicit sizes.
class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void f32(float v);
  // A u32 length then the bytes.
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  std::string out_;
};

// Bounds-checked little-endian reads; any read past the end sets `truncated` and returns zeros.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool truncated = false;
  uint8_t u8() { return static_cast<uint8_t>(get(1)); }
  uint16_t u16() { return static_cast<uint16_t>(get(2)); }
  uint32_t u32() { return static_cast<uint32_t>(get(4)); }
  uint64_t u64() { return get(8); }
  float f32();
  std::string str();
  // Whether `n` more bytes are available; sets `truncated` if not.
  bool have(uint64_t n) {
    if (truncated || n > in_.size() - pos_) truncated = true;
    return !truncated;
  }
  [[nodiscard]] size_t remaining() const { return in_.size() - pos_; }

 private:
  uint64_t get(int n);
  std::string_view in_;
  size_t pos_ = 0;
};

// Frozen averaged-perceptron weights: for each feature key (sorted, unique, non-zero) a row of
// (class, weight) entries sorted by class.
struct SparseWeights {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> row_end;  // entries of row r: [row_end[r-1], row_end[r])
  std::vector<uint16_t> entry_class;
  std::vector<float> entry_weight;

  // Adds the weights of every key in `feature_keys` to scores[class].
  // Requires: index() was called since the rows last changed; scores has room for every class id
  //   stored in the rows.
  void add_scores(std::span<const uint64_t> feature_keys, float* scores) const;

  // For beam search: `keys` holds `items` lists of `per_item` keys (item-major); adds the weights
  // of list i to scores[i * stride + class]. The same result as add_scores() on each list (up to
  // float rounding: see below), but a key equal to the key at the same position of an earlier list
  // is looked up once, and a key shared by every list is added once into a common sum that is then
  // added to each item (the hypotheses of a beam share most of their features).
  // Requires: as add_scores(); stride >= the number of classes; keys.size() == items * per_item.
  // Thread safety: const; safe to call concurrently.
  // `scratch` holds buffers reused across calls.
  struct ItemsScratch {
    std::vector<uint32_t> owner;   // per key: the first list with the same key at that position
    std::vector<uint32_t> unique;  // flat positions of first occurrences
    std::vector<uint32_t> found;   // per first occurrence: its slot, or kNoSlot
    std::vector<float> common;     // the rows shared by every list
  };
  void add_scores_items(std::span<const uint64_t> keys, size_t per_item, float* scores, size_t stride,
                        ItemsScratch& scratch) const;

  // Builds the lookup table used by add_scores() (done by read() and AveragedTrainer::freeze()).
  void index();

  void write(ByteWriter& w) const;
  // Reads what write() wrote and checks it (keys sorted and non-zero, offsets monotone, classes
  // below n_classes, weights finite); builds the index. Returns "" or what is wrong.
  [[nodiscard]] std::string read(ByteReader& r, size_t n_classes);

 private:
  // The lookup table: an open-addressing table whose slots hold the key and where its row is, so
  // that scoring a feature touches two cache lines, not five; keys are looked up in batches with
  // prefetching (scoring is bound by memory latency, not arithmetic). Rows with many entries (the
  // frequent features) are stored dense and added with a vectorisable loop instead of scattered.
  static constexpr uint32_t kDenseRow = 0xFFFFFFFF;  // Slot::count of a dense row
  struct Slot {
    uint64_t key = 0;
    uint32_t begin = 0;  // first entry, or first float of a dense row
    uint32_t count = 0;  // entries, or kDenseRow
  };
  struct Entry {
    uint32_t cls = 0;
    float weight = 0;
  };
  static constexpr uint32_t kNoSlot = 0xFFFFFFFF;
  // The index of the slot of `key`, or kNoSlot; prefetches its row. Prefetch slots_[key & mask_]
  // first to overlap misses.
  [[nodiscard]] uint32_t find(uint64_t key) const;
  // scores[c] += the row of `s`, for every class c in the row.
  void add_row(const Slot& s, float* scores) const;

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::vector<float> dense_;  // dense rows, n_classes_ floats each
  size_t n_classes_ = 0;
  size_t mask_ = 0;
};

// Trains an averaged perceptron over hashed features, with Daumé's lazy averaging
// (avg = w - u / c, u accumulating c * delta, c counting instances).
// Thread safety: none (one trainer per thread).
class AveragedTrainer {
 public:
  // Adds the current (not averaged) weights of `feature_keys` to scores[class].
  void add_scores(std::span<const uint64_t> feature_keys, float* scores) const;
  // Adds `delta` to the weight of `cls` for every key.
  void update(std::span<const uint64_t> feature_keys, uint16_t cls, float delta);
  // Counts one training instance (call once per decision, updated or not).
  void tick() { ++instances_; }
  [[nodiscard]] size_t features() const { return rows_.size(); }
  // The averaged weights, dropping those smaller than `prune_below` in magnitude; deterministic
  // (rows sorted by key, entries by class).
  [[nodiscard]] SparseWeights freeze(float prune_below) const;

 private:
  struct Weight {
    uint16_t cls = 0;
    float w = 0;
    double u = 0;
  };
  std::unordered_map<uint64_t, std::vector<Weight>> rows_;
  uint64_t instances_ = 1;
};

// --- model files. Every caspian model file is framed the same way: 8 magic bytes, the format
// version (u32), the feature-set fingerprint (u64), the model's own payload, then an XXH3-64
// checksum of everything before it (all integers little-endian).

// What identifies one kind of model file.
struct ModelFileKind {
  std::array<char, 8> magic{};
  uint32_t version = 0;      // the format version this build writes (and the newest it reads)
  uint64_t fingerprint = 0;  // the feature set this build extracts
  std::string_view what;     // for messages: "POS model", "parser model", "NER model"
  uint32_t oldest = 0;       // the oldest format version this build still reads (0: only `version`)
};

// A writer positioned after the frame's header (magic, version, fingerprint).
[[nodiscard]] ByteWriter begin_model_file(const ModelFileKind& kind);

// Appends the checksum to `w` and writes it to `path` atomically.
// Errors: kIoError naming the file.
[[nodiscard]] Status finish_model_file(ByteWriter& w, const std::filesystem::path& path);

// A model file read and checked by read_model_file(): its bytes and where the payload lies.
struct ModelFile {
  std::string bytes;
  uint32_t version = 0;  // the file's format version (within the kind's oldest..version)
  size_t payload_begin = 0;
  size_t payload_end = 0;
  [[nodiscard]] std::string_view payload() const {
    return std::string_view(bytes).substr(payload_begin, payload_end - payload_begin);
  }
};

// Reads a model file of `kind` and checks its frame.
// Errors: kNotFound, kIoError; kCorrupt ("<file>: not a caspian <what> (bad magic bytes)",
//   "<file>: corrupt <what>: truncated" or "...: checksum mismatch (truncated or damaged)", or too
//   large); kUnsupportedVersion ("<file>: <what> format version N, this build reads version M" (or
//   "versions L to M"), or
//   "<file>: <what> trained with feature set X, this build extracts Y; retrain the model").
[[nodiscard]] Result<ModelFile> read_model_file(const std::filesystem::path& path, const ModelFileKind& kind);

// --- word helpers shared by the taggers' feature extractors. Their output enters the features, and
// so the models: changing one changes every model's features (retrain, and bump the fingerprints).

// Whether every byte is ASCII.
[[nodiscard]] bool is_ascii(std::string_view s);
// The word lower-cased (Unicode case folding beyond ASCII), with ASCII digits mapped to '0', into
// `out` (whose buffer is reused: the form callers on hot paths want).
void normalize_word(std::string_view word, std::string& out);
// The same, returned.
[[nodiscard]] std::string normalize_word(std::string_view word);
// Decodes the code point at `pos` (advancing it); an invalid byte decodes to -1 and advances by one.
// Requires pos < s.size().
[[nodiscard]] int32_t next_code_point(std::string_view s, size_t& pos);
// The shape class of a code point: 'X' upper-case or title-case letter, 'x' other letter, 'd'
// decimal digit, the character itself for other ASCII, '*' other, '?' for an invalid byte (-1).
[[nodiscard]] char shape_class(int32_t cp);

// The prefixes and suffixes of `word` of 1..N code points (prefix[k] and suffix[k] have k + 1, or
// are the whole word when it is shorter), never splitting a UTF-8 sequence: a prefix ends before a
// lead byte, a suffix starts at one. The views point into `word`.
template <size_t N>
void affixes(std::string_view word, std::array<std::string_view, N>& prefix,
             std::array<std::string_view, N>& suffix) {
  const auto is_continuation = [&](size_t pos) {
    return (static_cast<unsigned char>(word[pos]) & 0xC0) == 0x80;
  };
  size_t prefix_end = 0;
  size_t suffix_begin = word.size();
  for (size_t k = 0; k < N; ++k) {
    if (prefix_end < word.size()) {
      ++prefix_end;
      while (prefix_end < word.size() && is_continuation(prefix_end)) ++prefix_end;
    }
    if (suffix_begin > 0) {
      --suffix_begin;
      while (suffix_begin > 0 && is_continuation(suffix_begin)) --suffix_begin;
    }
    prefix[k] = word.substr(0, prefix_end);
    suffix[k] = word.substr(suffix_begin);
  }
}

// "0123456789abcdef"-style 16-digit hex.
[[nodiscard]] std::string hex64(uint64_t v);

// Writes `bytes` to `path` atomically (a temporary file renamed into place).
// Errors: kIoError naming the file.
[[nodiscard]] Status write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file of at most `max_bytes`.
// Errors: kNotFound, kIoError; kCorrupt ("<file>: too large for <what>"). Messages name the file.
[[nodiscard]] Result<std::string> read_small_file(const std::filesystem::path& path, uint64_t max_bytes,
                                                  std::string_view what);

}  // namespace caspian::nlp::perceptron
