// `caspian eval`: a model or rule set on reference data, with its standard metrics.
#include <iostream>

#include "common.h"

namespace caspian::cli {

namespace {

class EvalVerb final : public Verb {
 public:
  explicit EvalVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("eval", "Evaluate a model on reference data and print its standard metrics");
    cmd_->add_option("task", task_, "What to evaluate")->required()->check(CLI::IsMember(eval_tasks()));
    cmd_->add_option("inputs", inputs_, "Reference files or directories")->required();
    cmd_->add_option("--model", o_.model, "Model file (default: the committed model of the task)");
    cmd_->add_option("--format", o_.format, "Input format of ner files: auto, conll4, conll2, tab")
        ->check(CLI::IsMember({"auto", "conll4", "conll2", "tab"}));
    cmd_->add_option("--predictions", o_.predictions,
                     "ner: write 'word gold predicted' per token (conlleval format) to this file");
    cmd_->add_option("--beam-margin", o_.beam_margin,
                     "parse: parse with this beam margin instead of the model's (0: the full beam)")
        ->check(CLI::NonNegativeNumber);
    cmd_->add_flag("--verbose", o_.verbose, "events: list each record's gold and coded events");
    cmd_->add_option("--actors", o_.actor_files,
                     "events: actor dictionaries (PETRARCH format) read after the built-in ones")
        ->check(CLI::ExistingFile);
    cmd_->add_option("--verbs", o_.verb_dictionary,
                     "events: a PETRARCH-2 verb dictionary instead of the built-in CAMEO.2.0.txt")
        ->check(CLI::ExistingFile);
    cmd_->add_option("--agents", o_.agent_dictionary, "events: an agent dictionary instead of the built-in")
        ->check(CLI::ExistingFile);
    cmd_->add_flag("--only-actors", o_.only_given_actors,
                   "events: the --actors files replace the built-in actor dictionaries");
    cmd_->add_option("--threads", o_.threads, "stories: analysis threads of its ingest (0: one per core)")
        ->check(CLI::NonNegativeNumber);
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    o_.data_dir = global.pipeline.data_dir;
    auto report = evaluate(task_, inputs_, o_);
    if (!report.ok()) {
      error_line("eval " + task_, report.status());
      return kExitFatal;
    }
    std::cout << *report;
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string task_;
  std::vector<std::string> inputs_;
  EvalOptions o_;
};

}  // namespace

std::unique_ptr<Verb> make_eval(CLI::App& app) {
  return std::make_unique<EvalVerb>(app);
}

}  // namespace caspian::cli
