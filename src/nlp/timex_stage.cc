// The "timex" stage: temporal expressions in Document::text, normalised
// against the publication date (Document::published).
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "nlp/timex.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

class TimexStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "timex"; }

  // Requires: doc.text is valid UTF-8 (as every Document's is); works with
  //   or without sentences (sentence indices are 0 without them) and with or
  //   without doc.published (relative expressions then stay underspecified).
  // Guarantees: appends the expressions found to doc.times in text order
  //   (sorted by span.begin, as doc.times is when this stage runs once);
  //   entries already there keep their place. Touches nothing else.
  // Thread safety: const; no shared mutable state.
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    std::vector<TimeExpression> found = nlp::find_time_expressions(doc.text, doc.published);
    for (TimeExpression& t : found) t.sentence = doc.sentence_at(t.span.begin);
    doc.times.insert(doc.times.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<Stage>> make_timex(Resources& /*res*/) {
  return std::unique_ptr<Stage>(std::make_unique<TimexStage>());
}

}  // namespace caspian::stages
