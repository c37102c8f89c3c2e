// Topic classification: a taxonomy (IPTC Media Topics by default, data/topic/iptc-mediatopics.tsv)
// and a linear classifier over the words of an article (models/topics-iptc-cep.md).
//
// Why caspian's own model and not fastText's library: on the Current Events dev months (train 2025,
// dev 2026-01..03) a softmax over hashed words, trained here in about a second, scores level-1
// accuracy 0.787 where fastText 0.9.2 trained on the same split scores 0.667 with its defaults and
// at best 0.770 (25-50 epochs, word bigrams; docs/quality.md), with a model under a megabyte, and
// it shares the pipeline's tokenizer, so training and tagging see the same words. Word bigrams
// and 5-letter prefixes were tried and did not help (0.785, 0.788).
//
// Thread safety: a loaded TopicModel and TopicTaxonomy are immutable; predict() and topics_of()
// may run concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian::nlp {

// A topic hierarchy: id -> level, parent and label.
class TopicTaxonomy {
 public:
  struct Entry {
    int level = 1;
    std::string parent;  // empty at level 1
    std::string label;
  };
  // Reads a "#caspian-taxonomy<TAB>1" file: '#' comment lines, then qcode<TAB>level<TAB>parent<TAB>label.
  // Errors: kNotFound, kUnsupportedVersion (another header), kParseError naming file and line.
  static Result<TopicTaxonomy> load(const std::filesystem::path& path);

  // The entry of `id`, or nullptr for an id the taxonomy lacks (a user's own label).
  [[nodiscard]] const Entry* find(std::string_view id) const;
  // `id` and its ancestors, nearest first (just `id` when unknown).
  [[nodiscard]] std::vector<std::string> lineage(const std::string& id) const;
  // The level of `id`: the taxonomy's, 1 for an unknown id.
  [[nodiscard]] int level_of(const std::string& id) const;
  // The label of `id`: the taxonomy's, else the id itself.
  [[nodiscard]] std::string label_of(const std::string& id) const;

 private:
  std::unordered_map<std::string, Entry> entries_;
};

// The hashed features of a text's tokens: its case-folded words, digits as '0', each once, sorted. Requires
// tokens and sentences (the "tokenize" stage).
[[nodiscard]] std::vector<uint32_t> topic_features(const Document& doc, uint32_t buckets);

// One labelled text for training or evaluation.
struct TopicExample {
  std::string id;
  std::string text;
  std::vector<std::string> labels;
};

// Reads JSONL with "text" and "labels" (an array of strings, or one string); other fields are
// ignored. Errors name the file and line: not JSON, no text, no labels.
[[nodiscard]] Result<std::vector<TopicExample>> read_topic_examples(const std::filesystem::path& path);

struct TopicTrainOptions {
  // Chosen on the dev months (docs/quality.md): 10 epochs 0.784, 50 epochs at rate 0.5 0.786, at 2 0.787.
  int epochs = 50;
  float learning_rate = 8.0F;  // decays linearly to 0, as fastText's does
  uint32_t buckets = uint32_t{1} << 22;
  uint64_t seed = 1;
  std::string train_source;  // recorded in the model
};

class TopicModel {
 public:
  // Reads a model written by save(). Errors: kNotFound, kCorrupt, kUnsupportedVersion.
  static Result<std::unique_ptr<TopicModel>> load(const std::filesystem::path& path);
  // Trains a softmax over the examples' deepest labels (a label whose descendant the example also
  // has is implied by it, through `taxonomy`); an example with several labels spreads its target
  // evenly over them. Deterministic for the same inputs. Errors: kInvalidArgument (no examples).
  static Result<std::unique_ptr<TopicModel>> train(const std::vector<TopicExample>& examples,
                                                   const TopicTaxonomy& taxonomy,
                                                   const TopicTrainOptions& options, std::ostream* log);
  [[nodiscard]] Status save(const std::filesystem::path& path) const;

  // The probability of each class (classes()) for a document's features.
  [[nodiscard]] std::vector<float> predict(const std::vector<uint32_t>& features) const;
  // The topics of a tokenized document: every class and ancestor whose summed probability reaches
  // kMinTopicScore, and always the best level-1 topic; by level, then score.
  [[nodiscard]] std::vector<Topic> topics_of(const Document& doc, const TopicTaxonomy& taxonomy) const;

  [[nodiscard]] const std::vector<std::string>& classes() const { return classes_; }
  [[nodiscard]] uint32_t buckets() const { return buckets_; }
  [[nodiscard]] const std::string& train_source() const { return train_source_; }

 private:
  // Rounds every weight to the 16-bit grid of its class (scale_[c] = largest |weight| / 32767), as
  // save() writes it, and drops the rows that become all zero; train() ends with it, so that a
  // model scores the same before and after a save.
  void quantize();

  uint32_t buckets_ = 0;
  std::string train_source_;
  std::vector<std::string> classes_;
  std::vector<float> bias_;
  std::vector<float> scale_;  // per class: the weight of one step of the 16-bit grid
  // Sparse rows: the buckets that carry weights, and classes_.size() weights per bucket.
  std::unordered_map<uint32_t, uint32_t> row_of_;
  std::vector<float> weights_;
};

// Below this summed probability a topic is not reported (the best level-1 topic always is).
inline constexpr float kMinTopicScore = 0.2F;

}  // namespace caspian::nlp
