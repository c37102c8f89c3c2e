// Training and evaluation of caspian's models (`caspian train`, `caspian eval`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian {

// Names of the evaluable tasks ("tokenize", "timex", "pos").
std::vector<std::string> eval_tasks();

struct EvalOptions {
  std::string model;   // model file for tasks with a trained model (empty: the default model)
  std::string format;  // input format where a task reads several ("ner": auto, conll4, conll2, tab)
  // "ner": also write every token as "word gold predicted" (IOB2, conlleval's input format, a blank
  // line after each sentence) to this file, for error analysis. Empty: not written.
  std::string predictions;
  // "parse": the beam margin to parse with instead of the model's (see models/parse-en-ud.md);
  // negative: the model's own.
  float beam_margin = -1.0F;
  // "events": list every record's gold and coded events in the report.
  bool verbose = false;
  // "events": users' actor dictionaries read after the built-in ones (PETRARCH format), and
  // replacements of the built-in verb and agent dictionaries (empty: built-in); with
  // only_given_actors the actor files replace the built-in ones (PETRARCH's validation set).
  std::vector<std::string> actor_files;
  std::string verb_dictionary;
  std::string agent_dictionary;
  bool only_given_actors = false;
  // "stories": analysis threads of the ingest it runs (0: one per core; the scores are the same).
  int threads = 0;
  // Where the default models, and the pipeline's data files ("events"), are read from.
  std::filesystem::path data_dir;  // empty: default_data_dir()
};

// Runs the evaluation of `task` over `inputs` (files or directories in the
// task's reference format) and returns a human-readable report with the
// task's standard metrics. Unknown tasks yield kInvalidArgument.
Result<std::string> evaluate(std::string_view task, const std::vector<std::string>& inputs,
                             const EvalOptions& options = {});

// Names of the trainable tasks ("pos").
std::vector<std::string> train_tasks();

struct TrainOptions {
  std::vector<std::string> train;       // training data (task's format, e.g. CoNLL-U, plain or gzip):
                                        // one or more files, read in order and concatenated
  std::string dev;                      // development data, scored after training
  std::string output;                   // where to write the model
  std::vector<std::string> unlabelled;  // unlabelled text some tasks learn from ("ner": word clusters;
                                        // "parse": silver trees, with `teachers`)
  std::vector<std::string> teachers;    // "parse": parser models that parse `unlabelled` into extra
                                        // training trees, the first one's, kept where all agree
                                        // (uptraining; required with `unlabelled`)
  float prune_below = -1.0F;            // "parse": drop averaged weights below this (negative: default)
  int silver_every = 1;                 // "parse": parse one unlabelled sentence in this many
  std::vector<std::string> names;       // name lists ("ner": PETRARCH actor dictionaries)
  int beam = 0;                         // "parse": beam width (0: the default, greedy)
  float beam_margin = 0.0F;             // "parse": parse-time beam margin, stored in the model (0: none)
  // Where the lexicon ("pos", "parse"), the gazetteer ("ner") and the default POS model ("parse")
  // are read from. Empty: default_data_dir().
  std::filesystem::path data_dir;
};

// Trains the model of `task` with its default, documented settings
// (deterministic: the same data give a byte-identical model), writes it to
// options.output and returns a report (training log and dev scores).
Result<std::string> train(std::string_view task, const TrainOptions& options);

}  // namespace caspian
