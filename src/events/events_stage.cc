// The "events" stage: CAMEO/PLOVER events coded from the parsed, linked sentences
// (events::EventCoder over the PETRARCH-2 dictionaries and caspian's actor updates in
// data/events). Runs after "parse", "timex" and "ner"; without a parse it codes nothing.
//
// Thread safety: process() only reads the stage's immutable dictionaries.
#include <memory>

#include "events/coder.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

class EventsStage final : public Stage {
 public:
  explicit EventsStage(std::unique_ptr<events::Dictionaries> dicts)
      : dicts_(std::move(dicts)), coder_(*dicts_) {}
  std::string_view name() const noexcept override { return "events"; }
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    coder_.code(doc);
    return Status();
  }

 private:
  std::unique_ptr<events::Dictionaries> dicts_;
  events::EventCoder coder_;
};

}  // namespace

namespace stages {

Result<std::unique_ptr<Stage>> make_event_coder(Resources& res) {
  auto dicts = events::Dictionaries::load(res.data_dir, res.event_dictionaries);
  if (!dicts.ok()) return dicts.status();
  return std::unique_ptr<Stage>(std::make_unique<EventsStage>(std::move(dicts).value()));
}

}  // namespace stages
}  // namespace caspian
