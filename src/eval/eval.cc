// `caspian eval`: dispatches a task name to its evaluator.
#include "caspian/eval.h"

#include <fmt/format.h>

#include "nlp/segmentation_eval.h"
#include "nlp/timeml_eval.h"

namespace caspian {

namespace {

Result<std::string> eval_tokenize(const std::vector<std::string>& inputs) {
  std::string out;
  for (const std::string& in : inputs) {
    auto report = nlp::evaluate_conllu(in);
    if (!report.ok()) return Status(report.status().code(), in + ": " + report.status().message());
    out += nlp::format_report(*report);
  }
  return out;
}

Result<std::string> eval_timex(const std::vector<std::string>& inputs) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  auto report = nlp::evaluate_timeml(paths);
  if (!report.ok()) return report.status();
  return nlp::format_report(*report);
}

struct Task {
  std::string_view name;
  Result<std::string> (*run)(const std::vector<std::string>&);
};

constexpr Task kTasks[] = {
    {"tokenize", &eval_tokenize},  // CoNLL-U: sentence and token F1 (CoNLL 2018 style)
    {"timex", &eval_timex},        // TimeML: TempEval-3 span F1, value and type accuracy
};

}  // namespace

std::vector<std::string> eval_tasks() {
  std::vector<std::string> names;
  for (const Task& t : kTasks) names.emplace_back(t.name);
  return names;
}

Result<std::string> evaluate(std::string_view task, const std::vector<std::string>& inputs) {
  for (const Task& t : kTasks) {
    if (t.name == task) return t.run(inputs);
  }
  return Status(ErrorCode::kInvalidArgument, fmt::format("unknown eval task '{}'", task));
}

}  // namespace caspian
