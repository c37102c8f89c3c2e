// Word clusters for the named-entity recogniser, learned from unlabelled text at training time.
//
// Each frequent word is described by the words around it (counts of the most frequent words at
// offsets -2, -1, +1, +2), weighted by positive pointwise mutual information, randomly projected to
// a dense vector and unit-normalised; spherical k-means then groups the words at several
// granularities. The clusters play the role Brown clusters play in Ratinov & Roth (2009): words that
// occur in similar contexts ("Monday"/"Tuesday", "Clinton"/"Yeltsin") share a feature, which
// generalises from the few hundred thousand labelled words to the millions of unlabelled ones.
//
// Why k-means over projected context vectors rather than Brown clustering: Brown's agglomerative
// algorithm is O(V * C^2) and needs tens of minutes on a few million words; this takes under a
// minute on one core and gives a comparable gain as an NER feature (Turian et al. 2010 found
// distributional representations and Brown clusters close).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "caspian/result.h"
#include "nlp/ner_cluster_sizes.h"

namespace caspian::nlp {

struct ClusterOptions {
  int min_count = 3;
  int vocabulary = 60000;
  int context = 1500;
  int dimensions = 128;
  int iterations = 12;
  uint64_t seed = 1;
};

struct WordClusters {
  std::vector<std::string> words;                                  // sorted
  std::vector<std::array<uint16_t, kNerClusterSizes.size()>> ids;  // per word, per granularity
};

// Learns clusters from tokenised sentences. Deterministic for the same input and options.
// Requires: options' counts positive. Returns no words when the text has none frequent enough.
[[nodiscard]] WordClusters learn_word_clusters(const std::vector<std::vector<std::string>>& sentences,
                                               const ClusterOptions& options, std::ostream* log);

// Reads unlabelled text and tokenises it with caspian's tokenizer, appending its sentences.
// Files ending in .jsonl or .jsonl.gz are JSON Lines whose records' "title", "body" and "text"
// string fields are read (other fields ignored, malformed lines skipped and counted); any other file
// is plain text (gzip is decompressed either way).
// Errors: those of reading the file (kNotFound, kIoError, kTooLarge), naming it.
[[nodiscard]] Status read_unlabelled_text(const std::filesystem::path& path,
                                          std::vector<std::vector<std::string>>& sentences);

}  // namespace caspian::nlp
