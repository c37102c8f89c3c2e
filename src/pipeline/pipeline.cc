#include "caspian/pipeline.h"

#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "kb/gazetteer.h"
#include "pipeline/stages.h"

#ifndef CASPIAN_SOURCE_DATA_DIR
#define CASPIAN_SOURCE_DATA_DIR "data"
#endif

namespace caspian {

Resources::Resources() = default;
Resources::~Resources() = default;
Resources::Resources(Resources&&) noexcept = default;
Resources& Resources::operator=(Resources&&) noexcept = default;

namespace {

using StageFactory = Result<std::unique_ptr<Stage>> (*)(Resources&);

struct StageEntry {
  StageContract contract;
  StageFactory make;
};

using A = Annotation;

// The registry, in default pipeline order: the life of an article through
// nlp (its language, tokens, part of speech, trees, then time), kb (places, then people and organisations),
// events, the checks that judge them, the tone of the article and its events, and its topics. Each
// entry's contract is what its stage reads without falling back and what it writes (the stage's
// file states the details).
constexpr StageEntry kStages[] = {
    // First: the English-only stages skip articles in other languages.
    {{"language", {}, {A::kLanguage}, {}}, &stages::make_language_identifier},
    {{"tokenize", {}, {A::kTokens, A::kSentences}, {}}, &stages::make_tokenizer},
    {{"pos", {A::kTokens, A::kSentences}, {A::kTags}, {}}, &stages::make_pos_tagger},
    {{"parse", {A::kTokens, A::kSentences, A::kTags}, {A::kTrees}, {}}, &stages::make_parser},
    // Works on the text; sentence numbers come from the sentences when there are any.
    {{"timex", {}, {A::kTimes}, {}}, &stages::make_timex},
    {{"gazetteer", {}, {A::kPlaces}, {}}, &stages::make_place_linker},
    // Non-English articles: countries named in their language (as labelled by "language" or the
    // record), beside the gazetteer's mentions when there are any.
    {{"country-names", {}, {A::kPlaces}, {}}, &stages::make_country_name_linker},
    // The recogniser's names are merged with the gazetteer's places.
    {{"ner", {A::kTokens, A::kSentences, A::kPlaces}, {A::kNames}, {A::kPlaces}},
     &stages::make_entity_linker},
    // Dates come from the times when there are any, else from the publication date.
    {{"events", {A::kTokens, A::kSentences, A::kTags, A::kTrees, A::kPlaces, A::kNames}, {A::kEvents}, {}},
     &stages::make_event_coder},
    // Judges the events when there are any; the gazetteer checks need none.
    {{"checks", {A::kTokens, A::kSentences, A::kTags, A::kPlaces}, {A::kFlags}, {A::kEvents}},
     &stages::make_checks},
    // Scores each sentence; the events get their sentence's tone when there are any.
    {{"tone", {A::kTokens, A::kSentences}, {A::kTone}, {A::kEvents}}, &stages::make_tone},
    // Reads the words only; any stage order after tokenize will do.
    {{"topics", {A::kTokens, A::kSentences}, {A::kTopics}, {}}, &stages::make_topics},
};

constexpr std::string_view kAnnotationNames[kAnnotationCount] = {
    "tokens", "sentences", "tags", "trees", "times", "places", "names", "events", "flags", "topics", "language", "tone"};

const StageEntry* find_stage(std::string_view name) {
  for (const StageEntry& e : kStages) {
    if (e.contract.name == name) return &e;
  }
  return nullptr;
}

// The registered stages in default order, comma-separated.
std::string registered_names() {
  std::string out;
  for (const StageEntry& e : kStages) {
    if (!out.empty()) out += ", ";
    out += e.contract.name;
  }
  return out;
}

Status unknown_stage(std::string_view name) {
  return Status(ErrorCode::kInvalidArgument,
                "unknown stage '" + std::string(name) + "' (known: " + registered_names() + ")");
}

// The registered stages that assign any of `missing`, as "'pos', 'parse'".
std::string assigners(AnnotationSet missing) {
  std::string out;
  for (const StageEntry& e : kStages) {
    if (e.contract.assigned.minus(missing) == e.contract.assigned) continue;
    if (!out.empty()) out += ", ";
    out += "'" + std::string(e.contract.name) + "'";
  }
  return out;
}

}  // namespace

std::string_view annotation_name(Annotation a) noexcept {
  const auto i = static_cast<size_t>(a);
  return i < kAnnotationCount ? kAnnotationNames[i] : "unknown";
}

std::string AnnotationSet::names() const {
  std::string out;
  for (size_t i = 0; i < kAnnotationCount; ++i) {
    const auto a = static_cast<Annotation>(i);
    if (!contains(a)) continue;
    if (!out.empty()) out += ", ";
    out += annotation_name(a);
  }
  return out;
}

Result<StageContract> stage_contract(std::string_view name) {
  const StageEntry* e = find_stage(name);
  if (e == nullptr) return unknown_stage(name);
  return e->contract;
}

Status check_stage_order(const std::vector<std::string>& names, AnnotationSet given) {
  AnnotationSet have = given;
  for (size_t i = 0; i < names.size(); ++i) {
    const StageEntry* e = find_stage(names[i]);
    if (e == nullptr) return unknown_stage(names[i]);
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == names[i])
        return Status(ErrorCode::kInvalidArgument, "stage '" + names[i] + "' is listed twice");
    }
    const AnnotationSet missing = e->contract.required.minus(have);
    if (!missing.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "stage '" + names[i] + "' requires " + missing.names() +
                        ", which no stage before it assigns (run " + assigners(missing) +
                        " before it; the default order is " + registered_names() + ")");
    }
    have.add(e->contract.assigned);
  }
  return Status::Ok();
}

std::vector<std::string> stage_names() {
  std::vector<std::string> names;
  for (const StageEntry& e : kStages) names.emplace_back(e.contract.name);
  return names;
}

Result<std::unique_ptr<Stage>> make_stage(std::string_view name, Resources& res) {
  const StageEntry* e = find_stage(name);
  if (e == nullptr) return unknown_stage(name);
  return e->make(res);
}

namespace stages {

Result<const kb::Gazetteer*> shared_gazetteer(Resources& res) {
  if (res.gazetteer == nullptr) {
    auto loaded = kb::Gazetteer::load(res.data_dir / "gazetteer");
    if (!loaded.ok()) return loaded.status();
    res.gazetteer = std::move(loaded).value();
  }
  return static_cast<const kb::Gazetteer*>(res.gazetteer.get());
}

bool skip_unsupported_language(Document& doc, std::string_view stage) {
  const std::string_view lang = doc.language;
  if (lang.empty() || lang == "en" || lang == "und") return false;
  doc.issues.push_back(
      {std::string(stage), "skipped: language '" + std::string(lang) + "' is not supported (English only)"});
  return true;
}

}  // namespace stages

void models_from_environment(PipelineOptions& options) {
  const auto fill = [](std::filesystem::path& model, const char* variable) {
    const char* env = std::getenv(variable);
    if (model.empty() && env != nullptr && *env != '\0') model = env;
  };
  fill(options.pos_model, "CASPIAN_POS_MODEL");
  fill(options.parse_model, "CASPIAN_PARSE_MODEL");
  fill(options.ner_model, "CASPIAN_NER_MODEL");
  fill(options.topic_model, "CASPIAN_TOPIC_MODEL");
}

std::filesystem::path default_data_dir() {
  if (const char* env = std::getenv("CASPIAN_DATA"); env != nullptr && *env != '\0') return env;
  return CASPIAN_SOURCE_DATA_DIR;
}

Pipeline::Pipeline() : resources_(std::make_unique<Resources>()) {}
Pipeline::~Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;

Result<Pipeline> Pipeline::create(PipelineOptions options) {
  Pipeline p;
  p.resources_->data_dir = options.data_dir.empty() ? default_data_dir() : options.data_dir;
  p.resources_->pos_model = options.pos_model;
  p.resources_->parse_model = options.parse_model;
  p.resources_->ner_model = options.ner_model;
  p.resources_->topic_model = options.topic_model;
  p.resources_->event_dictionaries = options.event_dictionaries;
  const std::vector<std::string> names = options.stages.empty() ? stage_names() : options.stages;
  CASPIAN_RETURN_IF_ERROR(check_stage_order(names, options.given));
  for (const std::string& name : names) {
    auto stage = make_stage(name, *p.resources_);
    if (!stage.ok()) return stage.status();
    p.stages_.push_back(std::move(stage).value());
  }
  return p;
}

void Pipeline::run(Document& doc) const {
  (void)run(doc, nullptr);
}

namespace {
// The cancel flag of the Pipeline::run on this thread (null when none), for run_cancelled().
thread_local const std::atomic<bool>* t_cancel = nullptr;

// Sets t_cancel for the lifetime of a run, restoring the outer value (runs may nest in tests).
class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* cancel) : saved_(t_cancel) { t_cancel = cancel; }
  ~CancelScope() { t_cancel = saved_; }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* saved_;
};
}  // namespace

bool run_cancelled() noexcept {
  return t_cancel != nullptr && t_cancel->load(std::memory_order_relaxed);
}

bool Pipeline::run(Document& doc, const std::atomic<bool>* cancel) const {
  const CancelScope scope(cancel);
  for (const auto& stage : stages_) {
    if (cancel != nullptr && cancel->load()) return false;
    Status st;
    // A stage bug must not take the batch down: contain anything it throws
    // (e.g. std::bad_alloc on a pathological article) and record it.
    try {
      st = stage->process(doc);
    } catch (const std::exception& e) {
      st = Status(ErrorCode::kInternal, e.what());
    }
    if (!st.ok()) doc.issues.push_back({std::string(stage->name()), st.to_string()});
  }
  return cancel == nullptr || !cancel->load();
}

}  // namespace caspian
