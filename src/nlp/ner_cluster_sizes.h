// The granularities of the named-entity recogniser's word clusters, shared by the NER model (each
// word's cluster ids, stored in the model file) and the clustering that learns them at training time
// (train/ner_clusters.h). Changing them changes the model file format.
#pragma once

#include <array>
#include <cstdint>

namespace caspian::nlp {

// Granularities of the clustering (numbers of clusters), coarse to fine.
inline constexpr std::array<uint32_t, 3> kNerClusterSizes = {64, 256, 1024};

}  // namespace caspian::nlp
