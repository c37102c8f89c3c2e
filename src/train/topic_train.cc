// Training of the topic classifier (TopicModel::train): a softmax over hashed words, by stochastic
// gradient descent with a linearly decaying rate, as fastText's supervised mode trains its output
// layer, but without its hidden embedding layer (on the short news items of the Current Events
// Portal the words do better directly; docs/quality.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <unordered_map>

#include "nlp/tokenizer.h"
#include "nlp/topic_model.h"

namespace caspian::nlp {
namespace {

// The example's labels without those implied by another of its labels (an ancestor of it).
std::vector<std::string> deepest_labels(const std::vector<std::string>& labels,
                                        const TopicTaxonomy& taxonomy) {
  std::set<std::string> implied;
  for (const std::string& l : labels) {
    const std::vector<std::string> up = taxonomy.lineage(l);
    implied.insert(up.begin() + 1, up.end());
  }
  std::vector<std::string> out;
  for (const std::string& l : labels) {
    if (implied.count(l) == 0 && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  return out;
}

struct Prepared {
  std::vector<uint32_t> rows;     // compact row of each feature
  std::vector<uint32_t> targets;  // class indices
};

}  // namespace

Result<std::unique_ptr<TopicModel>> TopicModel::train(const std::vector<TopicExample>& examples,
                                                      const TopicTaxonomy& taxonomy,
                                                      const TopicTrainOptions& options, std::ostream* log) {
  if (examples.empty()) return Status(ErrorCode::kInvalidArgument, "train topics: no training examples");
  auto m = std::make_unique<TopicModel>();
  m->buckets_ = options.buckets;
  m->train_source_ = options.train_source;
  std::vector<std::vector<std::string>> labels;
  std::set<std::string> class_set;
  for (const TopicExample& ex : examples) {
    labels.push_back(deepest_labels(ex.labels, taxonomy));
    class_set.insert(labels.back().begin(), labels.back().end());
  }
  m->classes_.assign(class_set.begin(), class_set.end());
  std::unordered_map<std::string, uint32_t> class_index;
  for (uint32_t c = 0; c < m->classes_.size(); ++c) class_index[m->classes_[c]] = c;

  std::vector<Prepared> data;
  data.reserve(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) {
    Document doc = make_document("", examples[i].text);
    tokenize(doc.text, doc.tokens, doc.sentences);
    Prepared p;
    for (const uint32_t f : topic_features(doc, m->buckets_)) {
      const auto [it, added] = m->row_of_.emplace(f, static_cast<uint32_t>(m->row_of_.size()));
      p.rows.push_back(it->second);
    }
    for (const std::string& l : labels[i]) p.targets.push_back(class_index.at(l));
    data.push_back(std::move(p));
  }
  const size_t k = m->classes_.size();
  m->bias_.assign(k, 0.0F);
  m->weights_.assign(m->row_of_.size() * k, 0.0F);

  std::vector<size_t> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  const double total = static_cast<double>(options.epochs) * static_cast<double>(data.size());
  double step = 0;
  std::vector<float> z(k);
  std::vector<float> y(k);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double loss = 0;
    for (const size_t i : order) {
      const Prepared& p = data[i];
      const auto lr = static_cast<float>(options.learning_rate * (1.0 - step++ / total));
      const float scale = p.rows.empty() ? 0.0F : 1.0F / static_cast<float>(p.rows.size());
      z = m->bias_;
      for (const uint32_t r : p.rows) {
        const float* w = &m->weights_[size_t{r} * k];
        for (size_t c = 0; c < k; ++c) z[c] += scale * w[c];
      }
      const float top = *std::max_element(z.begin(), z.end());
      float sum = 0;
      for (float& v : z) sum += (v = std::exp(v - top));
      std::fill(y.begin(), y.end(), 0.0F);
      for (const uint32_t t : p.targets) y[t] += 1.0F / static_cast<float>(p.targets.size());
      for (size_t c = 0; c < k; ++c) {
        z[c] /= sum;
        if (y[c] > 0) loss -= y[c] * std::log(std::max(z[c], 1e-12F));
        z[c] -= y[c];  // the gradient of the loss by the class's score
        m->bias_[c] -= lr * z[c];
      }
      for (const uint32_t r : p.rows) {
        float* w = &m->weights_[size_t{r} * k];
        for (size_t c = 0; c < k; ++c) w[c] -= lr * scale * z[c];
      }
    }
    if (log != nullptr && (epoch == 1 || epoch % 5 == 0 || epoch == options.epochs)) {
      *log << "epoch " << epoch << ": mean loss " << loss / static_cast<double>(data.size()) << "\n";
    }
  }
  m->quantize();
  if (log != nullptr) {
    *log << examples.size() << " examples, " << k << " classes, " << m->row_of_.size() << " features\n";
  }
  return m;
}

}  // namespace caspian::nlp
