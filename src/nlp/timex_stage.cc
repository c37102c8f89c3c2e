// The "timex" stage: temporal expressions in Document::text, normalised
// against the publication date (Document::published).
#include <algorithm>
#include <memory>
#include <string_view>
#include <utility>

#include "nlp/timex.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

class TimexStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "timex"; }

  // Requires: doc.text is valid UTF-8 (as every Document's is); works with
  //   or without sentences (sentence indices are 0 without them).
  // Guarantees: appends to doc.times, which stays sorted by span.begin;
  //   touches nothing else. Thread safety: const, no shared mutable state.
  Status process(Document& doc) const override {
    std::vector<TimeExpression> found = nlp::find_time_expressions(doc.text, doc.published);
    for (TimeExpression& t : found) t.sentence = doc.sentence_at(t.span.begin);
    const size_t old_size = doc.times.size();
    doc.times.insert(doc.times.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
    // Both halves are sorted; merging keeps earlier entries first on ties.
    std::inplace_merge(
        doc.times.begin(), doc.times.begin() + static_cast<std::ptrdiff_t>(old_size), doc.times.end(),
        [](const TimeExpression& a, const TimeExpression& b) { return a.span.begin < b.span.begin; });
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<Stage>> make_timex(Resources& /*res*/) {
  return std::unique_ptr<Stage>(std::make_unique<TimexStage>());
}

}  // namespace caspian::stages
