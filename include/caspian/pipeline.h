// Stages and the pipeline that runs them over a Document.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
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
  std::filesystem::path pos_model;            // the models; empty: the default (see PipelineOptions)
  std::filesystem::path parse_model;
  std::filesystem::path ner_model;
  std::filesystem::path topic_model;
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

// What a stage reads from a Document and what it writes: the stage contract. Pipeline::create
// checks that every stage's requirements are assigned by a stage before it (or are given).
enum class Annotation : uint8_t {
  kTokens,     // Document::tokens, with byte spans
  kSentences,  // Document::sentences, indexing the tokens
  kTags,       // Token::upos and Token::xpos
  kTrees,      // Token::head and Token::deprel (basic Universal Dependencies)
  kTimes,      // Document::times, normalised against Document::published
  kPlaces,     // gazetteer mentions (countries, places) and their entities
  kNames,      // the recogniser's mentions (people, organisations, ...) and their entities
  kEvents,     // Document::events
  kFlags,      // Document::flags (the checks)
  kTopics,     // Document::topics
  kLanguage,   // Document::language, identified (ISO 639-1)
  kTone,       // Document::tone and Event::tone
};
inline constexpr size_t kAnnotationCount = 12;

// The annotation's name in messages: "tokens", "sentences", "tags", ...
std::string_view annotation_name(Annotation a) noexcept;

// A set of annotations. Value type; constexpr.
class AnnotationSet {
 public:
  constexpr AnnotationSet() = default;
  constexpr AnnotationSet(std::initializer_list<Annotation> list) {
    for (Annotation a : list) add(a);
  }
  constexpr void add(Annotation a) { bits_ |= bit(a); }
  constexpr void add(AnnotationSet other) { bits_ |= other.bits_; }
  constexpr bool contains(Annotation a) const { return (bits_ & bit(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  // The annotations of this set that are not in `other`.
  constexpr AnnotationSet minus(AnnotationSet other) const { return AnnotationSet(bits_ & ~other.bits_); }
  // The names, comma-separated ("tokens, tags").
  std::string names() const;
  friend constexpr bool operator==(AnnotationSet, AnnotationSet) = default;

 private:
  constexpr explicit AnnotationSet(uint32_t bits) : bits_(bits) {}
  static constexpr uint32_t bit(Annotation a) { return uint32_t{1} << static_cast<uint32_t>(a); }
  uint32_t bits_ = 0;
};

// A registered stage's contract: what it requires before it runs, what it assigns, and what it
// may revise of what earlier stages assigned (the recogniser drops a gazetteer place that a
// longer name covers; the checks lower an unsupported event's confidence). A stage changes
// nothing else.
struct StageContract {
  std::string_view name;
  AnnotationSet required;
  AnnotationSet assigned;
  AnnotationSet revised;
};

// The contract of the stage registered under `name`; kInvalidArgument listing the known stages
// when there is none.
Result<StageContract> stage_contract(std::string_view name);

// Checks that `names` can run in this order on documents that already carry `given`: each stage
// is registered, appears once, and finds what it requires assigned by a stage before it or given.
// Errors: kInvalidArgument naming the stage, what it misses and the stage that assigns it.
Status check_stage_order(const std::vector<std::string>& names, AnnotationSet given = {});

// Creates the stage registered under `name` ("tokenize", "timex",
// "gazetteer", "ner", ...). Loads any resource it needs into `res`
// (which must outlive the stage). Unknown names yield kInvalidArgument
// listing the known ones.
Result<std::unique_ptr<Stage>> make_stage(std::string_view name, Resources& res);

// Names of all registered stages, in default pipeline order.
std::vector<std::string> stage_names();

// Everything a pipeline's stages are configured with; stages read nothing else (no environment).
struct PipelineOptions {
  std::filesystem::path data_dir;   // empty: default_data_dir()
  std::vector<std::string> stages;  // empty: the default pipeline
  // What the documents given to run() already carry, for a pipeline of later stages only (a
  // benchmark of "parse" alone on tokenised, tagged documents). Empty for raw documents.
  AnnotationSet given;
  // The models of "pos", "parse" and "ner". Empty: models/pos-en-ud.bin, models/parse-en-ud.bin
  // (greedy, fast; models/parse-en-ud-beam8.bin is more accurate and several times slower) and
  // models/ner-en-conll.bin beside the data directory.
  std::filesystem::path pos_model;
  std::filesystem::path parse_model;
  std::filesystem::path ner_model;
  // The model of "topics". Empty: models/topics-iptc-cep.bin beside the data directory, with the
  // taxonomy data/topic/iptc-mediatopics.tsv.
  std::filesystem::path topic_model;
  // The "events" stage's dictionaries: users' actor files, or replacements (docs/events.md).
  EventDictionaryOptions event_dictionaries;
};

// For front doors (the CLI, the benchmarks): fills the models left empty in `options` from
// $CASPIAN_POS_MODEL, $CASPIAN_PARSE_MODEL, $CASPIAN_NER_MODEL and $CASPIAN_TOPIC_MODEL when they
// are set.
void models_from_environment(PipelineOptions& options);

// The directory holding caspian's data files: $CASPIAN_DATA if set, else the
// installed/source data directory compiled into the binary.
std::filesystem::path default_data_dir();

class Pipeline {
 public:
  // Loads the stages of `options` (the default pipeline when none are named). Errors:
  // kInvalidArgument for an unknown stage or an order that cannot work (check_stage_order), and
  // the loaders' errors (kNotFound, kCorrupt, kUnsupportedVersion) for a model or data file.
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
