// Internal helpers of the named-entity recogniser (nlp/ner_model.h, ner_tagger.cc): its dense-row weight
// table, and the shared perceptron helpers (flat hash index, model-file bytes) under the names it uses.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/perceptron.h"

namespace caspian::nlp::ner_detail {

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

// The shared perceptron helpers (nlp/perceptron.h), under the names this recogniser uses.
using FlatIndex = perceptron::FlatIndex;
using Writer = perceptron::ByteWriter;
using Reader = perceptron::ByteReader;
using perceptron::hex64;

}  // namespace caspian::nlp::ner_detail
