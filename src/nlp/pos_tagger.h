// Part-of-speech tagging: Universal POS (UPOS) and Penn Treebank (XPOS) tags for the words of a
// sentence, by a greedy left-to-right averaged perceptron (Collins 2002; the recipe of Honnibal's
// "A good part-of-speech tagger in about 200 lines of Python", with a richer, Stanford-like
// feature set).
//
// Why this design: a greedy averaged perceptron tags at ~97% on English news/web text (within about
// one point of BiLSTM/transformer taggers) while training in a minute on one core, tagging hundreds
// of thousands of tokens per second with no dependencies, and being fully deterministic. Beam
// search and bidirectional passes buy a few tenths of a point at several times the cost.
//
// Labels: by default one model predicts the joint label "UPOS XPOS" (102 pairs in UD English EWT),
// so the two tag sets can never contradict each other (no "PROPN/VBD") and one pass gives both.
// PosTrainOptions::joint_labels = false trains two independent models instead (measured in
// models/pos-en-ud.md).
//
// Model file (all integers little-endian, written with explicit sizes; see pos_tagger.cc):
//   "CSPNPOS\0", format version (u32), feature-set fingerprint (u64), training config (JSON),
//   the lexicon (count, sorted form hashes, class bit sets), the cached words (count, strings),
//   per model: label inventory, tag dictionary, feature rows and their (label, weight) entries;
//   a trailing XXH3-64 checksum of everything before it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "nlp/conllu.h"

namespace caspian::nlp {

// The version of the model file format written by PosTagger::save().
inline constexpr uint32_t kPosModelFormatVersion = 2;

// A sentence with its gold tags: words, upos and xpos have the same length.
struct TaggedSentence {
  std::vector<std::string> words;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
};

// The words and tags of parsed CoNLL-U sentences (syntactic words; multiword tokens and empty
// nodes are not words).
[[nodiscard]] std::vector<TaggedSentence> tagged_sentences(const std::vector<ConlluSentence>& conllu);

// read_conllu() then tagged_sentences().
[[nodiscard]] Result<std::vector<TaggedSentence>> read_tagged_sentences(const std::filesystem::path& path);

// Training settings. The defaults produce models/pos-en-ud.bin from the UD English EWT and GUM
// train files and the EWT dev file (see models/pos-en-ud.md).
struct PosTrainOptions {
  int iterations = 16;       // passes over the training data (chosen on dev: 5, 10, 16 tried)
  uint64_t seed = 20250101;  // seeds the per-pass shuffle of the training sentences
  bool joint_labels = true;  // one "UPOS XPOS" model (true) or separate UPOS and XPOS models
  // Also train a right-to-left model and tag each word with the best sum of both models' scores.
  bool bidirectional = true;
  // Tag dictionary: a word seen at least this often in training, with one label at least this
  // share of the time, is tagged from the dictionary without scoring (Honnibal's trick; speeds up
  // tagging and removes errors on frequent unambiguous words).
  int tagdict_min_count = 20;
  double tagdict_min_share = 0.995;
  // After averaging, weights smaller than this in magnitude are dropped (smaller, faster model).
  float prune_below = 1e-3F;
  // The most frequent training words whose feature scores are precomputed when the model is loaded
  // (faster tagging; more memory: 3 x labels floats per word and model).
  size_t cache_words = 10000;
  // A word-class lexicon (scripts/build_lexicon.py, e.g. data/lexicon/en-wordnet.tsv.gz) whose
  // classes become features; it is copied into the model. Empty: no lexicon (the features are 0).
  std::string lexicon;
  // Where the data came from, recorded in the model's training config (e.g. the CLI's --train and
  // --dev arguments as given). Informational only.
  std::string train_source;
  std::string dev_source;
};

class PosTagger {
 public:
  // Loads a model written by save().
  // Errors: kNotFound, kIoError; kCorrupt (not a POS model, truncated, bad checksum, inconsistent
  //   contents); kUnsupportedVersion (another format version, or a model trained with another
  //   feature set: its fingerprint differs from this build's). Messages name the file.
  [[nodiscard]] static Result<std::unique_ptr<PosTagger>> load(const std::filesystem::path& path);

  // Writes the model (atomically: to a temporary file renamed into place).
  // Errors: kIoError naming the file.
  [[nodiscard]] Status save(const std::filesystem::path& path) const;

  // Trains on `train`; `dev` (may be empty) is only scored at the end, for the log and the model's
  // training config. Deterministic: the same data and options give a byte-identical model file.
  // `log` (may be null) receives one line per pass.
  // Errors: kEmptyInput (no training words), kInvalidArgument (sentences whose words and tags
  //   differ in length, an empty tag, iterations < 1, more labels than the model format allows).
  [[nodiscard]] static Result<std::unique_ptr<PosTagger>> train(const std::vector<TaggedSentence>& train,
                                                                const std::vector<TaggedSentence>& dev,
                                                                const PosTrainOptions& options,
                                                                std::ostream* log);

  // Tags one sentence: upos and xpos are resized to words.size() and filled.
  // Requires: nothing (any bytes; words should be one sentence's tokens, UD-style, in order).
  // Thread safety: const and safe to call concurrently.
  void tag(std::span<const std::string_view> words, std::vector<std::string>& upos,
           std::vector<std::string>& xpos) const;

  // The training configuration recorded in the model (JSON: data, options, dev scores).
  [[nodiscard]] const std::string& training_config() const { return config_json_; }

  // The fingerprint of the feature set this build extracts (hash of the feature template list and
  // hashing parameters). A model is only loadable by a build with the same fingerprint.
  [[nodiscard]] static uint64_t feature_fingerprint();

  ~PosTagger();
  PosTagger(const PosTagger&) = delete;
  PosTagger& operator=(const PosTagger&) = delete;

  struct Model;      // one perceptron (defined in pos_tagger_model.h)
  struct Lexicon;    // word classes by normalised form (defined in pos_tagger_model.h)
  struct WordCache;  // frequent words with precomputed scores (defined in pos_tagger_model.h)

 private:
  PosTagger();

  std::vector<std::unique_ptr<Model>> models_;  // one joint model, or an XPOS then a UPOS model
  // Computes the word cache of `words` for every model.
  void build_word_cache(std::vector<std::string> words);

  std::unique_ptr<Lexicon> lexicon_;  // null when trained without one
  std::unique_ptr<WordCache> word_cache_;
  std::string config_json_;
};

}  // namespace caspian::nlp
