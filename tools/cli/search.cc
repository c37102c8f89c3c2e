// `caspian search`: ranked full-text search over stored articles.
#include <iostream>

#include "common.h"
#include "format.h"

namespace caspian::cli {

namespace {

std::string hits_json(const std::vector<SearchHit>& hits) {
  std::string out = "[";
  for (size_t i = 0; i < hits.size(); ++i) {
    const SearchHit& h = hits[i];
    out += (i ? ",\n " : "");
    out += fmt::format(
        R"({{"article_id": {}, "published": {}, "score": {:.4f}, "title": {}, "url": {}, "source": {}, "snippet": {}, "lead": {}}})",
        h.article_id, h.published ? "\"" + format_date(*h.published) + "\"" : "null", h.score,
        json_string(h.title), json_string(h.url), json_string(h.source), json_string(h.snippet),
        json_string(h.lead));
  }
  return out + "]\n";
}

class SearchVerb final : public Verb {
 public:
  explicit SearchVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("search", "Full-text search over stored articles (SQLite FTS5, ranked)");
    cmd_->add_option("query", query_, "Query (FTS5 syntax; plain words are ANDed)");
    cmd_->add_option("--entity", entities_, "Only articles mentioning this entity id (repeatable)")
        ->allow_extra_args(false);
    cmd_->add_option("--topic", topic_, "Only articles with this topic id (medtop:16000000)");
    cmd_->add_option("--since", since_, "Published on or after this date (YYYY-MM-DD)");
    cmd_->add_option("--until", until_, "Published on or before this date (YYYY-MM-DD)");
    cmd_->add_option("--language", language_, "Only articles in this language (ISO 639-1 code: en, zh, ru)");
    cmd_->add_option("--limit", limit_, "Maximum number of hits")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd_->add_flag("--oldest-first", oldest_first_, "Order by publication date (a timeline) instead of rank");
    cmd_->add_option("--format", format_, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& /*global*/) override {
    SearchQuery q;
    q.text = query_;
    q.entity_ids = entities_;
    q.topic = topic_;
    q.limit = limit_;
    q.oldest_first = oldest_first_;
    q.language = language_;
    auto since = date_flag(since_, "--since");
    auto until = date_flag(until_, "--until");
    if (!since.ok() || !until.ok()) {
      error_line("search", since.ok() ? until.status() : since.status());
      return kExitUsage;
    }
    q.since = *since;
    q.until = *until;
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
    auto hits = (*store)->search(q);
    if (!hits.ok()) {
      error_line("search", hits.status());
      return kExitUsage;
    }
    if (format_ == "json") {
      std::cout << hits_json(*hits);
    } else {
      if (hits->empty()) fmt::print("no matches\n");
      std::cout << format_hits(*hits);
    }
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string query_;
  std::vector<std::string> entities_;
  std::string since_, until_, topic_;
  std::string language_;
  int limit_ = 10;
  std::string format_ = "text";
  bool oldest_first_ = false;
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_search(CLI::App& app) {
  return std::make_unique<SearchVerb>(app);
}

}  // namespace caspian::cli
