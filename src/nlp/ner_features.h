// Internal helpers of the named-entity recogniser (nlp/ner_tagger.cc): a flat hash index over
// pre-hashed keys and bounds-checked little-endian model-file writing and reading.
//
// These mirror the private helpers of nlp/pos_tagger.cc (which keeps its own copies in an anonymous
// namespace); they live in their own header so that the two can be merged into one shared
// perceptron header without touching either tagger's logic.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caspian::nlp::ner_detail {

// Maps non-zero 64-bit keys (already well-mixed hashes) to uint32 values. Hand-written because the
// keys are hashes already (std::unordered_map would hash them again and allocate a node per key)
// and because a flat, power-of-two, linear-probing table is ~2x faster on the tagging hot path.
class FlatIndex {
 public:
  static constexpr uint32_t kMissing = 0xFFFFFFFF;

  // Requires: keys non-zero and distinct.
  void build(const std::vector<uint64_t>& keys) {
    size_t capacity = 16;
    while (capacity < 2 * keys.size()) capacity *= 2;  // load factor <= 0.5
    keys_.assign(capacity, 0);
    values_.assign(capacity, kMissing);
    mask_ = capacity - 1;
    for (size_t i = 0; i < keys.size(); ++i) {
      size_t slot = keys[i] & mask_;
      while (keys_[slot] != 0) slot = (slot + 1) & mask_;
      keys_[slot] = keys[i];
      values_[slot] = static_cast<uint32_t>(i);
    }
  }

  // The index of `key` in the vector given to build(), or kMissing. Requires key != 0.
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

// The weight rows of a linear model with a few labels, for fast batched scoring: one open-
// addressing table of (key, row) slots and one dense array of n_labels floats per row (expanded
// from the model file's sparse rows on load: a dense row is two cache lines and a vectorised add,
// where scattered (label, weight) entries cost more instructions and lines). Scoring a word's ~50
// features is bound by cache misses, so add_scores() probes in two passes, prefetching every slot
// and then every row before reading them (the misses overlap instead of queueing).
class WeightTable {
 public:
  // Requires: keys sorted, distinct and non-zero; row r's entries are [row_end[r-1], row_end[r]);
  // every label < n_labels.
  void build(size_t n_labels, const std::vector<uint64_t>& keys, const std::vector<uint32_t>& row_end,
             const std::vector<uint8_t>& labels, const std::vector<float>& weights) {
    n_labels_ = n_labels;
    size_t capacity = 16;
    while (capacity < 2 * keys.size()) capacity *= 2;  // load factor <= 0.5
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    rows_.assign(keys.size() * n_labels, 0.0F);
    for (size_t i = 0; i < keys.size(); ++i) {
      size_t slot = keys[i] & mask_;
      while (slots_[slot].key != 0) slot = (slot + 1) & mask_;
      slots_[slot] = Slot{keys[i], static_cast<uint64_t>(i * n_labels)};
      for (uint32_t e = i == 0 ? 0 : row_end[i - 1]; e < row_end[i]; ++e)
        rows_[i * n_labels + labels[e]] = weights[e];
    }
  }

  // Adds the weights of the n features `keys` (non-zero) to `scores` (n_labels floats).
  void add_scores(const uint64_t* keys, size_t n, float* scores) const {
    if (slots_.empty()) return;
    constexpr size_t kBatch = 64;
    constexpr size_t kLine = 64;
    std::array<const float*, kBatch> found{};
    for (size_t base = 0; base < n; base += kBatch) {
      const size_t m = std::min(kBatch, n - base);
      for (size_t f = 0; f < m; ++f) __builtin_prefetch(&slots_[keys[base + f] & mask_]);
      size_t hits = 0;
      for (size_t f = 0; f < m; ++f) {
        const uint64_t key = keys[base + f];
        for (size_t slot = key & mask_;; slot = (slot + 1) & mask_) {
          const Slot& s = slots_[slot];
          if (s.key == key) {
            const float* row = rows_.data() + s.row;
            __builtin_prefetch(row);
            __builtin_prefetch(reinterpret_cast<const char*>(row) + kLine);
            found[hits++] = row;
            break;
          }
          if (s.key == 0) break;
        }
      }
      for (size_t h = 0; h < hits; ++h) {
        const float* row = found[h];
        for (size_t l = 0; l < n_labels_; ++l) scores[l] += row[l];
      }
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint64_t row = 0;  // offset of the row in rows_
  };
  std::vector<Slot> slots_;
  std::vector<float> rows_;
  size_t n_labels_ = 0;
  size_t mask_ = 0;
};

// Little-endian writer of fixed-size integers and length-prefixed strings.
class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
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
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool truncated = false;
  uint8_t u8() { return static_cast<uint8_t>(get(1)); }
  uint16_t u16() { return static_cast<uint16_t>(get(2)); }
  uint32_t u32() { return static_cast<uint32_t>(get(4)); }
  uint64_t u64() { return get(8); }
  float f32() { return std::bit_cast<float>(u32()); }
  std::string str() {
    const uint32_t n = u32();
    if (!have(n)) return {};
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // Whether `n` more bytes are available; sets `truncated` if not.
  bool have(uint64_t n) {
    if (truncated || n > in_.size() - pos_) truncated = true;
    return !truncated;
  }
  [[nodiscard]] size_t remaining() const { return in_.size() - pos_; }

 private:
  uint64_t get(int n) {
    if (!have(static_cast<uint64_t>(n))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

// 16 lower-case hex digits.
inline std::string hex64(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kDigits[v & 0xF];
  return s;
}

}  // namespace caspian::nlp::ner_detail
