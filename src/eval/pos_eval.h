// Scores a PosTagger against a CoNLL-U treebank (`caspian eval pos`): UPOS and XPOS accuracy over the
// treebank's own syntactic words (gold tokenisation; multiword tokens and empty nodes are not
// words), and the most frequent confusions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "caspian/result.h"
#include "nlp/pos_tagger.h"

namespace caspian::nlp {

// How often gold tag `gold` was tagged `system`.
struct TagConfusion {
  std::string gold;
  std::string system;
  size_t count = 0;
};

struct PosEvalReport {
  std::string source;  // the evaluated file
  size_t sentences = 0;
  size_t words = 0;
  size_t upos_correct = 0;
  size_t xpos_correct = 0;
  size_t both_correct = 0;                    // UPOS and XPOS both right
  double tag_seconds = 0;                     // thread CPU time spent in PosTagger::tag
  std::vector<TagConfusion> upos_confusions;  // the most frequent, most frequent first
  std::vector<TagConfusion> xpos_confusions;

  [[nodiscard]] double upos_accuracy() const {
    return words == 0 ? 0.0 : static_cast<double>(upos_correct) / words;
  }
  [[nodiscard]] double xpos_accuracy() const {
    return words == 0 ? 0.0 : static_cast<double>(xpos_correct) / words;
  }
  [[nodiscard]] double both_accuracy() const {
    return words == 0 ? 0.0 : static_cast<double>(both_correct) / words;
  }
};

// How many confusions PosEvalReport keeps per tag set.
inline constexpr size_t kPosReportConfusions = 10;

// Tags every sentence of `conllu` (plain or gzip) with `tagger` and compares with the gold tags.
// Errors: those of read_conllu() (kNotFound, kIoError, kTooLarge, kInvalidUtf8, kParseError,
//   kEmptyInput), naming the file.
// Thread safety: safe to call concurrently (tagging is const).
[[nodiscard]] Result<PosEvalReport> evaluate_pos(const PosTagger& tagger,
                                                 const std::filesystem::path& conllu);

// Same, on sentences already in memory (source is set to "<memory>").
[[nodiscard]] PosEvalReport evaluate_pos(const PosTagger& tagger, const std::vector<TaggedSentence>& gold);

// A human-readable, multi-line summary: accuracies and the top confusions.
[[nodiscard]] std::string format_report(const PosEvalReport& report);

}  // namespace caspian::nlp
