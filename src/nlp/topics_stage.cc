// The "topics" stage: the article's topics with scores, by the linear classifier of
// models/topics-iptc-cep.bin over the IPTC Media Topics taxonomy of data/topic/iptc-mediatopics.tsv.
#include <filesystem>
#include <memory>
#include <string_view>

#include "nlp/default_models.h"
#include "nlp/topic_model.h"
#include "pipeline/stages.h"

namespace caspian {
namespace {

class TopicsStage final : public Stage {
 public:
  TopicsStage(std::unique_ptr<nlp::TopicModel> model, nlp::TopicTaxonomy taxonomy)
      : model_(std::move(model)), taxonomy_(std::move(taxonomy)) {}

  std::string_view name() const noexcept override { return "topics"; }

  // Replaces Document::topics with the model's topics of the article's words (headline and body):
  // the best level-1 topic always, every other topic whose score reaches nlp::kMinTopicScore.
  // Requires tokens and sentences; a document without words gets the model's prior. The default
  // model knows English words only: other languages are skipped (stages::skip_unsupported_language).
  // Thread safety: const and safe to call concurrently.
  Status process(Document& doc) const override {
    if (stages::skip_unsupported_language(doc, name())) return Status::Ok();  // English only
    doc.topics = model_->topics_of(doc, taxonomy_);
    return Status::Ok();
  }

 private:
  std::unique_ptr<nlp::TopicModel> model_;
  nlp::TopicTaxonomy taxonomy_;
};

}  // namespace

namespace stages {

// Fails with the loaders' Status (kNotFound, kCorrupt, kUnsupportedVersion, kParseError) when the
// model or the taxonomy cannot be loaded.
Result<std::unique_ptr<Stage>> make_topics(Resources& res) {
  const std::filesystem::path path =
      res.topic_model.empty() ? nlp::default_model_path(res.data_dir, nlp::kTopicModelFile) : res.topic_model;
  auto model = nlp::TopicModel::load(path);
  if (!model.ok()) return model.status();
  auto taxonomy = nlp::TopicTaxonomy::load(res.data_dir / nlp::kTopicTaxonomyFile);
  if (!taxonomy.ok()) return taxonomy.status();
  return std::unique_ptr<Stage>(
      std::make_unique<TopicsStage>(std::move(model).value(), std::move(taxonomy).value()));
}

}  // namespace stages
}  // namespace caspian
