// `caspian stories`: the stored stories (the same news across sources and days), latest first.
#include <iostream>

#include "common.h"

namespace caspian::cli {

namespace {

class StoriesVerb final : public Verb {
 public:
  explicit StoriesVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("stories", "List stored stories: articles grouped across sources and days");
    cmd_->add_option("--topic", topic_, "Only stories with an article with this topic id (medtop:16000000)");
    cmd_->add_option("--since", since_, "Stories seen on or after this date (YYYY-MM-DD)");
    cmd_->add_option("--until", until_, "Stories seen on or before this date (YYYY-MM-DD)");
    cmd_->add_option("--entity", entity_, "Only stories with an article mentioning this entity id");
    cmd_->add_option("--query", query_, "Only stories with an article matching this FTS5 query");
    cmd_->add_option("--limit", limit_, "Maximum number of stories (0: all)")->capture_default_str();
    cmd_->add_option("--format", format_, "Output format (jsonl: one story per line)")
        ->check(CLI::IsMember({"text", "json", "jsonl"}))
        ->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& /*global*/) override {
    StoryQuery q;
    q.entity_id = entity_;
    q.topic = topic_;
    q.text = query_;
    q.limit = limit_;
    auto since = date_flag(since_, "--since");
    auto until = date_flag(until_, "--until");
    if (!since.ok() || !until.ok() || limit_ < 0) {
      error_line("stories", !since.ok()   ? since.status()
                            : !until.ok() ? until.status()
                                          : Status(ErrorCode::kInvalidArgument, "--limit must be 0 or more"));
      return kExitUsage;
    }
    q.since = *since;
    q.until = *until;
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
    auto stories = (*store)->stories(q);
    if (!stories.ok()) {
      error_line("stories", stories.status());
      return stories.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFatal;
    }
    if (format_ == "json") std::cout << "[";
    for (size_t i = 0; i < stories->size(); ++i) {
      const Story& s = (*stories)[i];
      if (format_ == "text") {
        std::cout << story_to_text(s) << "\n";
      } else {
        std::cout << (format_ == "json" && i > 0 ? ",\n " : "") << story_to_json(s)
                  << (format_ == "jsonl" ? "\n" : "");
      }
    }
    if (format_ == "json") std::cout << "]\n";
    if (format_ == "text" && stories->empty()) fmt::print("no stories\n");
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string since_, until_, entity_, query_, topic_;
  int limit_ = 20;
  std::string format_ = "text";
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_stories(CLI::App& app) {
  return std::make_unique<StoriesVerb>(app);
}

}  // namespace caspian::cli
