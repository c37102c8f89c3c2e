// Scores named-entity recognition by exact-span matching, as conlleval does (`caspian eval ner`):
// an entity counts as correct when its type and both boundaries match a gold entity; precision,
// recall and F1 per type and overall.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "caspian/result.h"
#include "nlp/conll_ner.h"
#include "nlp/ner_tagger.h"

namespace caspian::nlp {

struct NerScore {
  size_t gold = 0;
  size_t predicted = 0;
  size_t correct = 0;
  [[nodiscard]] double precision() const {
    return predicted == 0 ? 0.0 : static_cast<double>(correct) / predicted;
  }
  [[nodiscard]] double recall() const { return gold == 0 ? 0.0 : static_cast<double>(correct) / gold; }
  [[nodiscard]] double f1() const {
    return gold + predicted == 0 ? 0.0
                                 : 2.0 * static_cast<double>(correct) / static_cast<double>(gold + predicted);
  }
};

struct NerEvalReport {
  std::string source;
  size_t documents = 0;
  size_t sentences = 0;
  size_t tokens = 0;
  size_t tokens_correct = 0;  // tokens whose IOB2 tag (B-/I- of the type, or O) is right
  std::map<std::string, NerScore> by_type;
  NerScore overall;
  double seconds = 0;   // CPU time of the calling thread spent tagging (not reading)
  std::string mapping;  // the type mapping applied, e.g. "Person->PER, ...", or empty
};

// Adds one sentence's chunks to the report (only types in `scored`, or all when it is empty).
void add_to_report(const std::vector<NerChunk>& gold, const std::vector<NerChunk>& predicted,
                   const std::vector<std::string>& scored, NerEvalReport& report);

// How the gold types of a file are mapped to the model's. kAuto: the identity when every gold type
// is a model type; otherwise the re3d mapping when the file has re3d types.
enum class NerTypeMapping : uint8_t { kAuto, kNone, kRe3d };

// Reads `path` (format as given or detected), tags each document with `tagger` and scores it. Gold
// types mapped to nothing and predicted types the gold side cannot have are left out of the score:
// with the re3d mapping (Person->PER, Organisation->ORG, Location->LOC) only PER, ORG and LOC count.
// `predictions` (may be null) receives every token as "word gold predicted" (IOB2 tags of the scored
// types), a blank line after each sentence and "-DOCSTART- O O" before each document: conlleval's
// input format.
// Errors: those of read_conll_ner(), naming the file.
// Thread safety: safe to call concurrently (with distinct `predictions` streams).
[[nodiscard]] Result<NerEvalReport> evaluate_ner(const NerTagger& tagger, const std::filesystem::path& path,
                                                 NerFormat format = NerFormat::kAuto,
                                                 NerTypeMapping mapping = NerTypeMapping::kAuto,
                                                 std::ostream* predictions = nullptr);

// A human-readable, conlleval-like report.
[[nodiscard]] std::string format_report(const NerEvalReport& report);

}  // namespace caspian::nlp
