#include "nlp/pos_tagger.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/perceptron.h"
#include "nlp/pos_tagger_model.h"

// Tagging with a PosTagger and its model file; training is in train/pos_tagger_train.cc.
namespace caspian::nlp {

using namespace pos_detail;

namespace {

using Reader = perceptron::ByteReader;
using Writer = perceptron::ByteWriter;

// --- the file format -------------------------------------------------------------------------------

constexpr std::array<char, 8> kMagic = {'C', 'S', 'P', 'N', 'P', 'O', 'S', '\0'};
constexpr uint32_t kMaxModels = 4;  // two targets x two directions

void write_model(const PosTagger::Model& m, Writer& w) {
  w.u8(static_cast<uint8_t>(m.target));
  w.u8(m.right_to_left ? 1 : 0);
  w.u32(static_cast<uint32_t>(m.labels.size()));
  for (const Label& l : m.labels) {
    w.str(l.upos);
    w.str(l.xpos);
  }
  w.u32(static_cast<uint32_t>(m.tagdict.size()));
  for (const auto& [word, label] : m.tagdict) {
    w.str(word);
    w.u16(label);
  }
  m.weights.write(w);
}

// Reads and validates one model; returns an empty string or what is wrong.
std::string read_model(Reader& r, PosTagger::Model& m) {
  const uint8_t target = r.u8();
  if (target > static_cast<uint8_t>(Target::kUpos)) return "unknown model target " + std::to_string(target);
  m.target = static_cast<Target>(target);
  const uint8_t direction = r.u8();
  if (direction > 1) return "unknown decoding direction " + std::to_string(direction);
  m.right_to_left = direction == 1;
  const uint32_t n_labels = r.u32();
  // Each count is checked against the bytes left before anything is allocated for it.
  if (n_labels == 0 || n_labels > kMaxLabels || !r.have(uint64_t{n_labels} * 8)) return "bad label count";
  for (uint32_t i = 0; i < n_labels && !r.truncated; ++i) {
    Label l;
    l.upos = r.str();
    l.xpos = r.str();
    m.labels.push_back(std::move(l));
  }
  const uint32_t n_dict = r.u32();
  if (!r.have(uint64_t{n_dict} * 6)) return "truncated";
  for (uint32_t i = 0; i < n_dict && !r.truncated; ++i) {
    std::string word = r.str();
    const uint16_t label = r.u16();
    if (label >= n_labels) return "tag dictionary label out of range";
    if (!m.tagdict.empty() && m.tagdict.back().first >= word) return "tag dictionary not sorted";
    m.tagdict.emplace_back(std::move(word), label);
  }
  if (std::string why = m.weights.read(r, n_labels); !why.empty()) return why;
  m.build_indexes();
  return {};
}

}  // namespace

// --- PosTagger ------------------------------------------------------------------------------------

PosTagger::PosTagger() = default;
PosTagger::~PosTagger() = default;

uint64_t PosTagger::feature_fingerprint() {
  static const uint64_t kFingerprint = compute_fingerprint();
  return kFingerprint;
}

void PosTagger::build_word_cache(std::vector<std::string> words) {
  auto cache = std::make_unique<WordCache>();
  cache->words = std::move(words);
  std::vector<uint64_t> keys;
  keys.reserve(cache->words.size());
  for (const std::string& w : cache->words) {
    WordInfo info = word_info(w);
    info.lex = lexicon_classes(lexicon_.get(), info.norm);
    cache->infos.push_back(info);
    keys.push_back(info.form);
  }
  cache->index.build(keys);
  for (const auto& model : models_) model->build_cache(cache->infos);
  word_cache_ = std::move(cache);
}

void PosTagger::tag(std::span<const std::string_view> words, std::vector<std::string>& upos,
                    std::vector<std::string>& xpos) const {
  upos.assign(words.size(), std::string());
  xpos.assign(words.size(), std::string());
  if (words.empty()) return;
  std::vector<int32_t> types;
  const std::vector<WordInfo> info = sentence_info(words, lexicon_.get(), word_cache_.get(), &types);
  const std::vector<uint64_t> static_keys = static_features(info, &types);
  std::vector<uint16_t> labels;
  std::vector<float> scores;
  std::vector<uint16_t> other_labels;
  std::vector<float> other_scores;
  // models_ holds, per target, a left-to-right model optionally followed by a right-to-left one
  // (checked by load() and built so by train()).
  for (size_t m = 0; m < models_.size(); ++m) {
    const Model& model = *models_[m];
    model.decode(info, types, static_keys, scores, labels);
    if (m + 1 < models_.size() && models_[m + 1]->target == model.target) {
      // Both directions: each word gets the label with the best sum of the two models' scores.
      models_[++m]->decode(info, types, static_keys, other_scores, other_labels);
      const size_t n_labels = model.labels.size();
      for (size_t i = 0; i < words.size(); ++i) {
        if (model.dictionary_label(info[i + kContext]) >= 0) continue;
        float* s = scores.data() + i * n_labels;
        const float* t = other_scores.data() + i * n_labels;
        for (size_t l = 0; l < n_labels; ++l) s[l] += t[l];
        labels[i] = static_cast<uint16_t>(std::max_element(s, s + n_labels) - s);
      }
    }
    for (size_t i = 0; i < words.size(); ++i) {
      const Label& l = model.labels[labels[i]];
      if (model.target != Target::kXpos) upos[i] = l.upos;
      if (model.target != Target::kUpos) xpos[i] = l.xpos;
    }
  }
}

namespace {
// This build's kind of POS model file (see perceptron::ModelFileKind).
perceptron::ModelFileKind model_file_kind() {
  return {kMagic, kPosModelFormatVersion, PosTagger::feature_fingerprint(), "POS model"};
}
}  // namespace

Status PosTagger::save(const std::filesystem::path& path) const {
  Writer w = perceptron::begin_model_file(model_file_kind());
  w.str(config_json_);
  const size_t lexicon_size = lexicon_ ? lexicon_->keys.size() : 0;
  w.u32(static_cast<uint32_t>(lexicon_size));
  for (size_t i = 0; i < lexicon_size; ++i) w.u64(lexicon_->keys[i]);
  for (size_t i = 0; i < lexicon_size; ++i) w.u16(lexicon_->classes[i]);
  const size_t cache_size = word_cache_ ? word_cache_->words.size() : 0;
  w.u32(static_cast<uint32_t>(cache_size));
  for (size_t i = 0; i < cache_size; ++i) w.str(word_cache_->words[i]);
  w.u32(static_cast<uint32_t>(models_.size()));
  for (const auto& m : models_) write_model(*m, w);
  return perceptron::finish_model_file(w, path);
}

Result<std::unique_ptr<PosTagger>> PosTagger::load(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto file = perceptron::read_model_file(path, model_file_kind());
  if (!file.ok()) return file.status();
  const auto corrupt = [&](std::string_view why) {
    return Status(ErrorCode::kCorrupt, name + ": corrupt POS model: " + std::string(why));
  };
  Reader r(file->payload());
  auto tagger = std::unique_ptr<PosTagger>(new PosTagger());
  tagger->config_json_ = r.str();
  const uint32_t lexicon_size = r.u32();
  if (!r.have(uint64_t{lexicon_size} * (sizeof(uint64_t) + sizeof(uint16_t)))) return corrupt("truncated");
  if (lexicon_size > 0) {
    auto lexicon = std::make_unique<Lexicon>();
    lexicon->keys.resize(lexicon_size);
    lexicon->classes.resize(lexicon_size);
    for (uint64_t& k : lexicon->keys) k = r.u64();
    for (uint16_t& c : lexicon->classes) c = r.u16();
    for (size_t i = 0; i < lexicon_size; ++i) {
      if (lexicon->keys[i] == 0 || (i > 0 && lexicon->keys[i] <= lexicon->keys[i - 1]))
        return corrupt("lexicon keys not sorted");
    }
    lexicon->index.build(lexicon->keys);
    tagger->lexicon_ = std::move(lexicon);
  }
  const uint32_t cache_size = r.u32();
  if (!r.have(uint64_t{cache_size} * sizeof(uint32_t))) return corrupt("truncated");
  std::vector<std::string> cache_words;
  cache_words.reserve(cache_size);
  for (uint32_t i = 0; i < cache_size && !r.truncated; ++i) cache_words.push_back(r.str());
  const uint32_t n_models = r.u32();
  if (r.truncated) return corrupt("truncated");
  if (n_models == 0 || n_models > kMaxModels) return corrupt(std::to_string(n_models) + " models");
  for (uint32_t i = 0; i < n_models; ++i) {
    auto model = std::make_unique<Model>();
    if (std::string why = read_model(r, *model); !why.empty()) return corrupt(why);
    tagger->models_.push_back(std::move(model));
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  // The layout train() writes: per target (joint; or XPOS then UPOS) a left-to-right model,
  // optionally followed by a right-to-left one with the same labels.
  std::vector<Target> targets;
  for (size_t i = 0; i < tagger->models_.size(); ++i) {
    const Model& m = *tagger->models_[i];
    if (m.right_to_left) {
      const bool pairs = i > 0 && !tagger->models_[i - 1]->right_to_left &&
                         tagger->models_[i - 1]->target == m.target &&
                         tagger->models_[i - 1]->labels == m.labels;
      if (!pairs) return corrupt("a right-to-left model without its left-to-right twin");
    } else {
      targets.push_back(m.target);
    }
  }
  const bool layout_ok = targets == std::vector<Target>{Target::kJoint} ||
                         targets == std::vector<Target>{Target::kXpos, Target::kUpos};
  if (!layout_ok) return corrupt("unexpected combination of models");
  tagger->build_word_cache(std::move(cache_words));
  return tagger;
}

std::vector<TaggedSentence> tagged_sentences(const std::vector<ConlluSentence>& conllu) {
  std::vector<TaggedSentence> out;
  out.reserve(conllu.size());
  for (const ConlluSentence& s : conllu) {
    TaggedSentence t;
    t.words.reserve(s.words.size());
    t.upos.reserve(s.words.size());
    t.xpos.reserve(s.words.size());
    for (const ConlluWord& w : s.words) {
      t.words.push_back(w.form);
      t.upos.push_back(w.upos);
      t.xpos.push_back(w.xpos);
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TaggedSentence>> read_tagged_sentences(const std::filesystem::path& path) {
  auto conllu = read_conllu(path);
  if (!conllu.ok()) return conllu.status();
  return tagged_sentences(conllu.value());
}

}  // namespace caspian::nlp
