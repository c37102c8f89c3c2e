#include "train/ner_clusters.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string_view>
#include <unordered_map>

#include "caspian/document.h"
#include "nlp/conllu.h"
#include "nlp/tokenizer.h"

namespace caspian::nlp {
namespace {

// Context offsets whose words describe a word.
constexpr std::array<int, 4> kOffsets = {-2, -1, 1, 2};
// Each cluster of one granularity is split into this many at the next (64 -> 256 -> 1024).
constexpr uint32_t kSplit = 4;
static_assert(kNerClusterSizes[1] == kNerClusterSizes[0] * kSplit &&
              kNerClusterSizes[2] == kNerClusterSizes[1] * kSplit);

// +1 or -1, a fixed pseudo-random function of (context dimension, projected dimension).
float projection_sign(uint64_t dim, uint64_t d, uint64_t seed) {
  const std::array<uint64_t, 2> packed = {dim, d};
  return (XXH3_64bits_withSeed(packed.data(), sizeof(packed), seed) & 1) != 0 ? 1.0F : -1.0F;
}

// Spherical k-means of the unit vectors `members` (rows of `vecs`, `dims` wide) into k clusters;
// returns each member's cluster. Deterministic: initial centroids are k distinct members chosen by
// `rng` (Fisher-Yates prefix).
std::vector<uint32_t> kmeans(const std::vector<float>& vecs, size_t dims,
                             const std::vector<uint32_t>& members, uint32_t k, int iterations,
                             std::mt19937_64& rng) {
  std::vector<uint32_t> assign(members.size(), 0);
  if (members.size() <= k) {
    for (size_t i = 0; i < members.size(); ++i) assign[i] = static_cast<uint32_t>(i);
    return assign;
  }
  std::vector<uint32_t> pick(members.begin(), members.end());
  for (uint32_t i = 0; i < k; ++i) std::swap(pick[i], pick[i + rng() % (pick.size() - i)]);
  std::vector<float> centroids(k * dims);
  for (uint32_t c = 0; c < k; ++c)
    std::copy_n(vecs.begin() + static_cast<ptrdiff_t>(pick[c] * dims), dims, centroids.begin() + c * dims);
  std::vector<float> sums(k * dims);
  std::vector<uint32_t> sizes(k);
  for (int it = 0; it < iterations; ++it) {
    for (size_t i = 0; i < members.size(); ++i) {
      const float* v = vecs.data() + static_cast<size_t>(members[i]) * dims;
      float best = -INFINITY;
      for (uint32_t c = 0; c < k; ++c) {
        const float* z = centroids.data() + c * dims;
        float dot = 0;
        for (size_t d = 0; d < dims; ++d) dot += v[d] * z[d];
        if (dot > best) best = dot, assign[i] = c;
      }
    }
    std::fill(sums.begin(), sums.end(), 0.0F);
    std::fill(sizes.begin(), sizes.end(), 0);
    for (size_t i = 0; i < members.size(); ++i) {
      const float* v = vecs.data() + static_cast<size_t>(members[i]) * dims;
      float* s = sums.data() + assign[i] * dims;
      for (size_t d = 0; d < dims; ++d) s[d] += v[d];
      ++sizes[assign[i]];
    }
    for (uint32_t c = 0; c < k; ++c) {
      if (sizes[c] == 0) continue;  // an empty cluster keeps its centroid
      float* s = sums.data() + c * dims;
      double norm = 0;
      for (size_t d = 0; d < dims; ++d) norm += static_cast<double>(s[d]) * s[d];
      if (norm <= 0) continue;
      const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
      for (size_t d = 0; d < dims; ++d) centroids[c * dims + d] = s[d] * inv;
    }
  }
  return assign;
}

void add_text(std::string_view text, std::vector<std::vector<std::string>>& sentences) {
  std::vector<Token> tokens;
  std::vector<Sentence> sents;
  tokenize(text, tokens, sents);
  for (const Sentence& s : sents) {
    std::vector<std::string> words;
    words.reserve(s.token_count);
    for (uint32_t t = s.first_token; t < s.first_token + s.token_count; ++t)
      words.emplace_back(text.substr(tokens[t].span.begin, tokens[t].span.end - tokens[t].span.begin));
    sentences.push_back(std::move(words));
  }
}

}  // namespace

WordClusters learn_word_clusters(const std::vector<std::vector<std::string>>& sentences,
                                 const ClusterOptions& options, std::ostream* log) {
  WordClusters out;
  std::unordered_map<std::string_view, uint64_t> counts;
  size_t tokens = 0;
  for (const auto& s : sentences) {
    for (const std::string& w : s) ++counts[w], ++tokens;
  }
  std::vector<std::pair<std::string_view, uint64_t>> by_freq;
  for (const auto& [w, c] : counts) {
    if (c >= static_cast<uint64_t>(options.min_count)) by_freq.emplace_back(w, c);
  }
  std::sort(by_freq.begin(), by_freq.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (by_freq.size() > static_cast<size_t>(options.vocabulary))
    by_freq.resize(static_cast<size_t>(options.vocabulary));
  const size_t v_size = by_freq.size();
  const size_t c_size = std::min(v_size, static_cast<size_t>(options.context));
  if (v_size == 0) return out;
  std::unordered_map<std::string_view, uint32_t> ids;
  for (size_t i = 0; i < v_size; ++i) ids.emplace(by_freq[i].first, static_cast<uint32_t>(i));

  // (word, offset, context word) co-occurrences as packed integers, sorted and counted.
  const uint64_t dims_in = kOffsets.size() * c_size;
  std::vector<uint64_t> pairs;
  std::vector<uint32_t> sid;
  for (const auto& s : sentences) {
    sid.assign(s.size(), UINT32_MAX);
    for (size_t i = 0; i < s.size(); ++i) {
      const auto it = ids.find(s[i]);
      if (it != ids.end()) sid[i] = it->second;
    }
    for (size_t i = 0; i < s.size(); ++i) {
      if (sid[i] == UINT32_MAX) continue;
      for (size_t o = 0; o < kOffsets.size(); ++o) {
        const auto j = static_cast<ptrdiff_t>(i) + kOffsets[o];
        if (j < 0 || j >= static_cast<ptrdiff_t>(s.size())) continue;
        const uint32_t c = sid[static_cast<size_t>(j)];
        if (c >= c_size) continue;
        pairs.push_back(sid[i] * dims_in + o * c_size + c);
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::vector<double> word_total(v_size, 0);
  std::vector<double> dim_total(dims_in, 0);
  for (const uint64_t p : pairs) ++word_total[p / dims_in], ++dim_total[p % dims_in];
  const auto total = static_cast<double>(pairs.size());

  // PPMI-weighted context vectors, randomly projected, unit-normalised.
  const auto dims = static_cast<size_t>(options.dimensions);
  std::vector<float> proj_cache(dims_in * dims);
  for (uint64_t d_in = 0; d_in < dims_in; ++d_in) {
    for (size_t d = 0; d < dims; ++d) proj_cache[d_in * dims + d] = projection_sign(d_in, d, options.seed);
  }
  std::vector<float> vecs(v_size * dims, 0.0F);
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    const uint64_t w = pairs[i] / dims_in;
    const uint64_t d_in = pairs[i] % dims_in;
    const double pmi = std::log(static_cast<double>(j - i) * total / (word_total[w] * dim_total[d_in]));
    if (pmi > 0) {
      float* v = vecs.data() + w * dims;
      const float* r = proj_cache.data() + d_in * dims;
      for (size_t d = 0; d < dims; ++d) v[d] += static_cast<float>(pmi) * r[d];
    }
    i = j;
  }
  std::vector<uint32_t> members;
  for (size_t w = 0; w < v_size; ++w) {
    float* v = vecs.data() + w * dims;
    double norm = 0;
    for (size_t d = 0; d < dims; ++d) norm += static_cast<double>(v[d]) * v[d];
    if (norm <= 0) continue;
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (size_t d = 0; d < dims; ++d) v[d] *= inv;
    members.push_back(static_cast<uint32_t>(w));
  }

  // Hierarchical: k-means into the coarsest clusters, then each cluster split in kSplit.
  std::mt19937_64 rng(options.seed);
  std::vector<std::array<uint16_t, kNerClusterSizes.size()>> cluster(v_size);
  const std::vector<uint32_t> top = kmeans(vecs, dims, members, kNerClusterSizes[0], options.iterations, rng);
  for (size_t i = 0; i < members.size(); ++i) cluster[members[i]][0] = static_cast<uint16_t>(top[i]);
  for (size_t level = 1; level < kNerClusterSizes.size(); ++level) {
    std::vector<std::vector<uint32_t>> groups(kNerClusterSizes[level - 1]);
    for (const uint32_t w : members) groups[cluster[w][level - 1]].push_back(w);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].empty()) continue;
      const std::vector<uint32_t> sub = kmeans(vecs, dims, groups[g], kSplit, options.iterations, rng);
      for (size_t i = 0; i < groups[g].size(); ++i)
        cluster[groups[g][i]][level] = static_cast<uint16_t>(g * kSplit + sub[i]);
    }
  }
  std::vector<uint32_t> order(members);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return by_freq[a].first < by_freq[b].first; });
  for (const uint32_t w : order) {
    out.words.emplace_back(by_freq[w].first);
    out.ids.push_back(cluster[w]);
  }
  if (log != nullptr) {
    *log << "clusters: " << out.words.size() << " words from " << tokens << " tokens, " << sentences.size()
         << " sentences, " << pairs.size() << " context pairs\n";
  }
  return out;
}

Status read_unlabelled_text(const std::filesystem::path& path,
                            std::vector<std::vector<std::string>>& sentences) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  const std::string name = path.filename().string();
  const bool jsonl = name.ends_with(".jsonl") || name.ends_with(".jsonl.gz");
  if (!jsonl) {
    add_text(*bytes, sentences);
    return Status::Ok();
  }
  const std::string_view all(*bytes);
  size_t pos = 0;
  while (pos < all.size()) {
    size_t eol = all.find('\n', pos);
    if (eol == std::string_view::npos) eol = all.size();
    const std::string_view line = all.substr(pos, eol - pos);
    pos = eol + 1;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object()) continue;
    for (const char* field : {"title", "body", "text"}) {
      const auto it = record.find(field);
      if (it != record.end() && it->is_string()) add_text(it->get_ref<const std::string&>(), sentences);
    }
  }
  return Status::Ok();
}

}  // namespace caspian::nlp
