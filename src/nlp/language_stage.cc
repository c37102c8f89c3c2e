// The "language" stage: the article's language (ISO 639-1) in Document::language, identified by
// CLD2 (nlp/language.h). The first stage of the default pipeline: the English-only stages after it
// read the label to skip what they cannot analyse (stages::skip_unsupported_language).
#include <memory>
#include <string>
#include <string_view>

#include "nlp/language.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

class LanguageStage final : public Stage {
 public:
  std::string_view name() const noexcept override { return "language"; }

  // Requires: doc.text is valid UTF-8; doc.language is the record's declared language (from JSON,
  //   an HTML lang attribute, a feed) or empty when it declared none.
  // Guarantees: doc.language is nlp::decide_language of CLD2's guess and the declared language:
  //   the declared one when the text bears it out or is too short and in its script to refute it;
  //   else the identified language when CLD2 is reliable; else the declared one; else the guess
  //   when it covers most of the text; else "und". A declaration the text plainly contradicts (a
  //   Chinese page declared "en") loses. Touches nothing else.
  // Thread safety: const; CLD2 keeps no shared mutable state.
  Status process(Document& doc) const override {
    const nlp::LanguageGuess guess = nlp::identify_language(doc.text, doc.language);
    doc.language = nlp::decide_language(guess, doc.language);
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<Stage>> make_language_identifier(Resources& /*res*/) {
  return std::unique_ptr<Stage>(std::make_unique<LanguageStage>());
}

}  // namespace caspian::stages
