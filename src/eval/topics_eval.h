// Topic classification scored against labelled JSONL (`caspian eval topics`, and the dev report of
// `caspian train topics`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nlp/topic_model.h"

namespace caspian::nlp {

struct TopicsReport {
  std::string file;
  int64_t items = 0;
  // Level 1: an item is right when its best level-1 topic is one of its gold level-1 topics (the
  // gold labels' own, or their ancestors'). Macro-F1 over the level-1 topics that are gold or
  // predicted somewhere, an item's gold topic being the prediction when right, else its first.
  double accuracy = 0, macro_f1 = 0;
  // Level 2: the reported level-2 topics against the gold ones, micro-averaged, over all items.
  double level2_precision = 0, level2_recall = 0, level2_f1 = 0;
  int64_t level2_gold = 0;
  struct PerTopic {
    std::string id, label;
    int64_t gold = 0, predicted = 0, right = 0;
  };
  std::vector<PerTopic> per_topic;  // level 1, by id
  double seconds = 0;               // tokenizing and classifying
};

// Classifies every example of `examples` (read from `file`, named in the report) with `model`.
[[nodiscard]] TopicsReport evaluate_topics(const TopicModel& model, const TopicTaxonomy& taxonomy,
                                           const std::vector<TopicExample>& examples,
                                           const std::string& file);
[[nodiscard]] std::string format_report(const TopicsReport& r);

}  // namespace caspian::nlp
