// The "tokenize" stage: fills Document::tokens and Document::sentences from Document::text.
#include <memory>
#include <string>

#include "nlp/tokenizer.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

class TokenizerStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "tokenize"; }

  // Replaces doc.tokens and doc.sentences with those of doc.text (see nlp::tokenize for the
  // guarantees). Fails with kTooLarge, leaving both empty, when the text does not fit 32-bit spans.
  // Thread safety: const and safe to call concurrently.
  Status process(Document& doc) const override {
    doc.tokens.clear();
    doc.sentences.clear();
    if (doc.text.size() > nlp::kMaxTokenizerInputBytes) {
      return Status(ErrorCode::kTooLarge, "text of " + std::to_string(doc.text.size()) +
                                              " bytes exceeds the tokenizer's limit of " +
                                              std::to_string(nlp::kMaxTokenizerInputBytes));
    }
    nlp::tokenize(doc.text, doc.tokens, doc.sentences);
    return Status::Ok();
  }
};

}  // namespace

namespace stages {

Result<std::unique_ptr<Stage>> make_tokenizer(Resources& /*res*/) {
  return std::unique_ptr<Stage>(std::make_unique<TokenizerStage>());
}

}  // namespace stages
}  // namespace caspian
