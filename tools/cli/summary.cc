// `caspian summary`: counts, most mentioned entities, search hits and a dated timeline.
#include "common.h"
#include "format.h"

namespace caspian::cli {

namespace {

class SummaryVerb final : public Verb {
 public:
  explicit SummaryVerb(CLI::App& app) {
    cmd_ = app.add_subcommand("summary", "Summarise a database: counts, top entities, hits and a timeline");
    cmd_->add_option("--query", query_, "Show search hits and a dated timeline for this query");
    cmd_->add_option("--top", top_, "How many entities per list")->capture_default_str();
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& /*global*/) override {
    auto opened = open_store_or_report(db_);
    if (!opened.ok()) return kExitFatal;
    Store& store = **opened;
    auto st = store.stats();
    if (!st.ok()) {
      error_line(db_, st.status());
      return kExitFatal;
    }
    fmt::print("caspian summary of {}\n", db_);
    fmt::print("  {} articles, {} entity mentions of {} distinct entities, {} time expressions, {} events\n",
               st->articles, st->mentions, st->entities, st->time_expressions, st->events);
    for (auto [kind, label] : {std::pair{EntityKind::kCountry, "Most mentioned countries"},
                               std::pair{EntityKind::kPlace, "Most mentioned places"},
                               std::pair{EntityKind::kPerson, "Most mentioned people"},
                               std::pair{EntityKind::kOrganization, "Most mentioned organisations"}}) {
      auto ents = store.top_entities(kind, top_);
      if (!ents.ok()) {
        error_line(db_, ents.status());
        return kExitFatal;
      }
      fmt::print("\n{} (articles / mentions):\n", label);
      for (const auto& e : *ents)
        fmt::print("  {:<32} {:<22} {:>5} / {}\n", e.name, e.entity_id, e.articles, e.mentions);
    }
    if (!query_.empty()) print_query(store);
    return kExitOk;
  }

 private:
  void print_query(Store& store) const {
    SearchQuery q;
    q.text = query_;
    q.limit = 5;
    auto hits = store.search(q);
    if (hits.ok()) fmt::print("\nTop search hits for \"{}\":\n{}", query_, format_hits(*hits));
    q.oldest_first = true;
    q.limit = 12;
    auto timeline = store.search(q);
    if (!timeline.ok()) return;
    fmt::print("\nTimeline for \"{}\" (oldest first):\n", query_);
    for (const auto& h : *timeline) {
      if (!h.published) continue;  // a timeline shows dated articles only
      fmt::print("  {}  #{:<5} {}\n", format_date(*h.published), h.article_id,
                 h.lead.empty() ? h.title : h.lead);
    }
  }

  CLI::App* cmd_ = nullptr;
  std::string query_;
  int top_ = 8;
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_summary(CLI::App& app) {
  return std::make_unique<SummaryVerb>(app);
}

}  // namespace caspian::cli
