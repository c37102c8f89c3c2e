// The "pos" stage: Universal (UPOS) and Penn Treebank (XPOS) part-of-speech tags for every token,
// sentence by sentence, with the averaged-perceptron model in models/pos-en-ud.bin.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/default_models.h"
#include "nlp/pos_tagger.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

// The model file: the pipeline's option if given, else models/pos-en-ud.bin next to the data
// directory (<source>/data -> <source>/models).
std::filesystem::path pos_model_path(const Resources& res) {
  if (!res.pos_model.empty()) return res.pos_model;
  return nlp::default_model_path(res.data_dir, nlp::kPosModelFile);
}

class PosStage final : public Stage {
 public:
  explicit PosStage(std::unique_ptr<nlp::PosTagger> tagger) : tagger_(std::move(tagger)) {}

  std::string_view name() const noexcept override { return "pos"; }

  // Sets Token::upos and Token::xpos of every token that belongs to a sentence (all of them after
  // the "tokenize" stage). Requires doc.sentences to index doc.tokens, as tokenize guarantees;
  // a sentence pointing outside doc.tokens is an error for this document (kInternal), not a crash.
  // Thread safety: const and safe to call concurrently (PosTagger::tag is).
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    std::vector<std::string_view> words;
    std::vector<std::string> upos;
    std::vector<std::string> xpos;
    for (const Sentence& s : doc.sentences) {
      if (run_cancelled()) return Status(ErrorCode::kInterrupted, "cancelled");
      if (static_cast<uint64_t>(s.first_token) + s.token_count > doc.tokens.size()) {
        return Status(ErrorCode::kInternal, "a sentence indexes tokens past the end of the document");
      }
      words.clear();
      for (uint32_t t = s.first_token; t < s.first_token + s.token_count; ++t) {
        words.push_back(doc.slice(doc.tokens[t].span));
      }
      tagger_->tag(words, upos, xpos);
      for (uint32_t k = 0; k < s.token_count; ++k) {
        Token& token = doc.tokens[s.first_token + k];
        // A model trained outside UD's 17 tags gives "X" for the tags it adds.
        token.upos = upos_from(upos[k]).value_or(Upos::kX);
        token.xpos = std::move(xpos[k]);
      }
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<nlp::PosTagger> tagger_;
};

}  // namespace

namespace stages {

// "pos": part-of-speech tags on tokens (src/nlp/pos_stage.cc). Fails with the loader's Status
// (kNotFound, kCorrupt, kUnsupportedVersion) when the model cannot be loaded.
Result<std::unique_ptr<Stage>> make_pos_tagger(Resources& res) {
  auto tagger = nlp::PosTagger::load(pos_model_path(res));
  if (!tagger.ok()) return tagger.status();
  return std::unique_ptr<Stage>(std::make_unique<PosStage>(std::move(tagger).value()));
}

}  // namespace stages
}  // namespace caspian
