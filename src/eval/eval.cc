// `caspian eval` and `caspian train`: dispatch a task name to its evaluator or trainer.
#include "caspian/eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <type_traits>

#include "caspian/pipeline.h"
#include "eval/events_eval.h"
#include "eval/extract_eval.h"
#include "eval/ner_eval.h"
#include "eval/parse_eval.h"
#include "eval/pos_eval.h"
#include "eval/segmentation_eval.h"
#include "eval/stories_eval.h"
#include "eval/timeml_eval.h"
#include "eval/topics_eval.h"
#include "nlp/default_models.h"
#include "nlp/dep_parser.h"
#include "nlp/ner_tagger.h"
#include "nlp/pos_tagger.h"
#include "train/ner_clusters.h"
#include "train/parse_train_data.h"

namespace caspian {

namespace {

// The data directory given (EvalOptions::data_dir, TrainOptions::data_dir), or default_data_dir()
// when empty.
std::filesystem::path data_dir_or_default(const std::filesystem::path& data_dir) {
  return data_dir.empty() ? default_data_dir() : data_dir;
}

// The default model of a task: models/<name> beside the data directory `data_dir` (empty:
// default_data_dir()).
std::filesystem::path default_model(const std::filesystem::path& data_dir, std::string_view file) {
  return nlp::default_model_path(data_dir_or_default(data_dir), file);
}

// Parser training data is tagged by jackknifing: taggers trained on 4/5 of it, with fewer passes
// than the shipped tagger (about a point of POS accuracy for a fifth of the time).
constexpr int kJackknifeFolds = 5;
constexpr int kJackknifeTaggerIterations = 8;
// The word-class lexicon the POS tagger is trained with (scripts/build_lexicon.py), under data/.
constexpr std::string_view kPosLexicon = "lexicon/en-wordnet.tsv.gz";

Result<std::string> eval_tokenize(const std::vector<std::string>& inputs, const EvalOptions&) {
  std::string out;
  for (const std::string& in : inputs) {
    auto report = nlp::evaluate_conllu(in);
    if (!report.ok()) return Status(report.status().code(), in + ": " + report.status().message());
    out += nlp::format_report(*report);
  }
  return out;
}

Result<std::string> eval_timex(const std::vector<std::string>& inputs, const EvalOptions&) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  auto report = nlp::evaluate_timeml(paths);
  if (!report.ok()) return report.status();
  return nlp::format_report(*report);
}

Result<std::string> eval_pos(const std::vector<std::string>& inputs, const EvalOptions& options) {
  const std::filesystem::path model = options.model.empty()
                                          ? default_model(options.data_dir, nlp::kPosModelFile)
                                          : std::filesystem::path(options.model);
  auto tagger = nlp::PosTagger::load(model);
  if (!tagger.ok()) return tagger.status();
  std::string out = fmt::format("model {}\n", model.string());
  for (const std::string& in : inputs) {
    auto report = nlp::evaluate_pos(**tagger, in);
    if (!report.ok()) return Status(report.status().code(), in + ": " + report.status().message());
    out += nlp::format_report(*report);
  }
  return out;
}

// Parses with predicted tags: the words are tagged by the default POS model first.
Result<std::string> eval_parse(const std::vector<std::string>& inputs, const EvalOptions& options) {
  const std::filesystem::path model = options.model.empty()
                                          ? default_model(options.data_dir, nlp::kParseModelFile)
                                          : std::filesystem::path(options.model);
  auto parser = nlp::DepParser::load(model);
  if (!parser.ok()) return parser.status();
  if (options.beam_margin >= 0) CASPIAN_RETURN_IF_ERROR((*parser)->set_beam_margin(options.beam_margin));
  auto tagger = nlp::PosTagger::load(default_model(options.data_dir, nlp::kPosModelFile));
  if (!tagger.ok()) return tagger.status();
  std::string out = fmt::format("model {}\ntagger {}\nbeam {}, margin {}\n", model.string(),
                                default_model(options.data_dir, nlp::kPosModelFile).string(),
                                (*parser)->beam(), (*parser)->beam_margin());
  for (const std::string& in : inputs) {
    auto report = nlp::evaluate_parse(**parser, tagger->get(), in);
    if (!report.ok()) return Status(report.status().code(), in + ": " + report.status().message());
    out += nlp::format_report(*report);
  }
  return out;
}

// CoNLL NER files (4-col, 2-col or tab, detected or --format); re3d types are mapped automatically.
Result<std::string> eval_ner(const std::vector<std::string>& inputs, const EvalOptions& options) {
  const std::filesystem::path model = options.model.empty()
                                          ? default_model(options.data_dir, nlp::kNerModelFile)
                                          : std::filesystem::path(options.model);
  nlp::NerFormat format = nlp::NerFormat::kAuto;
  if (!options.format.empty() && !nlp::parse_ner_format(options.format, format))
    return Status(ErrorCode::kInvalidArgument,
                  "unknown NER format '" + options.format + "' (auto, conll4, conll2, tab)");
  auto tagger = nlp::NerTagger::load(model);
  if (!tagger.ok()) return tagger.status();
  std::string out = fmt::format("model {}\n", model.string());
  std::ofstream predictions;
  if (!options.predictions.empty()) {
    predictions.open(options.predictions, std::ios::binary | std::ios::trunc);
    if (!predictions) return Status(ErrorCode::kIoError, "cannot write " + options.predictions);
  }
  for (const std::string& in : inputs) {
    auto report = nlp::evaluate_ner(**tagger, in, format, nlp::NerTypeMapping::kAuto,
                                    predictions.is_open() ? &predictions : nullptr);
    if (!report.ok()) return report.status();
    out += nlp::format_report(*report);
  }
  return out;
}

Result<std::string> eval_extract(const std::vector<std::string>& inputs, const EvalOptions&) {
  return extract::evaluate_extraction(inputs);
}

// PETRARCH validation records: every sentence from its raw text through the whole pipeline.
Result<std::string> eval_events(const std::vector<std::string>& inputs, const EvalOptions& options) {
  PipelineOptions po;
  po.data_dir = options.data_dir;
  po.parse_model = options.model;
  po.event_dictionaries.actors.assign(options.actor_files.begin(), options.actor_files.end());
  po.event_dictionaries.verbs = options.verb_dictionary;
  po.event_dictionaries.agents = options.agent_dictionary;
  po.event_dictionaries.only_given_actors = options.only_given_actors;
  auto pipeline = Pipeline::create(po);
  if (!pipeline.ok()) return pipeline.status();
  std::string out;
  for (const std::string& in : inputs) {
    auto report = events::evaluate_events(*pipeline, in, options.verbose);
    if (!report.ok()) return report.status();
    out += events::format_report(*report);
  }
  return out;
}

Result<std::string> eval_stories(const std::vector<std::string>& inputs, const EvalOptions& options) {
  PipelineOptions po;
  po.data_dir = options.data_dir;
  auto pipeline = Pipeline::create(po);
  if (!pipeline.ok()) return pipeline.status();
  std::string out;
  for (const std::string& in : inputs) {
    auto report = stories::evaluate_stories(*pipeline, in, options.threads);
    if (!report.ok()) return Status(report.status().code(), in + ": " + report.status().message());
    out += stories::format_report(*report);
  }
  return out;
}

Result<nlp::TopicTaxonomy> topic_taxonomy(const std::filesystem::path& data_dir) {
  return nlp::TopicTaxonomy::load(data_dir_or_default(data_dir) / nlp::kTopicTaxonomyFile);
}

Result<std::string> eval_topics(const std::vector<std::string>& inputs, const EvalOptions& options) {
  auto model = nlp::TopicModel::load(options.model.empty() ? default_model(options.data_dir, nlp::kTopicModelFile)
                                                           : std::filesystem::path(options.model));
  if (!model.ok()) return model.status();
  auto taxonomy = topic_taxonomy(options.data_dir);
  if (!taxonomy.ok()) return taxonomy.status();
  std::string out;
  for (const std::string& in : inputs) {
    auto examples = nlp::read_topic_examples(in);
    if (!examples.ok()) return examples.status();
    out += nlp::format_report(nlp::evaluate_topics(**model, *taxonomy, *examples, in));
  }
  return out;
}

struct EvalTask {
  std::string_view name;
  Result<std::string> (*run)(const std::vector<std::string>&, const EvalOptions&);
};

constexpr EvalTask kEvalTasks[] = {
    {"tokenize", &eval_tokenize},  // CoNLL-U: sentence and token F1 (CoNLL 2018 style)
    {"timex", &eval_timex},        // TimeML: TempEval-3 span F1, value and type accuracy
    {"pos", &eval_pos},            // CoNLL-U: UPOS and XPOS accuracy on gold tokens
    {"parse", &eval_parse},        // CoNLL-U: UAS and LAS on gold tokens, predicted tags
    {"ner", &eval_ner},            // CoNLL NER: conlleval exact-span P/R/F1 per type
    {"extract", &eval_extract},    // HTML pages: main-text shingle/word F1 (scrapinghub), title/author/date
    {"stories", &eval_stories},    // Current Events records: B-cubed P/R/F1 of the stories made on ingest
    {"events", &eval_events},      // PETRARCH validation records: (code, source, target) P/R/F1
    {"topics", &eval_topics},      // labelled JSONL (text, labels): level-1 accuracy and macro-F1, level-2 F1
};

// Reads every training file with `read(path)` (returning a Result of a vector) and concatenates
// their items in order. With `name_file`, read's errors get the file's name in front (for readers
// whose messages lack it).
template <typename Read>
auto read_training_files(const std::vector<std::string>& paths, Read read, bool name_file)
    -> decltype(read(std::filesystem::path())) {
  if (paths.empty()) return Status(ErrorCode::kInvalidArgument, "no training file");
  std::remove_cvref_t<decltype(read(std::filesystem::path()).value())> all;
  for (const std::string& path : paths) {
    auto part = read(path);
    if (!part.ok()) {
      return name_file ? Status(part.status().code(), path + ": " + part.status().message()) : part.status();
    }
    std::move(part->begin(), part->end(), std::back_inserter(all));
  }
  return all;
}

// The training files as recorded in a model's training config: the paths, comma-separated.
std::string train_source(const TrainOptions& options) {
  return fmt::format("{}", fmt::join(options.train, ", "));
}

Result<std::string> train_pos(const TrainOptions& options) {
  auto train = read_training_files(
      options.train, [](const std::filesystem::path& p) { return nlp::read_tagged_sentences(p); }, true);
  if (!train.ok()) return train.status();
  std::vector<nlp::TaggedSentence> dev;
  if (!options.dev.empty()) {
    auto d = nlp::read_tagged_sentences(options.dev);
    if (!d.ok()) return Status(d.status().code(), options.dev + ": " + d.status().message());
    dev = std::move(d).value();
  }
  nlp::PosTrainOptions opts;
  opts.lexicon = (data_dir_or_default(options.data_dir) / kPosLexicon).string();
  opts.train_source = train_source(options);
  opts.dev_source = options.dev;
  std::ostringstream log;
  auto tagger = nlp::PosTagger::train(*train, dev, opts, &log);
  if (!tagger.ok()) return tagger.status();
  CASPIAN_RETURN_IF_ERROR((*tagger)->save(options.output));
  log << "wrote " << options.output << "\n";
  return log.str();
}

// Uptraining: the trees `options.teachers` give the sentences of `options.unlabelled`, tagged by
// `tagger` (see nlp::silver_parses).
Result<std::vector<nlp::ParsedSentence>> silver_trees(const TrainOptions& options,
                                                      const nlp::PosTagger& tagger, std::ostream& log) {
  std::vector<std::unique_ptr<nlp::DepParser>> teachers;
  std::vector<const nlp::DepParser*> views;
  for (const std::string& path : options.teachers) {
    auto teacher = nlp::DepParser::load(path);
    if (!teacher.ok()) return teacher.status();
    teachers.push_back(std::move(teacher).value());
    views.push_back(teachers.back().get());
  }
  std::vector<std::vector<std::string>> sentences;
  for (const std::string& path : options.unlabelled)
    CASPIAN_RETURN_IF_ERROR(nlp::read_unlabelled_text(path, sentences));
  nlp::SilverOptions silver;
  silver.every = static_cast<size_t>(std::max(options.silver_every, 1));
  return nlp::silver_parses(tagger, views, sentences, silver, &log);
}

// Trains on jackknifed tags, plus silver trees with --unlabelled; dev and the silver trees are
// tagged by the default POS model, as at evaluation time.
Result<std::string> train_parse(const TrainOptions& options) {
  if (!options.unlabelled.empty() && options.teachers.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "train parse: --unlabelled needs --teacher, a parser model that parses it");
  }
  auto train = read_training_files(
      options.train, [](const std::filesystem::path& p) { return nlp::read_parsed_sentences(p); }, true);
  if (!train.ok()) return train.status();
  std::vector<nlp::ParsedSentence> dev;
  if (!options.dev.empty()) {
    auto d = nlp::read_parsed_sentences(options.dev);
    if (!d.ok()) return Status(d.status().code(), options.dev + ": " + d.status().message());
    dev = std::move(d).value();
  }
  std::ostringstream log;
  std::vector<nlp::ParsedSentence> silver;
  if (!dev.empty() || !options.unlabelled.empty()) {
    auto tagger = nlp::PosTagger::load(default_model(options.data_dir, nlp::kPosModelFile));
    if (!tagger.ok()) return tagger.status();
    nlp::retag(**tagger, dev);
    if (!options.unlabelled.empty()) {
      auto s = silver_trees(options, **tagger, log);
      if (!s.ok()) return s.status();
      silver = std::move(s).value();
    }
  }
  nlp::PosTrainOptions tag_opts;
  tag_opts.lexicon = (data_dir_or_default(options.data_dir) / kPosLexicon).string();
  tag_opts.iterations = kJackknifeTaggerIterations;
  CASPIAN_RETURN_IF_ERROR(nlp::jackknife_tags(*train, kJackknifeFolds, tag_opts, &log));
  std::string silver_source;
  if (!options.unlabelled.empty()) {
    silver_source = fmt::format("; {} silver trees (tags: {}) parsed by {} from one sentence in {} of {}",
                                silver.size(), nlp::kPosModelFile, fmt::join(options.teachers, " = "),
                                options.silver_every, fmt::join(options.unlabelled, ", "));
  }
  std::move(silver.begin(), silver.end(), std::back_inserter(*train));
  nlp::ParseTrainOptions opts;
  if (options.beam > 0) opts.beam = options.beam;
  opts.beam_margin = options.beam_margin;
  if (options.prune_below >= 0) opts.prune_below = options.prune_below;
  opts.train_source = train_source(options);
  opts.dev_source = options.dev;
  opts.tag_source = fmt::format("train: jackknifed in {} folds ({}-pass taggers); dev: {}{}", kJackknifeFolds,
                                kJackknifeTaggerIterations, nlp::kPosModelFile, silver_source);
  auto parser = nlp::DepParser::train(*train, dev, opts, &log);
  if (!parser.ok()) return parser.status();
  CASPIAN_RETURN_IF_ERROR((*parser)->save(options.output));
  log << "wrote " << options.output << "\n";
  return log.str();
}

// Gazetteer from the data directory; word clusters from --unlabelled files (see models/ner-en-conll.md).
Result<std::string> train_ner(const TrainOptions& options) {
  // read_conll_ner's errors name the file.
  auto train = read_training_files(
      options.train, [](const std::filesystem::path& p) { return nlp::read_conll_ner(p); }, false);
  if (!train.ok()) return train.status();
  std::vector<nlp::NerDocument> dev;
  if (!options.dev.empty()) {
    auto d = nlp::read_conll_ner(options.dev);
    if (!d.ok()) return d.status();
    dev = std::move(d).value();
  }
  nlp::NerTrainOptions opts;
  opts.gazetteer_dir = data_dir_or_default(options.data_dir) / "gazetteer";
  opts.unlabelled.assign(options.unlabelled.begin(), options.unlabelled.end());
  opts.actor_dictionaries.assign(options.names.begin(), options.names.end());
  opts.train_source = train_source(options);
  opts.dev_source = options.dev;
  std::ostringstream log;
  auto tagger = nlp::NerTagger::train(*train, dev, opts, &log);
  if (!tagger.ok()) return tagger.status();
  CASPIAN_RETURN_IF_ERROR((*tagger)->save(options.output));
  log << "wrote " << options.output << "\n";
  return log.str();
}

// Labelled JSONL (text, labels) with the data directory's taxonomy (see models/topics-iptc-cep.md).
Result<std::string> train_topics(const TrainOptions& options) {
  auto train = read_training_files(
      options.train, [](const std::filesystem::path& p) { return nlp::read_topic_examples(p); }, false);
  if (!train.ok()) return train.status();
  auto taxonomy = topic_taxonomy(options.data_dir);
  if (!taxonomy.ok()) return taxonomy.status();
  nlp::TopicTrainOptions opts;
  opts.train_source = train_source(options);
  std::ostringstream log;
  auto model = nlp::TopicModel::train(*train, *taxonomy, opts, &log);
  if (!model.ok()) return model.status();
  CASPIAN_RETURN_IF_ERROR((*model)->save(options.output));
  log << "wrote " << options.output << "\n";
  if (!options.dev.empty()) {
    auto dev = nlp::read_topic_examples(options.dev);
    if (!dev.ok()) return dev.status();
    log << nlp::format_report(nlp::evaluate_topics(**model, *taxonomy, *dev, options.dev));
  }
  return log.str();
}

struct TrainTask {
  std::string_view name;
  Result<std::string> (*run)(const TrainOptions&);
};

constexpr TrainTask kTrainTasks[] = {
    {"pos", &train_pos},      // averaged perceptron, UD English EWT
    {"parse", &train_parse},  // arc-hybrid perceptron, dynamic oracle, UD English EWT
    {"ner", &train_ner},      // BILOU averaged perceptron, CoNLL-2003 English
    {"topics", &train_topics},  // softmax over hashed word n-grams, labelled JSONL
};

}  // namespace

std::vector<std::string> eval_tasks() {
  std::vector<std::string> names;
  for (const EvalTask& t : kEvalTasks) names.emplace_back(t.name);
  return names;
}

Result<std::string> evaluate(std::string_view task, const std::vector<std::string>& inputs,
                             const EvalOptions& options) {
  for (const EvalTask& t : kEvalTasks) {
    if (t.name == task) return t.run(inputs, options);
  }
  return Status(ErrorCode::kInvalidArgument, fmt::format("unknown eval task '{}'", task));
}

std::vector<std::string> train_tasks() {
  std::vector<std::string> names;
  for (const TrainTask& t : kTrainTasks) names.emplace_back(t.name);
  return names;
}

Result<std::string> train(std::string_view task, const TrainOptions& options) {
  for (const TrainTask& t : kTrainTasks) {
    if (t.name == task) return t.run(options);
  }
  return Status(ErrorCode::kInvalidArgument, fmt::format("unknown training task '{}'", task));
}

}  // namespace caspian
