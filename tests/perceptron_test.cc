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

TEST(PerceptronTest, RowsWithoutEntriesAreIndexedAndScoreNothing) {
  // A model file may hold keys whose rows are empty, even with no entry in any row.
  SparseWeights w;
  w.keys = {11, 22};
  w.row_end = {0, 0};
  w.index();
  std::vector<float> scores(kClasses, 1.0F);
  const std::vector<uint64_t> keys = {11, 22, 33};
  w.add_scores(keys, scores.data());
  EXPECT_EQ(scores, std::vector<float>(kClasses, 1.0F));
  // Among rows with entries too.
  SparseWeights mixed = make_weights(6);
  mixed.keys.push_back(7 * 1000003ULL);
  mixed.row_end.push_back(mixed.row_end.back());
  mixed.index();
  std::vector<float> with_empty(kClasses, 0.0F);
  std::vector<float> without(kClasses, 0.0F);
  const std::vector<uint64_t> all = {1000003ULL, 3 * 1000003ULL, 7 * 1000003ULL};
  mixed.add_scores(all, with_empty.data());
  make_weights(6).add_scores(all, without.data());
  EXPECT_EQ(with_empty, without);
}

}  // namespace
}  // namespace caspian::nlp::perceptron
