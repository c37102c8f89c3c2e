// The "parse" stage: a basic Universal Dependencies tree (head and relation) for every sentence,
// with the transition-based parser in models/parse-en-ud.bin, from the tags of the "pos" stage.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/default_models.h"
#include "nlp/dep_parser.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

// The model file: the pipeline's option if given, else models/parse-en-ud.bin next to the data
// directory (<source>/data -> <source>/models).
std::filesystem::path parse_model_path(const Resources& res) {
  if (!res.parse_model.empty()) return res.parse_model;
  return nlp::default_model_path(res.data_dir, nlp::kParseModelFile);
}

class ParseStage final : public Stage {
 public:
  explicit ParseStage(std::unique_ptr<nlp::DepParser> parser) : parser_(std::move(parser)) {}

  std::string_view name() const noexcept override { return "parse"; }

  // Sets Token::head and Token::deprel of every token of every sentence. Requires the tags of the
  // "pos" stage (without them the parser still returns a tree, of poor quality) and doc.sentences
  // indexing doc.tokens; a sentence pointing outside doc.tokens is an error for this document
  // (kInternal), not a crash.
  // Thread safety: const and safe to call concurrently (DepParser::parse is).
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    std::vector<std::string_view> words;
    std::vector<std::string_view> upos;
    std::vector<std::string_view> xpos;
    std::vector<int> heads;
    std::vector<std::string> deprels;
    for (const Sentence& s : doc.sentences) {
      if (run_cancelled()) return Status(ErrorCode::kInterrupted, "cancelled");
      if (static_cast<uint64_t>(s.first_token) + s.token_count > doc.tokens.size()) {
        return Status(ErrorCode::kInternal, "a sentence indexes tokens past the end of the document");
      }
      words.clear();
      upos.clear();
      xpos.clear();
      for (uint32_t t = s.first_token; t < s.first_token + s.token_count; ++t) {
        const Token& token = doc.tokens[t];
        words.push_back(doc.slice(token.span));
        upos.push_back(to_string(token.upos));
        xpos.push_back(token.xpos);
      }
      parser_->parse(words, upos, xpos, heads, deprels);
      for (uint32_t k = 0; k < s.token_count; ++k) {
        Token& token = doc.tokens[s.first_token + k];
        token.head = static_cast<uint32_t>(heads[k]);
        token.deprel = std::move(deprels[k]);
        token.rel = base_relation(token.deprel);
      }
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<nlp::DepParser> parser_;
};

}  // namespace

namespace stages {

// "parse": dependency trees (src/nlp/parse_stage.cc). Fails with the loader's Status (kNotFound,
// kCorrupt, kUnsupportedVersion) when the model cannot be loaded.
Result<std::unique_ptr<Stage>> make_parser(Resources& res) {
  auto parser = nlp::DepParser::load(parse_model_path(res));
  if (!parser.ok()) return parser.status();
  return std::unique_ptr<Stage>(std::make_unique<ParseStage>(std::move(parser).value()));
}

}  // namespace stages
}  // namespace caspian
