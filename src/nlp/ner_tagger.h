// Named-entity recognition: spans of PER, ORG, LOC and MISC (or whatever types the training data
// has) over the tokens of a document, by a left-to-right averaged perceptron over BILOU labels
// (Ratinov & Roth 2009, "Design challenges and misconceptions in named entity recognition"), decoded
// greedily in the first stage and with a small beam in the last.
//
// Why this design: a greedy perceptron with rich features reaches the accuracy of a CRF on CoNLL
// English (R&R: 93.5 dev F1 with gazetteers, word clusters and non-local features) while tagging
// hundreds of thousands of tokens per second on one core with no dependencies, training in minutes
// and being fully deterministic. Decoding only ever picks a label that continues the previous one
// legally (no I-PER after O), so the output is always a well-formed BILOU sequence; training updates
// against the best of all labels, so that the decoder can also weigh a fresh start against the legal
// continuations and close an entity early.
//
// Features (ner_model.h lists every template): the word, its lower-cased form, shape, affixes,
// capitalisation, a window of +-2 words; the two previous labels; gazetteer matches (longest span
// starting at each word, as (list, B/I/L/U position)); word clusters at three granularities, learned
// by k-means over context vectors from unlabelled text at training time; and document-level
// features: whether the word is also seen lower-cased / capitalised mid-sentence elsewhere in the
// document, and the majority entity type already predicted for the same word earlier in the
// document ("extended prediction history").
//
// The gazetteer and the word clusters are compiled into the model file (as hashed keys), so a model
// is self-contained: loading it needs no data directory.
//
// Model file (little-endian, explicit sizes; see ner_model_io.cc): "CSPNNER\0", format version (u32),
// feature-set fingerprint (u64), training config (JSON), entity types, gazetteer table, cluster
// table, feature rows with their (label, weight) entries; a trailing XXH3-64 checksum.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "nlp/conll_ner.h"

namespace caspian::nlp {

// The version of the model file format written by NerTagger::save().
inline constexpr uint32_t kNerModelFormatVersion = 1;

// An entity found by NerTagger: tokens [begin, end) of sentence `sentence`.
struct NerSpan {
  uint32_t sentence = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string_view type;  // one of NerTagger::types(); valid while the tagger lives
  // The smallest, over the span's tokens, of the softmax probability of the chosen label among the
  // labels allowed there. A ranking signal in (0, 1], not a calibrated probability.
  float confidence = 0;
};

// Training settings. The defaults produce models/ner-en-conll.bin (see models/ner-en-conll.md).
struct NerTrainOptions {
  int iterations = 16;  // passes over the training documents (chosen on dev: 16 vs 12, 8)
  uint64_t seed = 20260101;   // seeds the per-pass shuffle of the training documents
  float prune_below = 1e-3F;  // averaged weights smaller in magnitude are dropped
  // caspian's gazetteer directory (data/gazetteer); empty: no gazetteer features.
  std::filesystem::path gazetteer_dir;
  // PETRARCH actor dictionaries (e.g. Phoenix.*.actors.txt) adding person-name and organisation
  // lists to the gazetteer (used only with gazetteer_dir).
  std::vector<std::filesystem::path> actor_dictionaries;
  // Unlabelled text for the word clusters: JSONL (plain or gzip) whose records have "text" and/or
  // "title"/"body" fields, or plain text files. The training documents' words are always added.
  // Empty (and no training words): no cluster features.
  std::vector<std::filesystem::path> unlabelled;
  int cluster_min_count = 3;       // words seen fewer times get no cluster
  int cluster_vocabulary = 60000;  // at most this many (most frequent) words are clustered
  int cluster_context = 1500;      // the most frequent words serve as context dimensions
  int cluster_dimensions = 128;    // random projection of the context vectors
  int cluster_iterations = 12;     // k-means iterations per granularity
  // A second stage that also sees the first stage's labels of the whole document (the majority
  // type of a word's other occurrences, Ratinov & Roth's "prediction aggregation"), trained on
  // first-stage labels from this many jackknife folds. 0: one stage only.
  int second_stage_folds = 5;
  // Where the data came from, recorded in the model's training config. Informational only.
  std::string train_source;
  std::string dev_source;
};

class NerTagger {
 public:
  // Loads a model written by save().
  // Errors: kNotFound, kIoError; kCorrupt (not an NER model, truncated, bad checksum, inconsistent
  //   contents); kUnsupportedVersion (another format version, or another feature set). Messages
  //   name the file.
  [[nodiscard]] static Result<std::unique_ptr<NerTagger>> load(const std::filesystem::path& path);

  // Writes the model (atomically: a temporary file renamed into place). Errors: kIoError.
  [[nodiscard]] Status save(const std::filesystem::path& path) const;

  // Trains on `train`; `dev` (may be empty) is scored after each pass for the log and at the end for
  // the training config. Deterministic: the same data, files and options give a byte-identical model.
  // `log` (may be null) receives progress lines.
  // Errors: kEmptyInput (no training words), kInvalidArgument (bad options, sentences whose words
  //   and tags differ in length, too many entity types), errors reading the gazetteer or the
  //   unlabelled files (naming them).
  [[nodiscard]] static Result<std::unique_ptr<NerTagger>> train(const std::vector<NerDocument>& train,
                                                                const std::vector<NerDocument>& dev,
                                                                const NerTrainOptions& options,
                                                                std::ostream* log);

  // Finds the entities of one document given as its sentences' tokens, in order (the document
  // context feeds the document-level features, so pass whole documents, not single sentences).
  // Requires: nothing (any bytes; empty sentences are allowed and get no spans).
  // Guarantees: spans are in text order, non-overlapping, inside their sentence, with begin < end.
  // Thread safety: const and safe to call concurrently.
  [[nodiscard]] std::vector<NerSpan> tag_document(
      const std::vector<std::vector<std::string_view>>& sentences) const;

  // The entity types the model predicts, sorted ("LOC", "MISC", "ORG", "PER").
  [[nodiscard]] const std::vector<std::string>& types() const { return types_; }

  // The training configuration recorded in the model (JSON: data, options, dev scores).
  [[nodiscard]] const std::string& training_config() const { return config_json_; }

  // The fingerprint of the feature set this build extracts; a model is only loadable by a build
  // with the same fingerprint.
  [[nodiscard]] static uint64_t feature_fingerprint();

  ~NerTagger();
  NerTagger(const NerTagger&) = delete;
  NerTagger& operator=(const NerTagger&) = delete;

  struct Model;  // weights, gazetteer and clusters (defined in ner_model.h)

 private:
  NerTagger();

  std::unique_ptr<Model> model_;
  std::vector<std::string> types_;
  std::string config_json_;
};

// Converts spans of one sentence of `n` tokens into IOB2 tags ("B-PER", "I-PER", "O").
[[nodiscard]] std::vector<std::string> spans_to_tags(const std::vector<NerSpan>& spans, uint32_t sentence,
                                                     size_t n);

}  // namespace caspian::nlp
