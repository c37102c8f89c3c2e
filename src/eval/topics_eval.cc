#include "eval/topics_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "nlp/tokenizer.h"

namespace caspian::nlp {
namespace {

// The level-`level` topics among `ids` and their ancestors.
std::set<std::string> at_level(const std::vector<std::string>& ids, const TopicTaxonomy& taxonomy,
                               int level) {
  std::set<std::string> out;
  for (const std::string& id : ids) {
    for (const std::string& up : taxonomy.lineage(id)) {
      if (taxonomy.level_of(up) == level) out.insert(up);
    }
  }
  return out;
}

double f1_of(double p, double r) {
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

}  // namespace

TopicsReport evaluate_topics(const TopicModel& model, const TopicTaxonomy& taxonomy,
                             const std::vector<TopicExample>& examples, const std::string& file) {
  TopicsReport report;
  report.file = file;
  const auto start = std::chrono::steady_clock::now();
  std::map<std::string, TopicsReport::PerTopic> per;
  int64_t right = 0;
  int64_t l2_right = 0;
  int64_t l2_predicted = 0;
  for (const TopicExample& ex : examples) {
    Document doc = make_document("", ex.text);
    tokenize(doc.text, doc.tokens, doc.sentences);
    const std::vector<Topic> topics = model.topics_of(doc, taxonomy);
    const std::set<std::string> gold1 = at_level(ex.labels, taxonomy, 1);
    const std::string predicted = topics.empty() ? std::string() : topics.front().id;
    const bool ok = gold1.count(predicted) > 0;
    right += ok ? 1 : 0;
    const std::string gold = ok ? predicted : (gold1.empty() ? std::string() : *gold1.begin());
    if (!gold.empty()) ++per[gold].gold;
    if (!predicted.empty()) ++per[predicted].predicted;
    if (ok) ++per[predicted].right;
    const std::set<std::string> gold2 = at_level(ex.labels, taxonomy, 2);
    report.level2_gold += static_cast<int64_t>(gold2.size());
    for (const Topic& t : topics) {
      if (t.level != 2) continue;
      ++l2_predicted;
      l2_right += gold2.count(t.id) > 0 ? 1 : 0;
    }
    ++report.items;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.accuracy = report.items == 0 ? 0 : static_cast<double>(right) / static_cast<double>(report.items);
  double f1_sum = 0;
  for (auto& [id, t] : per) {
    t.id = id;
    t.label = taxonomy.label_of(id);
    const double p = t.predicted == 0 ? 0 : static_cast<double>(t.right) / static_cast<double>(t.predicted);
    const double r = t.gold == 0 ? 0 : static_cast<double>(t.right) / static_cast<double>(t.gold);
    f1_sum += f1_of(p, r);
    report.per_topic.push_back(t);
  }
  report.macro_f1 = per.empty() ? 0 : f1_sum / static_cast<double>(per.size());
  report.level2_precision =
      l2_predicted == 0 ? 0 : static_cast<double>(l2_right) / static_cast<double>(l2_predicted);
  report.level2_recall =
      report.level2_gold == 0 ? 0 : static_cast<double>(l2_right) / static_cast<double>(report.level2_gold);
  report.level2_f1 = f1_of(report.level2_precision, report.level2_recall);
  return report;
}

std::string format_report(const TopicsReport& r) {
  std::string out = fmt::format(
      "topics: {}\n"
      "  items {}\n"
      "  level 1: accuracy {:.4f} macro-F1 {:.4f}\n"
      "  level 2: precision {:.4f} recall {:.4f} F1 {:.4f} ({} gold)\n",
      r.file, r.items, r.accuracy, r.macro_f1, r.level2_precision, r.level2_recall, r.level2_f1,
      r.level2_gold);
  for (const TopicsReport::PerTopic& t : r.per_topic) {
    const double p = t.predicted == 0 ? 0 : static_cast<double>(t.right) / static_cast<double>(t.predicted);
    const double rc = t.gold == 0 ? 0 : static_cast<double>(t.right) / static_cast<double>(t.gold);
    out += fmt::format("    {:<16} {:<42} gold {:5} predicted {:5} P {:.3f} R {:.3f} F1 {:.3f}\n", t.id,
                       t.label, t.gold, t.predicted, p, rc, f1_of(p, rc));
  }
  out += fmt::format("  {:.2f} s ({:.0f} items/s, tokenizing and classifying)\n", r.seconds,
                     r.seconds > 0 ? static_cast<double>(r.items) / r.seconds : 0.0);
  return out;
}

}  // namespace caspian::nlp
