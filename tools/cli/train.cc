// `caspian train`: train a model (deterministic) and write it to a file.
#include <iostream>

#include "common.h"

namespace caspian::cli {

namespace {

class TrainVerb final : public Verb {
 public:
  explicit TrainVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("train", "Train a model (deterministic) and write it to a file");
    cmd_->add_option("task", task_, "What to train")->required()->check(CLI::IsMember(train_tasks()));
    cmd_->add_option("--train", o_.train, "Training data: one or more files, read in order")->required();
    cmd_->add_option("--dev", o_.dev, "Development data, scored after training");
    cmd_->add_option("-o,--output", o_.output, "Model file to write")->required();
    cmd_->add_option("--unlabelled", o_.unlabelled,
                     "Unlabelled text (JSONL or plain, gzip ok): to learn word clusters from (ner); to "
                     "parse with --teacher into extra training trees (parse)");
    cmd_->add_option("--teacher", o_.teachers,
                     "Parser models that parse --unlabelled text into silver training trees (parse: "
                     "uptraining; with several, the first one's trees where all agree; see "
                     "models/parse-en-ud.md)");
    cmd_->add_option("--prune-below", o_.prune_below,
                     "Drop averaged weights smaller than this in magnitude (parse; default 1: see "
                     "models/parse-en-ud.md)")
        ->check(CLI::NonNegativeNumber);
    cmd_->add_option("--silver-every", o_.silver_every,
                     "Parse one --unlabelled sentence in this many, an even sample (parse; default 1: all)")
        ->check(CLI::PositiveNumber);
    cmd_->add_option("--names", o_.names,
                     "Name lists: PETRARCH actor dictionaries, for person/organisation gazetteers (ner)");
    cmd_->add_option(
            "--beam", o_.beam,
            "Beam width to train and parse with (parse; default 1: greedy, see models/parse-en-ud.md)")
        ->check(CLI::Range(1, 64));
    cmd_->add_option("--beam-margin", o_.beam_margin,
                     "Parse-time beam margin stored in the model (parse with --beam > 1): extensions scoring "
                     "more than this below the best are dropped (default 0: the full beam)")
        ->check(CLI::NonNegativeNumber);
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    o_.data_dir = global.pipeline.data_dir;
    auto report = train(task_, o_);
    if (!report.ok()) {
      error_line("train " + task_, report.status());
      return kExitFatal;
    }
    std::cout << *report;
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string task_;
  TrainOptions o_;
};

}  // namespace

std::unique_ptr<Verb> make_train(CLI::App& app) {
  return std::make_unique<TrainVerb>(app);
}

}  // namespace caspian::cli
