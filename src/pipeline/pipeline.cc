#include "caspian/pipeline.h"

#include <cstdlib>
#include <exception>
#include <functional>
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
  std::string_view name;
  StageFactory make;
};

// The registry, in default pipeline order: the life of an article through
// nlp (tokens, part of speech, then time), kb (places, then people and organisations), events and
// the checks that judge them.
constexpr StageEntry kStages[] = {
    {"tokenize", &stages::make_tokenizer},     {"pos", &stages::make_pos_tagger},
    {"parse", &stages::make_parser},           {"timex", &stages::make_timex},
    {"gazetteer", &stages::make_place_linker}, {"ner", &stages::make_entity_linker},
    {"events", &stages::make_event_coder},     {"checks", &stages::make_checks},
};

}  // namespace

std::vector<std::string> stage_names() {
  std::vector<std::string> names;
  for (const StageEntry& e : kStages) names.emplace_back(e.name);
  return names;
}

Result<std::unique_ptr<Stage>> make_stage(std::string_view name, Resources& res) {
  for (const StageEntry& e : kStages) {
    if (e.name == name) return e.make(res);
  }
  std::string known;
  for (const StageEntry& e : kStages) {
    if (!known.empty()) known += ", ";
    known += e.name;
  }
  return Status(ErrorCode::kInvalidArgument,
                "unknown stage '" + std::string(name) + "' (known: " + known + ")");
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

}  // namespace stages

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
  p.resources_->parse_model = options.parse_model;
  p.resources_->event_dictionaries = options.event_dictionaries;
  const std::vector<std::string> names = options.stages.empty() ? stage_names() : options.stages;
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
