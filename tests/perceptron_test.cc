// Tests of the shared perceptron weights: batched scoring of several key lists (beam search) agrees
// with scoring each list alone.
#include "nlp/perceptron.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace caspian::nlp::perceptron {
namespace {

constexpr size_t kClasses = 13;

// Rows for keys 1..rows: every third row dense (all classes), the others with a few classes.
// Weights are small integers, so sums are exact in any order.
SparseWeights make_weights(size_t rows) {
  SparseWeights w;
  std::mt19937_64 rng(7);
  for (size_t r = 1; r <= rows; ++r) {
    w.keys.push_back(r * 1000003ULL);
    const size_t step = r % 3 == 0 ? 1 : 5;
    for (size_t c = r % step; c < kClasses; c += step) {
      w.entry_class.push_back(static_cast<uint16_t>(c));
      w.entry_weight.push_back(static_cast<float>(static_cast<int>(rng() % 21) - 10));
    }
    w.row_end.push_back(static_cast<uint32_t>(w.entry_class.size()));
  }
  w.index();
  return w;
}

TEST(PerceptronTest, ScoringSeveralKeyListsAgreesWithScoringEachAlone) {
  constexpr size_t kRows = 200;
  constexpr size_t kPerItem = 40;
  const SparseWeights w = make_weights(kRows);
  std::mt19937_64 rng(11);
  SparseWeights::ItemsScratch scratch;
  for (const size_t items : {1, 2, 4, 7}) {
    // Lists that share some keys at the same positions, some at other positions, and unknown keys.
    std::vector<uint64_t> keys(items * kPerItem);
    for (size_t k = 0; k < kPerItem; ++k) {
      const uint64_t shared = (1 + rng() % (kRows + 20)) * 1000003ULL;
      for (size_t i = 0; i < items; ++i) {
        keys[i * kPerItem + k] = rng() % 3 == 0 ? (1 + rng() % (kRows + 20)) * 1000003ULL : shared;
      }
    }
    constexpr size_t kStride = kClasses + 3;  // wider than the classes, as a parser's may be
    std::vector<float> batched(items * kStride, 0.0F);
    w.add_scores_items(keys, kPerItem, batched.data(), kStride, scratch);
    for (size_t i = 0; i < items; ++i) {
      std::vector<float> alone(kStride, 0.0F);
      w.add_scores(std::span<const uint64_t>(keys).subspan(i * kPerItem, kPerItem), alone.data());
      for (size_t c = 0; c < kStride; ++c) {
        EXPECT_EQ(batched[i * kStride + c], alone[c]) << items << " items, item " << i << ", class " << c;
      }
    }
  }
}

}  // namespace
}  // namespace caspian::nlp::perceptron
