// `caspian eval` and `caspian train`: dispatch a task name to its evaluator or trainer.
#include "caspian/eval.h"

#include <fmt/format.h>

#include <sstream>

#include "caspian/pipeline.h"
#include "nlp/pos_eval.h"
#include "nlp/pos_tagger.h"
#include "nlp/segmentation_eval.h"
#include "nlp/timeml_eval.h"

namespace caspian {

namespace {

// The default model of a task: models/<name> beside the data directory.
std::filesystem::path default_model(std::string_view file) {
  return default_data_dir().parent_path() / "models" / file;
}

constexpr std::string_view kPosModel = "pos-en-ewt.bin";

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
  const std::filesystem::path model =
      options.model.empty() ? default_model(kPosModel) : std::filesystem::path(options.model);
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

struct EvalTask {
  std::string_view name;
  Result<std::string> (*run)(const std::vector<std::string>&, const EvalOptions&);
};

constexpr EvalTask kEvalTasks[] = {
    {"tokenize", &eval_tokenize},  // CoNLL-U: sentence and token F1 (CoNLL 2018 style)
    {"timex", &eval_timex},        // TimeML: TempEval-3 span F1, value and type accuracy
    {"pos", &eval_pos},            // CoNLL-U: UPOS and XPOS accuracy on gold tokens
};

Result<std::string> train_pos(const TrainOptions& options) {
  auto train = nlp::read_tagged_sentences(options.train);
  if (!train.ok()) return Status(train.status().code(), options.train + ": " + train.status().message());
  std::vector<nlp::TaggedSentence> dev;
  if (!options.dev.empty()) {
    auto d = nlp::read_tagged_sentences(options.dev);
    if (!d.ok()) return Status(d.status().code(), options.dev + ": " + d.status().message());
    dev = std::move(d).value();
  }
  nlp::PosTrainOptions opts;
  opts.train_source = options.train;
  opts.dev_source = options.dev;
  std::ostringstream log;
  auto tagger = nlp::PosTagger::train(*train, dev, opts, &log);
  if (!tagger.ok()) return tagger.status();
  CASPIAN_RETURN_IF_ERROR((*tagger)->save(options.output));
  log << "wrote " << options.output << "\n";
  return log.str();
}

struct TrainTask {
  std::string_view name;
  Result<std::string> (*run)(const TrainOptions&);
};

constexpr TrainTask kTrainTasks[] = {
    {"pos", &train_pos},  // averaged perceptron, UD English EWT
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
