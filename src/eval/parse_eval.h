// Scores a DepParser against a CoNLL-U treebank (`caspian eval parse`). Parser training data
// (jackknifed tags, silver trees) is prepared by train/parse_train_data.h.
//
// Evaluation follows the CoNLL 2018 shared task on the treebank's own (gold) syntactic words:
// UAS (right head), LAS (right head and universal relation, the DEPREL before any ':' subtype) and
// the full-label LAS; punctuation is included. The words are tagged by a PosTagger first (predicted
// tags, as in caspian's pipeline) unless no tagger is given (then the treebank's gold tags are used).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "caspian/result.h"
#include "nlp/dep_parser.h"
#include "nlp/pos_tagger.h"

namespace caspian::nlp {

struct ParseEvalReport {
  std::string source;  // the evaluated file
  bool predicted_tags = false;
  size_t sentences = 0;
  AttachmentScore score;
  double parse_seconds = 0;  // processor time in DepParser::parse() alone (one thread)
  double tag_seconds = 0;    // processor time in PosTagger::tag() alone

  [[nodiscard]] double parse_words_per_second() const {
    return parse_seconds <= 0 ? 0.0 : static_cast<double>(score.words) / parse_seconds;
  }
};

// Tags (when `tagger` is not null) and parses every sentence of `conllu` (plain or gzip), and
// compares with the gold trees.
// Errors: those of read_conllu() (kNotFound, kIoError, kTooLarge, kInvalidUtf8, kParseError,
//   kEmptyInput), naming the file.
// Thread safety: safe to call concurrently (tagging and parsing are const).
[[nodiscard]] Result<ParseEvalReport> evaluate_parse(const DepParser& parser, const PosTagger* tagger,
                                                     const std::filesystem::path& conllu);

// Same, on sentences already in memory (source is set to "<memory>").
[[nodiscard]] ParseEvalReport evaluate_parse(const DepParser& parser, const PosTagger* tagger,
                                             std::vector<ParsedSentence> gold);

// A human-readable, multi-line summary: UAS, LAS, full-label LAS and parsing speed.
[[nodiscard]] std::string format_report(const ParseEvalReport& report);

// Replaces the UPOS and XPOS tags of every sentence by those `tagger` predicts.
void retag(const PosTagger& tagger, std::vector<ParsedSentence>& sentences);

}  // namespace caspian::nlp
