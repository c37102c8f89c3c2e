// Stages and the pipeline that runs them over a Document.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian {

namespace kb {
class Gazetteer;
}

// The dictionaries of the "events" stage (docs/events.md).
struct EventDictionaryOptions {
  // Actor dictionaries (PETRARCH format) read after the built-in ones; their names override.
  std::vector<std::filesystem::path> actors;
  // Replacements of built-in dictionaries, to code with another set (such as PETRARCH's
  // validation dictionaries); empty keeps the built-in one.
  std::filesystem::path verbs;     // a PETRARCH-2 verb-pattern dictionary
  std::filesystem::path agents;    // an agent dictionary
  bool only_given_actors = false;  // `actors` replace the built-in actor dictionaries
};

// Read-only resources that stages share. Owned by the Pipeline, which
// outlives its stages. Immutable after loading, hence safe to read from
// several threads.
struct Resources {
  std::filesystem::path data_dir;             // root of data/ (gazetteer, ...)
  std::filesystem::path parse_model;          // the parser model (empty: the default, see PipelineOptions)
  EventDictionaryOptions event_dictionaries;  // see PipelineOptions
  std::unique_ptr<kb::Gazetteer> gazetteer;   // loaded on demand by stages that need it

  Resources();
  ~Resources();
  Resources(Resources&&) noexcept;
  Resources& operator=(Resources&&) noexcept;
};

// One step in the life of an article. Implementations enrich the Document
// and return a non-ok Status only for failures tied to this document (they
// are recorded in Document::issues; the batch goes on).
// Thread safety: process() is const and may be called concurrently.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const noexcept = 0;
  virtual Status process(Document& doc) const = 0;
};

// For stages: whether the run that is calling this thread's Stage::process() was cancelled
// (Pipeline::run with a cancel flag). Stages whose work grows with the document check it once a
// sentence and then return kInterrupted, so that a cancel is honoured within a second even on a
// document of megabytes. False outside such a run.
bool run_cancelled() noexcept;

// Creates the stage registered under `name` ("tokenize", "timex",
// "gazetteer", "ner", ...). Loads any resource it needs into `res`
// (which must outlive the stage). Unknown names yield kInvalidArgument
// listing the known ones.
Result<std::unique_ptr<Stage>> make_stage(std::string_view name, Resources& res);

// Names of all registered stages, in default pipeline order.
std::vector<std::string> stage_names();

struct PipelineOptions {
  std::filesystem::path data_dir;   // empty: default_data_dir()
  std::vector<std::string> stages;  // empty: the default pipeline
  // The "parse" stage's model. Empty: $CASPIAN_PARSE_MODEL if set, else models/parse-en-ud.bin
  // (greedy, fast); models/parse-en-ud-beam8.bin is more accurate and several times slower.
  std::filesystem::path parse_model;
  // The "events" stage's dictionaries: users' actor files, or replacements (docs/events.md).
  EventDictionaryOptions event_dictionaries;
};

// The directory holding caspian's data files: $CASPIAN_DATA if set, else the
// installed/source data directory compiled into the binary.
std::filesystem::path default_data_dir();

class Pipeline {
 public:
  static Result<Pipeline> create(PipelineOptions options = {});

  // Runs every stage in order. A failing stage is recorded in doc.issues and
  // the remaining stages still run. Never throws on input.
  void run(Document& doc) const;
  // As run(), but stops between stages once `cancel` (may be null) is true. Returns false when it
  // stopped early: the document is then only partly analysed.
  bool run(Document& doc, const std::atomic<bool>* cancel) const;

  const std::vector<std::unique_ptr<Stage>>& stages() const { return stages_; }

  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();

 private:
  Pipeline();
  std::unique_ptr<Resources> resources_;
  std::vector<std::unique_ptr<Stage>> stages_;
};

}  // namespace caspian
