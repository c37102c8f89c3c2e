#include "store/near_duplicate.h"

#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <string>

namespace caspian::store {

namespace {

constexpr size_t kSignatureSize = kBands * kRowsPerBand;
constexpr unsigned char kFirstNonAscii = 0x80;

// splitmix64: spreads a counter into well-mixed seeds, one per MinHash function.
constexpr uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

constexpr std::array<uint64_t, kSignatureSize> make_seeds() {
  std::array<uint64_t, kSignatureSize> seeds{};
  for (size_t i = 0; i < seeds.size(); ++i) seeds[i] = splitmix64(i + 1);
  return seeds;
}

// Fixed forever: changing them changes every stored band key.
constexpr std::array<uint64_t, kSignatureSize> kSeeds = make_seeds();

// MurmurHash3's 64-bit finaliser: a bijection, so x -> mix(x ^ seed) is one
// of a family of permutations of the shingle hashes.
constexpr uint64_t mix(uint64_t x) {
  x ^= x >> 33U;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33U;
  x *= 0xC4CEB9FE1A85EC53ULL;
  return x ^ (x >> 33U);
}

bool is_word_byte(unsigned char c) {
  return c >= kFirstNonAscii || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::vector<uint64_t> shingle_set(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_word_byte(c)) {
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : ch;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  if (words.size() < kNearDupMinWords) return {};

  std::vector<uint64_t> out;
  out.reserve(words.size() - kShingleWords + 1);
  std::string shingle;
  for (size_t i = 0; i + kShingleWords <= words.size(); ++i) {
    shingle.clear();
    for (size_t k = 0; k < kShingleWords; ++k) {
      if (k > 0) shingle += ' ';
      shingle += words[i + k];
    }
    out.push_back(XXH3_64bits(shingle.data(), shingle.size()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::array<int64_t, kBands> band_keys(const std::vector<uint64_t>& shingles) {
  std::array<uint64_t, kSignatureSize> signature;
  signature.fill(std::numeric_limits<uint64_t>::max());
  for (uint64_t h : shingles) {
    for (size_t i = 0; i < kSignatureSize; ++i) signature[i] = std::min(signature[i], mix(h ^ kSeeds[i]));
  }
  std::array<int64_t, kBands> keys{};
  for (size_t b = 0; b < kBands; ++b) {
    const uint64_t key =
        XXH3_64bits_withSeed(&signature[b * kRowsPerBand], kRowsPerBand * sizeof(uint64_t), b);
    keys[b] = static_cast<int64_t>(key);  // SQLite integers are signed; the bits are what matter
  }
  return keys;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace caspian::store
