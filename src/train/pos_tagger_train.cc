#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nlp/perceptron.h"
#include "nlp/pos_tagger.h"
#include "nlp/pos_tagger_model.h"

// Training of the POS tagger (PosTagger::train()): the averaged-perceptron trainer and the
// word-class lexicon file it copies into the model.
namespace caspian::nlp {

using namespace pos_detail;

namespace {

using perceptron::hex64;

constexpr std::string_view kLexiconHeader = "#caspian-lexicon\t1";

// Reads a lexicon file: the header line, then "form<TAB>CLASS,CLASS..." lines.
// Errors: those of read_conllu_bytes(); kParseError naming the line for a malformed line or an
//   unknown class.
Result<std::unique_ptr<PosTagger::Lexicon>> read_lexicon(const std::filesystem::path& path) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  std::string_view text = *bytes;
  const auto bad = [&](size_t line, std::string_view why) {
    return Status(ErrorCode::kParseError,
                  path.string() + ":" + std::to_string(line) + ": " + std::string(why));
  };
  std::map<uint64_t, uint16_t> entries;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (line_no == 1) {
      if (line != kLexiconHeader) return bad(line_no, "not a caspian lexicon (expected the header line)");
      continue;
    }
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) return bad(line_no, "expected form<TAB>classes");
    uint16_t bits = 0;
    std::string_view rest = line.substr(tab + 1);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view cls = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const auto it = std::find(kLexiconClasses.begin(), kLexiconClasses.end(), cls);
      if (it == kLexiconClasses.end()) return bad(line_no, "unknown class '" + std::string(cls) + "'");
      bits = static_cast<uint16_t>(bits | (1U << (it - kLexiconClasses.begin())));
    }
    const uint64_t key = hash_string(normalize(line.substr(0, tab)));
    if (key != 0) entries[key] = static_cast<uint16_t>(entries[key] | bits);
  }
  auto lexicon = std::make_unique<PosTagger::Lexicon>();
  for (const auto& [key, bits] : entries) {
    lexicon->keys.push_back(key);
    lexicon->classes.push_back(bits);
  }
  lexicon->index.build(lexicon->keys);
  return lexicon;
}

// --- training --------------------------------------------------------------------------------------

class Trainer {
 public:
  Trainer(Target target, bool right_to_left, const std::vector<TaggedSentence>& train,
          const PosTrainOptions& options)
      : target_(target), right_to_left_(right_to_left), train_(train), options_(options) {}

  // Requires: infos[s] and static_keys[s] are sentence_info() and static_features() of train[s].
  Result<std::unique_ptr<PosTagger::Model>> run(const std::vector<std::vector<WordInfo>>& infos,
                                                const std::vector<std::vector<uint64_t>>& static_keys,
                                                std::ostream* log) {
    auto model = std::make_unique<PosTagger::Model>();
    model->target = target_;
    model->right_to_left = right_to_left_;
    CASPIAN_RETURN_IF_ERROR(make_labels(*model));
    make_tagdict(*model);
    model->build_indexes();

    std::vector<size_t> order(train_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(options_.seed);
    std::vector<float> scores(model->labels.size());
    std::array<uint64_t, kStaticFeatures + kDynamicFeatures> feats{};
    for (int pass = 1; pass <= options_.iterations; ++pass) {
      // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined, and the
      // model must be byte-identical across standard libraries.
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
      size_t seen = 0;
      size_t correct = 0;
      for (const size_t s : order) {
        const TaggedSentence& sentence = train_[s];
        const std::vector<WordInfo>& info = infos[s];
        const size_t n = sentence.words.size();
        uint64_t tag1 = kStartTag;
        uint64_t tag2 = kStart2Tag;
        for (size_t step = 0; step < n; ++step) {
          const size_t i = right_to_left_ ? n - 1 - step : step;
          const uint16_t gold = label_ids_.at(gold_label(target_, sentence, i));
          uint16_t guess = 0;
          if (const int dict = model->dictionary_label(info[i + kContext]); dict >= 0) {
            guess = static_cast<uint16_t>(dict);  // not trained on: tagged from the dictionary
          } else {
            std::copy_n(static_keys[s].data() + i * kStaticFeatures, kStaticFeatures, feats.begin());
            dynamic_features(info, i, right_to_left_, tag1, tag2, feats.data() + kStaticFeatures);
            std::fill(scores.begin(), scores.end(), 0.0F);
            weights_.add_scores(feats, scores.data());
            guess = static_cast<uint16_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
            if (guess != gold) {
              weights_.update(feats, gold, 1.0F);
              weights_.update(feats, guess, -1.0F);
            }
            weights_.tick();
          }
          correct += guess == gold ? 1 : 0;
          ++seen;
          tag2 = tag1;
          tag1 = guess;
        }
      }
      if (log != nullptr) {
        *log << (right_to_left_ ? "right-to-left" : "left-to-right") << " pass " << pass << "/"
             << options_.iterations << ": training accuracy "
             << static_cast<double>(correct) / static_cast<double>(seen) << ", " << weights_.features()
             << " features\n";
      }
    }
    model->weights = weights_.freeze(options_.prune_below);
    model->build_indexes();
    return model;
  }

 private:
  Status make_labels(PosTagger::Model& model) {
    std::map<Label, size_t> counts;
    for (const TaggedSentence& s : train_) {
      for (size_t i = 0; i < s.words.size(); ++i) ++counts[gold_label(target_, s, i)];
    }
    if (counts.size() > kMaxLabels) {
      return Status(ErrorCode::kInvalidArgument, std::to_string(counts.size()) + " labels; at most " +
                                                     std::to_string(kMaxLabels) + " are supported");
    }
    std::vector<std::pair<Label, size_t>> sorted(counts.begin(), counts.end());
    // Most frequent first (ties by name): argmax ties then favour the frequent label.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [label, count] : sorted) {
      label_ids_.emplace(label, static_cast<uint16_t>(model.labels.size()));
      model.labels.push_back(label);
    }
    return Status::Ok();
  }

  void make_tagdict(PosTagger::Model& model) const {
    std::map<std::string, std::map<uint16_t, size_t>> counts;
    for (const TaggedSentence& s : train_) {
      for (size_t i = 0; i < s.words.size(); ++i)
        ++counts[s.words[i]][label_ids_.at(gold_label(target_, s, i))];
    }
    for (const auto& [word, by_label] : counts) {
      size_t total = 0;
      size_t best_count = 0;
      uint16_t best = 0;
      for (const auto& [label, count] : by_label) {
        total += count;
        if (count > best_count) best_count = count, best = label;
      }
      if (total >= static_cast<size_t>(options_.tagdict_min_count) &&
          static_cast<double>(best_count) >= options_.tagdict_min_share * static_cast<double>(total)) {
        model.tagdict.emplace_back(word, best);
      }
    }
  }

  Target target_;
  bool right_to_left_;
  const std::vector<TaggedSentence>& train_;
  const PosTrainOptions& options_;
  std::map<Label, uint16_t> label_ids_;
  perceptron::AveragedTrainer weights_;
};

}  // namespace

Result<std::unique_ptr<PosTagger>> PosTagger::train(const std::vector<TaggedSentence>& train,
                                                    const std::vector<TaggedSentence>& dev,
                                                    const PosTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  size_t train_words = 0;
  for (const std::vector<TaggedSentence>* data : {&train, &dev}) {
    for (const TaggedSentence& s : *data) {
      if (s.upos.size() != s.words.size() || s.xpos.size() != s.words.size()) {
        return Status(ErrorCode::kInvalidArgument, "a sentence has different numbers of words and tags");
      }
      for (size_t i = 0; i < s.words.size(); ++i) {
        if (s.upos[i].empty() || s.xpos[i].empty()) {
          return Status(ErrorCode::kInvalidArgument, "empty tag for word '" + s.words[i] + "'");
        }
      }
      if (data == &train) train_words += s.words.size();
    }
  }
  if (train_words == 0) return Status(ErrorCode::kEmptyInput, "no training words");

  auto tagger = std::unique_ptr<PosTagger>(new PosTagger());
  if (!options.lexicon.empty()) {
    auto lexicon = read_lexicon(options.lexicon);
    if (!lexicon.ok()) return lexicon.status();
    tagger->lexicon_ = std::move(lexicon).value();
  }
  std::vector<std::vector<WordInfo>> infos;
  std::vector<std::vector<uint64_t>> static_keys;
  infos.reserve(train.size());
  static_keys.reserve(train.size());
  for (const TaggedSentence& s : train) {
    const std::vector<std::string_view> views(s.words.begin(), s.words.end());
    infos.push_back(sentence_info(views, tagger->lexicon_.get(), nullptr, nullptr));
    static_keys.push_back(static_features(infos.back(), nullptr));
  }
  const std::vector<Target> targets = options.joint_labels
                                          ? std::vector<Target>{Target::kJoint}
                                          : std::vector<Target>{Target::kXpos, Target::kUpos};
  for (const Target target : targets) {
    for (const bool right_to_left : {false, true}) {
      if (right_to_left && !options.bidirectional) continue;
      Trainer trainer(target, right_to_left, train, options);
      auto model = trainer.run(infos, static_keys, log);
      if (!model.ok()) return model.status();
      tagger->models_.push_back(std::move(model).value());
    }
  }

  // The word cache: the most frequent training forms (ties by form, for determinism).
  {
    std::unordered_map<std::string_view, size_t> counts;
    for (const TaggedSentence& s : train) {
      for (const std::string& w : s.words) ++counts[w];
    }
    std::vector<std::pair<std::string_view, size_t>> by_count(counts.begin(), counts.end());
    std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (by_count.size() > options.cache_words) by_count.resize(options.cache_words);
    std::vector<std::string> words;
    words.reserve(by_count.size());
    for (const auto& entry : by_count) words.emplace_back(entry.first);
    std::sort(words.begin(), words.end());
    tagger->build_word_cache(std::move(words));
  }

  // Score dev for the record.
  size_t dev_words = 0;
  size_t upos_ok = 0;
  size_t xpos_ok = 0;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  for (const TaggedSentence& s : dev) {
    const std::vector<std::string_view> views(s.words.begin(), s.words.end());
    tagger->tag(views, upos, xpos);
    for (size_t i = 0; i < s.words.size(); ++i) {
      upos_ok += upos[i] == s.upos[i] ? 1 : 0;
      xpos_ok += xpos[i] == s.xpos[i] ? 1 : 0;
    }
    dev_words += s.words.size();
  }
  const auto share = [](size_t a, size_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };

  size_t features = 0;
  size_t weights = 0;
  for (const auto& m : tagger->models_)
    features += m->weights.keys.size(), weights += m->weights.entry_class.size();
  nlohmann::ordered_json config;
  config["format_version"] = kPosModelFormatVersion;
  config["feature_fingerprint"] = hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source}, {"sentences", train.size()}, {"words", train_words}};
  config["dev"] = {{"source", options.dev_source}, {"sentences", dev.size()}, {"words", dev_words}};
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"joint_labels", options.joint_labels},
                       {"bidirectional", options.bidirectional},
                       {"tagdict_min_count", options.tagdict_min_count},
                       {"tagdict_min_share", options.tagdict_min_share},
                       {"prune_below", options.prune_below},
                       {"cache_words", options.cache_words},
                       {"lexicon", std::filesystem::path(options.lexicon).filename().string()},
                       {"lexicon_forms", tagger->lexicon_ ? tagger->lexicon_->keys.size() : 0}};
  config["dev_scores"] = {{"upos_accuracy", share(upos_ok, dev_words)},
                          {"xpos_accuracy", share(xpos_ok, dev_words)}};
  config["model"] = {{"features", features}, {"weights", weights}};
  tagger->config_json_ = config.dump();
  if (log != nullptr && dev_words > 0) {
    *log << "dev: UPOS " << share(upos_ok, dev_words) << ", XPOS " << share(xpos_ok, dev_words) << " over "
         << dev_words << " words\n";
  }
  return tagger;
}

}  // namespace caspian::nlp
