// `caspian show`: a stored article with its analysis and the other URLs it was seen at.
#include <iostream>

#include "common.h"
#include "format.h"

namespace caspian::cli {

namespace {

class ShowVerb final : public Verb {
 public:
  explicit ShowVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("show", "Print a stored article with its analysis");
    cmd_->add_option("id", id_, "Article id (as printed by search)")->required();
    cmd_->add_option("--format", format_, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& /*global*/) override {
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
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
  CLI::App* cmd_ = nullptr;
  int64_t id_ = 0;
  std::string format_ = "text";
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_show(CLI::App& app) {
  return std::make_unique<ShowVerb>(app);
}

}  // namespace caspian::cli
