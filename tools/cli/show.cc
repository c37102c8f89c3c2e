// `caspian show`: a stored article with its analysis and the other URLs it was seen at.
#include <iostream>

#include "common.h"
#include "format.h"

namespace caspian::cli {

namespace {

class ShowVerb final : public Verb {
 public:
  explicit ShowVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("show", "Print a stored article with its analysis, or a story");
    auto* id = cmd_->add_option("id", id_, "Article id (as printed by search)");
    auto* story = cmd_->add_option("--story", story_, "Print this story (as printed by stories) instead");
    id->excludes(story);
    cmd_->callback([id, story] {
      if (id->count() == 0 && story->count() == 0) throw CLI::RequiredError("an article id or --story");
    });
    cmd_->add_option("--format", format_, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& /*global*/) override {
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
    if (story_ != 0) return show_story(**store);
    auto doc = (*store)->get(id_);
    if (!doc.ok()) {
      error_line(fmt::format("article {}", id_), doc.status());
      return kExitFatal;
    }
    if (!doc->has_value()) {
      fmt::print(stderr, "caspian: no article with id {} in {}\n", id_, db_);
      return kExitPartial;
    }
    if (format_ == "json") {
      std::cout << to_json(**doc) << "\n";
      return kExitOk;
    }
    std::cout << fmt::format("Article #{}\n", id_) << format_text(**doc);
    auto copies = (*store)->copies(id_);
    if (copies.ok() && !copies->empty()) {
      std::cout << fmt::format("\nAlso published at ({}):\n", copies->size());
      for (const ArticleCopy& c : *copies) {
        std::cout << fmt::format("  {}  ({}, similarity {:.2f}, first seen {})\n", c.url, c.source,
                                 c.similarity, c.first_seen);
      }
    }
    return kExitOk;
  }

 private:
  int show_story(Store& store) const {
    auto story = store.story(story_);
    if (!story.ok()) {
      error_line(fmt::format("story {}", story_), story.status());
      return kExitFatal;
    }
    if (!story->has_value()) {
      fmt::print(stderr, "caspian: no story with id {} in {}\n", story_, db_);
      return kExitPartial;
    }
    std::cout << (format_ == "json" ? story_to_json(**story) + "\n" : story_to_text(**story));
    return kExitOk;
  }

  CLI::App* cmd_ = nullptr;
  int64_t id_ = 0;
  int64_t story_ = 0;
  std::string format_ = "text";
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_show(CLI::App& app) {
  return std::make_unique<ShowVerb>(app);
}

}  // namespace caspian::cli
