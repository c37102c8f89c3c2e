// Internal: near-duplicate detection by MinHash over word 4-shingles, with
// locality-sensitive hashing (LSH) bands to find candidates in an index.
//
// Why MinHash and not SimHash: a 64-bit SimHash at Hamming distance <= 3
// only matches texts whose shingle vectors have cosine >= ~0.99, so a wire
// story with another byline and a copyright footer (Jaccard ~0.9) is often
// missed. MinHash estimates Jaccard similarity directly; the banding finds
// every pair above the threshold with high probability, and each candidate
// is then verified exactly on its stored text. Thresholds: docs/schema.md.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace caspian::store {

inline constexpr size_t kShingleWords = 4;
// Texts (bodies) with fewer words are never near-duplicates of anything: a
// two-line teaser says too little to tell a copy from a similar story.
inline constexpr size_t kNearDupMinWords = 50;
// Two bodies are copies when the Jaccard similarity of their sets of word
// 4-shingles is at least this.
inline constexpr double kNearDupJaccard = 0.7;
// LSH: kBands bands of kRowsPerBand MinHash values each. A pair of Jaccard
// similarity s shares at least one band with probability 1 - (1 - s^3)^20:
// 0.99998 at s = 0.7, 0.15 at s = 0.2.
inline constexpr size_t kBands = 20;
inline constexpr size_t kRowsPerBand = 3;

// The sorted, distinct XXH3-64 hashes of the word 4-shingles of `text`.
// Words are maximal runs of ASCII letters and digits and non-ASCII bytes,
// ASCII letters lower-cased; everything else separates words. Empty when
// `text` has fewer than kNearDupMinWords words.
std::vector<uint64_t> shingle_set(std::string_view text);

// The LSH band keys of a non-empty shingle set (MinHash signature of
// kBands * kRowsPerBand values, each band hashed with its index).
std::array<int64_t, kBands> band_keys(const std::vector<uint64_t>& shingles);

// |a ∩ b| / |a ∪ b| of two sorted distinct sets (0 when both are empty).
double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace caspian::store
