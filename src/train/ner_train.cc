// Training the named-entity recogniser: gold BILOU labels, gazetteers from the knowledge base and
// actor dictionaries, word clusters, the averaged perceptron per stage and the jackknifed second
// stage (NerTagger::train). See ner_tagger.h for the contract.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kb/gazetteer.h"
#include "nlp/conllu.h"
#include "nlp/ner_model.h"
#include "nlp/ner_tagger.h"
#include "train/ner_clusters.h"

namespace caspian::nlp {

using namespace ner_detail;

namespace {

// --- training --------------------------------------------------------------------------------------

// BILOU labels of a sentence's gold tags, for the model's types (other types are O).
std::vector<uint32_t> gold_labels(const NerSentence& s, const std::vector<std::string>& types) {
  std::vector<uint32_t> out(s.words.size(), 0);
  for (const NerChunk& c : chunks_of(s.tags)) {
    const auto it = std::lower_bound(types.begin(), types.end(), c.type);
    if (it == types.end() || *it != c.type) continue;
    const auto t = static_cast<size_t>(it - types.begin());
    for (uint32_t i = c.begin; i < c.end; ++i) {
      const Position p = c.end - c.begin == 1 ? kU : i == c.begin ? kB : i + 1 == c.end ? kL : kI;
      out[i] = label_of(t, p);
    }
  }
  return out;
}

std::vector<std::vector<std::string_view>> views_of(const NerDocument& d) {
  std::vector<std::vector<std::string_view>> out;
  out.reserve(d.sentences.size());
  for (const NerSentence& s : d.sentences) out.emplace_back(s.words.begin(), s.words.end());
  return out;
}

// Adds a name's key (and its word prefixes, as prefixes) to `masks`.
void add_gazetteer_key(std::string_view key, uint32_t mask, std::map<uint64_t, uint32_t>& masks) {
  const size_t words = static_cast<size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
  if (key.empty() || words > kMaxGazetteerWords) return;
  masks[hash_string(key) | 1] |= mask;
  for (size_t pos = key.find(' '); pos != std::string_view::npos; pos = key.find(' ', pos + 1))
    masks[hash_string(key.substr(0, pos)) | 1] |= kGazetteerPrefixBit;
}

// Reads a PETRARCH actor dictionary: entries are unindented lines "NAME_WITH_UNDERSCORES_ [CODE]"
// with '+' synonym lines and indented "[CODE date-range]" lines. An entry with a dated code is a
// person (leaders are dated by term); other entries count as organisations when `organisations`.
// Hand-written: a line format of its own, no library reads it.
Status read_actor_dictionary(const std::filesystem::path& path, bool organisations,
                             std::map<uint64_t, uint32_t>& masks, size_t& people, size_t& orgs) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  std::vector<std::string> names;
  bool dated = false;
  const auto flush = [&] {
    for (const std::string& n : names) {
      const std::string key = kb::Gazetteer::key(n);
      if (key.empty()) continue;
      if (dated) {
        const size_t first = key.find(' ');
        if (first == std::string::npos) continue;  // a single word is too ambiguous for a person
        add_gazetteer_key(key, 1U << kGazPerson, masks);
        add_gazetteer_key(std::string_view(key).substr(0, first), 1U << kGazFirstName, masks);
        add_gazetteer_key(std::string_view(key).substr(key.rfind(' ') + 1), 1U << kGazLastName, masks);
        ++people;
      } else if (organisations) {
        add_gazetteer_key(key, 1U << kGazOrganisation, masks);
        ++orgs;
      }
    }
    names.clear();
    dated = false;
  };
  // A code with a date: "[AFGGOV 950101-960626]", "[IGOUNO >100201]", "[XXX <990101]".
  const auto has_dated_code = [](std::string_view line) {
    for (size_t b = line.find('['); b != std::string_view::npos; b = line.find('[', b + 1)) {
      const size_t sp = line.find(' ', b);
      const size_t close = line.find(']', b);
      if (sp == std::string_view::npos || close == std::string_view::npos || sp > close ||
          sp + 1 >= line.size())
        continue;
      const char c = line[sp + 1];
      if ((c >= '0' && c <= '9') || c == '>' || c == '<') return true;
    }
    return false;
  };
  std::string_view all(*bytes);
  while (!all.empty()) {
    size_t eol = all.find('\n');
    if (eol == std::string_view::npos) eol = all.size();
    const std::string_view line = all.substr(0, eol);
    all.remove_prefix(std::min(all.size(), eol + 1));
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == ' ' || line[0] == '\t') {
      dated = dated || has_dated_code(line);
      continue;
    }
    const bool synonym = line[0] == '+';
    if (!synonym) flush();
    std::string_view name = line.substr(synonym ? 1 : 0);
    name = name.substr(0, std::min(name.find_first_of(" \t[#"), name.size()));
    std::string spaced(name);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    names.push_back(std::move(spaced));
    dated = dated || has_dated_code(line);
  }
  flush();
  return Status::Ok();
}

Status build_gazetteer(const std::filesystem::path& dir, const NerTrainOptions& options, NerTagger::Model& m,
                       std::ostream* log) {
  auto gaz = kb::Gazetteer::load(dir);
  if (!gaz.ok()) return gaz.status();
  std::map<uint64_t, uint32_t> masks;
  size_t people = 0;
  size_t orgs = 0;
  for (const std::filesystem::path& p : options.actor_dictionaries) {
    const std::string name = p.filename().string();
    // Country actor dictionaries mix countries, places and groups: only their (dated) people count.
    const bool orgs_ok = name.find("Countries") == std::string::npos;
    CASPIAN_RETURN_IF_ERROR(read_actor_dictionary(p, orgs_ok, masks, people, orgs));
  }
  (*gaz)->for_each_name([&](std::string_view key, std::span<const kb::NameRef> refs) {
    uint32_t mask = 0;
    for (const kb::NameRef& r : refs) {
      switch (r.type) {
        case kb::NameType::kCountryName:
          mask |= 1U << kGazCountry;
          break;
        case kb::NameType::kCountryAdjective:
          mask |= 1U << kGazDemonym;
          break;
        case kb::NameType::kCountryAcronym:
          mask |= 1U << kGazAcronym;
          break;
        case kb::NameType::kPlace:
        case kb::NameType::kPlaceAlias: {
          const kb::Place& p = (*gaz)->places()[r.index];
          const bool major = p.population >= kMajorPlacePopulation || p.feature_code == "PPLC";
          mask |= 1U << (major ? kGazMajorPlace : kGazPlace);
          break;
        }
        case kb::NameType::kSubdivision:
          mask |= 1U << kGazSubdivision;
          break;
        case kb::NameType::kFeature:
          mask |= 1U << kGazFeature;
          break;
      }
    }
    add_gazetteer_key(key, mask, masks);
  });
  for (const auto& [k, mask] : masks) {
    m.gaz_keys.push_back(k);
    m.gaz_masks.push_back(mask);
  }
  if (log != nullptr) {
    *log << "gazetteer: " << m.gaz_keys.size() << " keys from " << dir.string() << " and "
         << options.actor_dictionaries.size() << " actor dictionaries (" << people << " people, " << orgs
         << " organisations)\n";
  }
  return Status::Ok();
}

Status build_clusters(const std::vector<NerDocument>& train, const NerTrainOptions& options,
                      NerTagger::Model& m, std::ostream* log) {
  std::vector<std::vector<std::string>> sentences;
  for (const std::filesystem::path& p : options.unlabelled)
    CASPIAN_RETURN_IF_ERROR(read_unlabelled_text(p, sentences));
  if (options.unlabelled.empty()) return Status::Ok();
  for (const NerDocument& d : train) {
    for (const NerSentence& s : d.sentences) sentences.push_back(s.words);
  }
  ClusterOptions co;
  co.min_count = options.cluster_min_count;
  co.vocabulary = options.cluster_vocabulary;
  co.context = options.cluster_context;
  co.dimensions = options.cluster_dimensions;
  co.iterations = options.cluster_iterations;
  co.seed = options.seed;
  const WordClusters clusters = learn_word_clusters(sentences, co, log);
  std::vector<std::pair<uint64_t, std::array<uint16_t, kNerClusterSizes.size()>>> rows;
  for (size_t i = 0; i < clusters.words.size(); ++i)
    rows.emplace_back(hash_string(clusters.words[i]) | 1, clusters.ids[i]);
  std::sort(rows.begin(), rows.end());
  rows.erase(
      std::unique(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      rows.end());
  for (const auto& [k, ids] : rows) {
    m.cluster_keys.push_back(k);
    m.cluster_ids.push_back(ids);
  }
  return Status::Ok();
}

struct Counts {
  size_t gold = 0, predicted = 0, correct = 0;
  [[nodiscard]] double f1() const {
    return gold + predicted == 0 ? 0.0
                                 : 2.0 * static_cast<double>(correct) / static_cast<double>(gold + predicted);
  }
};

Counts score_docs(const NerTagger& tagger, const std::vector<NerDocument>& docs) {
  Counts c;
  for (const NerDocument& d : docs) {
    const std::vector<NerSpan> spans = tagger.tag_document(views_of(d));
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t, std::string>> predicted;
    for (const NerSpan& s : spans) predicted.emplace_back(s.sentence, s.begin, s.end, std::string(s.type));
    std::sort(predicted.begin(), predicted.end());
    for (size_t i = 0; i < d.sentences.size(); ++i) {
      for (const NerChunk& g : chunks_of(d.sentences[i].tags)) {
        ++c.gold;
        if (std::binary_search(predicted.begin(), predicted.end(),
                               std::make_tuple(static_cast<uint32_t>(i), g.begin, g.end, g.type)))
          ++c.correct;
      }
    }
    c.predicted += spans.size();
  }
  return c;
}

// Trains one stage's averaged perceptron on the documents `subset` of `docs` (with their extra keys
// when the documents carry them). The result is frozen (averaged, pruned) but its table not built.
NerTagger::Model::Stage train_stage(const std::vector<PreparedDoc>& docs,
                                    const std::vector<std::vector<uint32_t>>& gold,
                                    const std::vector<size_t>& subset, const NerTagger::Model& m,
                                    const NerTrainOptions& options, std::ostream* log) {
  perceptron::AveragedTrainer trainer;
  const auto score = [&](size_t, const uint64_t* k, size_t, size_t n, float* sc) {
    trainer.add_scores(std::span<const uint64_t>(k, n), sc);
  };
  std::vector<size_t> order(subset);
  std::mt19937_64 rng(options.seed);
  for (int pass = 1; pass <= options.iterations; ++pass) {
    // Fisher-Yates by hand: std::shuffle's use of the engine is implementation-defined.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    size_t seen = 0;
    size_t correct = 0;
    for (const size_t d : order) {
      const std::vector<uint32_t>& g = gold[d];
      decode(docs[d], m.n_types, score,
             [&](size_t w, const std::vector<uint64_t>& feats, uint32_t guess, const std::vector<float>& sc,
                 uint64_t, bool) {
               // Updates against the best label over all labels, legal or not, so that the scores of
               // labels the decoder's constraints mask stay comparable (decode_stage's repair compares them).
               const auto top = static_cast<uint32_t>(std::max_element(sc.begin(), sc.end()) - sc.begin());
               if (top != g[w]) {
                 trainer.update(feats, static_cast<uint16_t>(g[w]), 1.0F);
                 trainer.update(feats, static_cast<uint16_t>(top), -1.0F);
               }
               trainer.tick();
               ++seen;
               correct += guess == g[w] ? 1 : 0;
               return guess;
             });
    }
    if (log != nullptr) {
      *log << "pass " << pass << "/" << options.iterations << ": training label accuracy "
           << static_cast<double>(correct) / static_cast<double>(std::max<size_t>(seen, 1)) << ", "
           << trainer.features() << " features\n"
           << std::flush;
    }
  }
  // Averaged, pruned and laid out flat, sorted by key; labels fit the file's u8 (kMaxTypes).
  perceptron::SparseWeights frozen = trainer.freeze(options.prune_below);
  NerTagger::Model::Stage st;
  st.keys = std::move(frozen.keys);
  st.row_end = std::move(frozen.row_end);
  st.entry_label.assign(frozen.entry_class.begin(), frozen.entry_class.end());
  st.entry_weight = std::move(frozen.entry_weight);
  return st;
}

}  // namespace

Result<std::unique_ptr<NerTagger>> NerTagger::train(const std::vector<NerDocument>& train,
                                                    const std::vector<NerDocument>& dev,
                                                    const NerTrainOptions& options, std::ostream* log) {
  if (options.iterations < 1) return Status(ErrorCode::kInvalidArgument, "iterations must be at least 1");
  if (options.cluster_min_count < 1 || options.cluster_vocabulary < 1 || options.cluster_context < 1 ||
      options.cluster_dimensions < 1 || options.cluster_iterations < 1)
    return Status(ErrorCode::kInvalidArgument, "cluster options must be positive");
  size_t train_words = 0;
  for (const std::vector<NerDocument>* data : {&train, &dev}) {
    for (const NerDocument& d : *data) {
      for (const NerSentence& s : d.sentences) {
        if (s.tags.size() != s.words.size())
          return Status(ErrorCode::kInvalidArgument, "a sentence has different numbers of words and tags");
        if (data == &train) train_words += s.words.size();
      }
    }
  }
  if (train_words == 0) return Status(ErrorCode::kEmptyInput, "no training words");
  auto tagger = std::unique_ptr<NerTagger>(new NerTagger());
  tagger->types_ = ner_types(train);
  if (tagger->types_.empty()) return Status(ErrorCode::kInvalidArgument, "the training data has no entities");
  if (tagger->types_.size() > kMaxTypes)
    return Status(ErrorCode::kInvalidArgument, std::to_string(tagger->types_.size()) +
                                                   " entity types; at most " + std::to_string(kMaxTypes) +
                                                   " are supported");
  Model& m = *tagger->model_;
  m.n_types = tagger->types_.size();
  if (!options.gazetteer_dir.empty())
    CASPIAN_RETURN_IF_ERROR(build_gazetteer(options.gazetteer_dir, options, m, log));
  CASPIAN_RETURN_IF_ERROR(build_clusters(train, options, m, log));
  m.build_indexes();

  std::vector<PreparedDoc> prepared;
  std::vector<std::vector<uint32_t>> gold;
  prepared.reserve(train.size());
  for (const NerDocument& d : train) {
    prepared.push_back(prepare(m, views_of(d)));
    std::vector<uint32_t> g;
    for (const NerSentence& s : d.sentences) {
      const std::vector<uint32_t> l = gold_labels(s, tagger->types_);
      g.insert(g.end(), l.begin(), l.end());
    }
    gold.push_back(std::move(g));
  }

  // Stage one on all documents; with a second stage, stage-one models trained on all but one fold
  // label that fold (jackknifing), so that the second stage learns from first-stage labels as
  // noisy as on unseen text.
  std::vector<size_t> all(train.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  m.stages.push_back(train_stage(prepared, gold, all, m, options, log));
  m.build_indexes();
  Counts dev_counts;
  if (!dev.empty()) {
    dev_counts = score_docs(*tagger, dev);
    if (log != nullptr) *log << "stage 1 dev F1 " << dev_counts.f1() << "\n" << std::flush;
  }
  const int folds = options.second_stage_folds;
  if (folds >= 2) {
    std::vector<std::vector<uint32_t>> first(train.size());
    for (int k = 0; k < folds; ++k) {
      std::vector<size_t> rest;
      std::vector<size_t> held;
      for (size_t i = 0; i < train.size(); ++i)
        (static_cast<int>(i % static_cast<size_t>(folds)) == k ? held : rest).push_back(i);
      if (held.empty()) continue;
      Model::Stage st = train_stage(prepared, gold, rest, m, options, nullptr);
      st.table.build(m.n_labels(), st.keys, st.row_end, st.entry_label, st.entry_weight);
      for (const size_t d : held) decode_stage(m, st, prepared[d], first[d], nullptr, 1);
      if (log != nullptr) *log << "jackknife fold " << k + 1 << "/" << folds << " done\n" << std::flush;
    }
    for (size_t d = 0; d < train.size(); ++d) aggregate(prepared[d], first[d], m.n_types);
    m.stages.push_back(train_stage(prepared, gold, all, m, options, log));
    m.build_indexes();
    if (!dev.empty()) {
      dev_counts = score_docs(*tagger, dev);
      if (log != nullptr) *log << "stage 2 dev F1 " << dev_counts.f1() << "\n" << std::flush;
    }
  }
  size_t features = 0;
  size_t weights = 0;
  for (const Model::Stage& st : m.stages) features += st.keys.size(), weights += st.entry_label.size();

  nlohmann::ordered_json config;
  config["format_version"] = kNerModelFormatVersion;
  config["feature_fingerprint"] = hex64(feature_fingerprint());
  config["train"] = {{"source", options.train_source}, {"documents", train.size()}, {"words", train_words}};
  config["dev"] = {{"source", options.dev_source}, {"documents", dev.size()}};
  std::vector<std::string> unlabelled;
  for (const auto& p : options.unlabelled) unlabelled.push_back(p.filename().string());
  std::vector<std::string> actors;
  for (const auto& p : options.actor_dictionaries) actors.push_back(p.filename().string());
  config["options"] = {{"iterations", options.iterations},
                       {"seed", options.seed},
                       {"prune_below", options.prune_below},
                       {"gazetteer", !options.gazetteer_dir.empty()},
                       {"actor_dictionaries", actors},
                       {"unlabelled", unlabelled},
                       {"cluster_min_count", options.cluster_min_count},
                       {"cluster_vocabulary", options.cluster_vocabulary},
                       {"cluster_context", options.cluster_context},
                       {"cluster_dimensions", options.cluster_dimensions},
                       {"cluster_iterations", options.cluster_iterations},
                       {"second_stage_folds", options.second_stage_folds}};
  config["types"] = tagger->types_;
  config["dev_scores"] = {{"gold", dev_counts.gold},
                          {"predicted", dev_counts.predicted},
                          {"correct", dev_counts.correct},
                          {"f1", dev_counts.f1()}};
  config["model"] = {{"stages", m.stages.size()},
                     {"features", features},
                     {"weights", weights},
                     {"gazetteer_keys", m.gaz_keys.size()},
                     {"cluster_words", m.cluster_keys.size()}};
  tagger->config_json_ = config.dump();
  if (log != nullptr && !dev.empty()) {
    *log << "dev: F1 " << dev_counts.f1() << " (" << dev_counts.correct << " correct of " << dev_counts.gold
         << " gold, " << dev_counts.predicted << " predicted)\n";
  }
  return tagger;
}

}  // namespace caspian::nlp
