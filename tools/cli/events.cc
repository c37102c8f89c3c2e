// `caspian events`: export stored events, identical reports counted.
#include <iostream>

#include "caspian/event_export.h"
#include "common.h"

namespace caspian::cli {

namespace {

class EventsVerb final : public Verb {
 public:
  explicit EventsVerb(CLI::App& app) {
    cmd_ = app.add_subcommand(
        "events",
        "Export stored events (CAMEO/PLOVER), identical reports counted: TSV, CSV, JSON lines or GDELT");
    cmd_->add_option("--actor", actors_,
                     "Source or target actor code starts with this (KAZ, ARMGOV); repeatable")
        ->allow_extra_args(false);
    cmd_->add_option("--code", code_, "CAMEO event code starts with this (04, 0421)");
    cmd_->add_option("--topic", topic_, "Only events of articles with this topic id (medtop:16000000)");
    cmd_->add_option("--since", since_, "Event date on or after this date (YYYY-MM-DD)");
    cmd_->add_option("--until", until_, "Event date on or before this date (YYYY-MM-DD)");
    cmd_->add_option("--format", format_,
                     "tsv and csv (with a header), jsonl, or gdelt (GDELT 2.0 event table)")
        ->check(CLI::IsMember({"tsv", "csv", "jsonl", "gdelt"}))
        ->capture_default_str();
    cmd_->add_option("--limit", limit_, "At most this many reports (0: all)")->check(CLI::NonNegativeNumber);
    cmd_->add_option("--db", db_, "Database file")->capture_default_str();
  }
  CLI::App* command() const override { return cmd_; }

  int run(const GlobalFlags& global) override {
    EventQuery q;
    q.actors = actors_;
    q.code = code_;
    q.topic = topic_;
    q.limit = limit_;
    auto since = date_flag(since_, "--since");
    auto until = date_flag(until_, "--until");
    auto format = parse_event_format(format_);
    for (const Status& st : {since.status(), until.status(), format.status()}) {
      if (!st.ok()) {
        error_line("events", st);
        return kExitUsage;
      }
    }
    q.since = *since;
    q.until = *until;
    auto store = open_store_or_report(db_);
    if (!store.ok()) return kExitFatal;
    auto events = (*store)->events(q);
    if (!events.ok()) {
      error_line("events", events.status());
      return kExitFatal;
    }
    const auto& data_dir = global.pipeline.data_dir;
    auto text =
        format_events(group_events(*events), *format, data_dir.empty() ? default_data_dir() : data_dir);
    if (!text.ok()) {
      error_line("events", text.status());
      return kExitFatal;
    }
    std::cout << *text;
    return kExitOk;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::vector<std::string> actors_;
  std::string code_, since_, until_, topic_;
  std::string format_ = "tsv";
  int limit_ = 0;
  std::string db_ = "caspian.db";
};

}  // namespace

std::unique_ptr<Verb> make_events(CLI::App& app) {
  return std::make_unique<EventsVerb>(app);
}

}  // namespace caspian::cli
