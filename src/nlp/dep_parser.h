// Dependency parsing: a basic Universal Dependencies tree (HEAD and DEPREL) for the words of a
// sentence, given their part-of-speech tags, by a transition-based parser (greedy, or with a beam).
//
// Design (why): an arc-hybrid transition system (Kuhlmann et al. 2011) with labelled transitions
// (SHIFT, LEFT-ARC:label, RIGHT-ARC:label), scored by an averaged perceptron over the rich hashed
// feature set of Zhang & Nivre (2011) (adapted from arc-eager to arc-hybrid: the stack's top three
// items, the buffer's first three, their leftmost/rightmost children and labels, distance, valency
// and label sets). Two ways to train and decode, chosen by the beam width stored in the model:
//   * beam 1 (the shipped model): greedy, trained with the dynamic oracle of Goldberg & Nivre (2013)
//     with error exploration. Linear in sentence length; well over 60,000 words/s. The shipped one
//     also learns from unlabelled text parsed by the beam model (uptraining: silver_parses() in
//     train/parse_train_data.h), which brings most of the beam's accuracy at greedy speed.
//   * beam k > 1: beam search, trained globally with max-violation updates (Huang, Fayong & Guo
//     2012), as Zhang & Nivre did with a beam of 64. On UD English EWT dev with predicted tags,
//     beam 8 gains 1.2 UAS over greedy at about a fifth of its speed (models/parse-en-ud-beam8.md:
//     the accurate model, chosen with --parse-model; too slow for the default pipeline). A
//     parse-time margin narrows the beam where the model is sure (ParseTrainOptions::beam_margin).
// The artificial root token sits at the END of the buffer (Ballesteros & Nivre 2013) and may only
// take a dependent when it is the last word left, so every parse is a single-rooted tree.
//
// Output is always projective (arc-hybrid cannot cross arcs); for training, non-projective gold
// trees are projectivized by lifting (re-attaching the dependent of the shortest crossing arc to its
// grandparent until none crosses).
//
// Model file (all integers little-endian, written with explicit sizes; see dep_parser.cc):
//   "CSPNDEP\0", format version (u32), feature-set fingerprint (u64), training config (JSON),
//   beam width (u32), beam margin (f32, since version 3), label inventory, feature rows and their (class,
//   weight) entries; a trailing XXH3-64 checksum.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"
#include "nlp/conllu.h"

namespace caspian::nlp {

// The version of the model file format written by DepParser::save().
inline constexpr uint32_t kParseModelFormatVersion = 3;  // 2: the beam width; 3: the beam margin
// The oldest format this build still reads (version 2 files parse with the full beam).
inline constexpr uint32_t kOldestParseModelFormatVersion = 2;

// A sentence with tags and a tree: every vector has words.size() entries; heads are 1-based word
// numbers with 0 for the root (as in CoNLL-U).
struct ParsedSentence {
  std::vector<std::string> words;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  std::vector<int> heads;
  std::vector<std::string> deprels;
};

// The words, tags and basic trees of parsed CoNLL-U sentences (syntactic words only; an unannotated
// HEAD "_" becomes -1).
[[nodiscard]] std::vector<ParsedSentence> parsed_sentences(const std::vector<ConlluSentence>& conllu);

// read_conllu() then parsed_sentences().
[[nodiscard]] Result<std::vector<ParsedSentence>> read_parsed_sentences(const std::filesystem::path& path);

// The tree the transition system derives from `gold` by always taking a zero-cost transition of
// the dynamic oracle (the lowest-numbered one): `gold` itself for a projective tree, its
// projectivized form otherwise; nullopt when gold's heads do not form a tree. Exposed for tests of
// the oracle; tags are copied, not used.
[[nodiscard]] std::optional<ParsedSentence> oracle_parse(const ParsedSentence& gold);

// The widest beam a model may use (bounds the work per word, whatever a model file says).
inline constexpr int kMaxParseBeam = 64;

// Training settings. The defaults produce models/parse-en-ud.bin (see models/parse-en-ud.md).
struct ParseTrainOptions {
  int iterations = 12;       // passes over the training data
  uint64_t seed = 20250101;  // seeds the per-pass shuffle and the exploration coin
  // The beam width for training and parsing (stored in the model). 1: greedy, trained locally with
  // the dynamic oracle and error exploration; > 1: global max-violation training over the beam
  // (more accurate, several times slower: see models/parse-en-ud.md).
  int beam = 1;
  // Beam models only, at parse time (training always uses the full beam): extensions scoring more
  // than this below the step's best are dropped, so that the beam narrows where the model is sure.
  // 0: keep the full beam. Stored in the model; DepParser::set_beam_margin() changes it.
  float beam_margin = 0.0F;
  // Error exploration (Goldberg & Nivre 2013; beam 1 only): from pass explore_after + 1 on, the
  // parser follows its own (possibly wrong) prediction with this probability, else the best
  // zero-cost transition.
  int explore_after = 1;
  double explore_probability = 0.9;
  // After averaging, weights smaller than this in magnitude are dropped (smaller, faster model).
  // Averaged weights are sums of +-1 updates, so most live in the units: on EWT + GUM, 1.0 cut the
  // file from 92 to 35 MB and load time by two thirds for -0.07 UAS (models/parse-en-ud.md).
  float prune_below = 1.0F;
  // Score the averaged model on dev after every pass (for the log; costs a few seconds a pass).
  // Otherwise dev is scored once, after the last pass.
  bool dev_every_pass = false;
  // Recorded in the model's training config; informational only.
  std::string train_source;
  std::string dev_source;
  std::string tag_source;  // where the training and dev tags came from (e.g. "jackknifed, 5 folds")
};

// Unlabelled and labelled attachment counts.
struct AttachmentScore {
  size_t words = 0;
  size_t head_correct = 0;        // UAS numerator
  size_t label_correct = 0;       // LAS numerator, universal relation (DEPREL before any ':')
  size_t full_label_correct = 0;  // LAS numerator, full DEPREL with its subtype

  void add(const ParsedSentence& gold, std::span<const int> heads, std::span<const std::string> deprels);
  [[nodiscard]] double uas() const { return words == 0 ? 0.0 : static_cast<double>(head_correct) / words; }
  [[nodiscard]] double las() const { return words == 0 ? 0.0 : static_cast<double>(label_correct) / words; }
  [[nodiscard]] double full_las() const {
    return words == 0 ? 0.0 : static_cast<double>(full_label_correct) / words;
  }
};

class DepParser {
 public:
  // Loads a model written by save().
  // Errors: kNotFound, kIoError; kCorrupt (not a parser model, truncated, bad checksum, inconsistent
  //   contents); kUnsupportedVersion (another format version, or a model trained with another
  //   feature set: its fingerprint differs from this build's). Messages name the file.
  [[nodiscard]] static Result<std::unique_ptr<DepParser>> load(const std::filesystem::path& path);

  // Writes the model (atomically: to a temporary file renamed into place).
  // Errors: kIoError naming the file.
  [[nodiscard]] Status save(const std::filesystem::path& path) const;

  // Trains on `train` (its tags should be predicted ones, as at parse time: see jackknife_tags());
  // `dev` (may be empty) is only scored, for the log and the model's training config. Sentences
  // whose gold heads do not form a tree (a cycle, a missing head) are skipped and counted in the log.
  // Deterministic: the same data and options give a byte-identical model file.
  // `log` (may be null) receives one line per pass.
  // Errors: kEmptyInput (no usable training sentence), kInvalidArgument (vectors of different
  //   lengths, an empty DEPREL, iterations < 1, beam outside 1..kMaxParseBeam, more labels than the
  //   model format allows).
  [[nodiscard]] static Result<std::unique_ptr<DepParser>> train(const std::vector<ParsedSentence>& train,
                                                                const std::vector<ParsedSentence>& dev,
                                                                const ParseTrainOptions& options,
                                                                std::ostream* log);

  // Parses one sentence: heads and deprels are resized to words.size() and filled; heads are
  // 1-based with 0 for the root, and always form one projective tree with exactly one root.
  // Requires: upos and xpos have words.size() entries (missing tags are read as empty strings; any
  //   bytes are accepted). words should be one sentence's syntactic words, UD-style, in order.
  // Cost: greedy parsing is linear in the number of words; a beam also copies each item's
  //   configuration at every step, which is quadratic (a 5,000-word run-on "sentence" takes
  //   about half a second with beam 4, against 0.05 s greedy).
  // Thread safety: const and safe to call concurrently.
  void parse(std::span<const std::string_view> words, std::span<const std::string_view> upos,
             std::span<const std::string_view> xpos, std::vector<int>& heads,
             std::vector<std::string>& deprels) const;

  // Scores the parser on sentences with gold trees, parsing with the sentences' own tags.
  [[nodiscard]] AttachmentScore score(const std::vector<ParsedSentence>& gold) const;

  // The dependency labels the model can assign, most frequent in training first.
  [[nodiscard]] const std::vector<std::string>& labels() const { return labels_; }

  // The beam width the model was trained for and parses with.
  [[nodiscard]] int beam() const { return beam_; }

  // The parse-time beam margin (ParseTrainOptions::beam_margin; 0: the full beam).
  [[nodiscard]] float beam_margin() const { return beam_margin_; }

  // Sets the parse-time beam margin (no effect on a greedy model) and records it in the training
  // config, so that save() writes it: a model trained with margin 0 and given margin m here saves
  // the same bytes as one trained with margin m. Not thread safe: call before parsing.
  // Errors: kInvalidArgument for a negative or non-finite margin.
  [[nodiscard]] Status set_beam_margin(float margin);

  // The training configuration recorded in the model (JSON: data, options, dev scores).
  [[nodiscard]] const std::string& training_config() const { return config_json_; }

  // The fingerprint of the feature set this build extracts (hash of the feature template list and
  // hashing parameters). A model is only loadable by a build with the same fingerprint.
  [[nodiscard]] static uint64_t feature_fingerprint();

  ~DepParser();
  DepParser(const DepParser&) = delete;
  DepParser& operator=(const DepParser&) = delete;

  struct Weights;  // the frozen perceptron (defined in dep_parser_model.h)

 private:
  DepParser();

  std::vector<std::string> labels_;
  int root_label_ = -1;  // index of "root" in labels_, or -1
  int beam_ = 1;
  float beam_margin_ = 0.0F;
  std::unique_ptr<Weights> weights_;
  std::string config_json_;
};

}  // namespace caspian::nlp
