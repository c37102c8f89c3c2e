// caspian: the command-line interface. It calls only the public API in
// include/caspian/. Exit codes (docs/cli.md):
//   0  success
//   1  some inputs failed (the rest were processed), or nothing found for show
//   2  usage error (bad flag or argument)
//   3  fatal error (database cannot be opened, data files missing)
//   130 interrupted (SIGINT/SIGTERM); work committed so far is kept
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "caspian/caspian.h"
#include "format.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitPartial = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFatal = 3;
constexpr int kExitInterrupted = 130;
constexpr int kBatchSize = 256;
constexpr auto kProgressInterval = std::chrono::milliseconds(200);
constexpr uint64_t kMiB = uint64_t{1} << 20;

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int /*sig*/) {
  g_interrupted.store(true);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void error_line(std::string_view where, const caspian::Status& st) {
  fmt::print(stderr, "caspian: {}: {}\n", where, st.to_string());
}

// Loads the pipeline or exits fatally: missing data files are a start-up error.
caspian::Pipeline load_pipeline(const std::string& data_dir) {
  caspian::PipelineOptions opts;
  opts.data_dir = data_dir;
  auto p = caspian::Pipeline::create(opts);
  if (!p.ok()) {
    error_line("loading the pipeline", p.status());
    std::exit(kExitFatal);
  }
  return std::move(p).value();
}

std::optional<std::chrono::year_month_day> date_flag(const std::string& value, const char* flag) {
  if (value.empty()) return std::nullopt;
  auto d = caspian::parse_iso_date(value);
  if (!d.ok()) {
    fmt::print(stderr, "caspian: {}: {}\n", flag, d.status().message());
    std::exit(kExitUsage);
  }
  return *d;
}

std::unique_ptr<caspian::Store> open_or_exit(const std::string& db) {
  auto store = caspian::open_store(db);
  if (!store.ok()) {
    error_line("opening the database", store.status());
    std::exit(kExitFatal);
  }
  return std::move(store).value();
}

struct CommonReadFlags {
  std::string format = "auto";
  std::string title, url, source, date;
  uint64_t max_mb = 64;
};

caspian::ReadOptions read_options(const CommonReadFlags& f) {
  caspian::ReadOptions o;
  o.format = f.format == "text"    ? caspian::InputFormat::kText
             : f.format == "json"  ? caspian::InputFormat::kJson
             : f.format == "jsonl" ? caspian::InputFormat::kJsonl
                                   : caspian::InputFormat::kAuto;
  o.title = f.title;
  o.url = f.url;
  o.source = f.source;
  o.date = f.date;
  o.max_bytes = f.max_mb * kMiB;
  return o;
}

void add_read_flags(CLI::App* cmd, CommonReadFlags& f) {
  cmd->add_option("--input-format", f.format, "Input format")
      ->check(CLI::IsMember({"auto", "text", "json", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("--title", f.title, "Headline for plain-text input (default: its first non-empty line)");
  cmd->add_option("--date", f.date,
                  "Publication date (ISO 8601) for plain-text input; anchors relative dates");
  cmd->add_option("--url", f.url, "URL of a plain-text input");
  cmd->add_option("--source", f.source, "Source (outlet) of a plain-text input");
  cmd->add_option("--max-mb", f.max_mb, "Refuse inputs (or JSONL lines) larger than this many MiB")
      ->capture_default_str();
}

// ---- analyze -------------------------------------------------------------
int cmd_analyze(const std::vector<std::string>& inputs, const CommonReadFlags& flags,
                const std::string& format, const std::string& data_dir) {
  (void)date_flag(flags.date, "--date");
  const caspian::Pipeline pipeline = load_pipeline(data_dir);
  int failures = 0;
  bool first = true;
  auto sink = [&](const caspian::RecordOrigin& origin, caspian::Result<caspian::Document> doc) {
    if (!doc.ok()) {
      error_line(origin.to_string(), doc.status());
      ++failures;
      return !g_interrupted.load();
    }
    caspian::Document& d = doc.value();
    if (d.id.empty()) d.id = origin.to_string();
    if (!flags.date.empty() && !d.published) d.published = caspian::parse_iso_date(flags.date).value();
    pipeline.run(d);
    if (format == "json") {
      std::cout << caspian::to_json(d) << "\n";
    } else {
      if (!first) std::cout << "\n" << std::string(72, '-') << "\n";
      std::cout << caspian::cli::format_text(d);
    }
    first = false;
    return !g_interrupted.load();
  };
  const caspian::Status st = caspian::read_inputs(inputs, read_options(flags), sink);
  if (g_interrupted.load()) return kExitInterrupted;
  (void)st;
  return failures > 0 ? kExitPartial : kExitOk;
}

// ---- ingest --------------------------------------------------------------
struct IngestCounts {
  int64_t read = 0, stored = 0, revisions = 0, duplicates = 0, failed = 0;
};

int cmd_ingest(const std::vector<std::string>& inputs, const CommonReadFlags& flags, const std::string& db,
               const std::string& data_dir, bool quiet) {
  (void)date_flag(flags.date, "--date");
  const caspian::Pipeline pipeline = load_pipeline(data_dir);
  auto store = open_or_exit(db);
  const bool progress = !quiet && isatty(fileno(stderr)) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  IngestCounts counts;
  std::vector<std::string> failures;
  int in_batch = 0;

  // Progress: bytes of the inputs consumed (compressed bytes for gzip),
  // over their total size; unknown (stdin) shows counts only.
  const uint64_t total_bytes = progress ? caspian::input_bytes(inputs) : 0;
  uint64_t finished_bytes = 0;  // of the files already read whole
  std::string current_path;
  uint64_t current_size = 0;
  auto show_progress = [&](const caspian::RecordOrigin& origin, bool final) {
    if (origin.path != current_path) {
      finished_bytes += current_size;
      current_path = origin.path;
      std::error_code ec;
      current_size = std::filesystem::file_size(origin.path, ec);
      if (ec) current_size = 0;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = secs > 0 ? static_cast<double>(counts.read) / secs : 0.0;
    const std::string tally = fmt::format("{} read, {} stored, {} duplicate, {} failed, {:.0f} articles/s",
                                          counts.read, counts.stored, counts.duplicates, counts.failed, rate);
    std::string line;
    if (total_bytes > 0) {
      constexpr int kBarWidth = 28;
      const double done = final ? 1.0
                                : std::min(1.0, static_cast<double>(finished_bytes + origin.offset) /
                                                    static_cast<double>(total_bytes));
      const int filled = static_cast<int>(done * kBarWidth);
      const double eta = done > 0 && !final ? secs * (1 - done) / done : 0.0;
      line = fmt::format("[{}{}] {:3.0f}%  {}  ETA {:.0f}s", std::string(static_cast<size_t>(filled), '#'),
                         std::string(static_cast<size_t>(kBarWidth - filled), '.'), done * 100, tally, eta);
    } else {
      line = "ingest: " + tally;
    }
    fmt::print(stderr, "\r\033[K{}{}", line, final ? "\n" : "");
  };
  auto fail = [&](const std::string& where, const caspian::Status& st) {
    ++counts.failed;
    if (progress) fmt::print(stderr, "\r\033[K");
    error_line(where, st);
    failures.push_back(where + ": " + st.to_string());
  };

  if (auto st = store->begin_batch(); !st.ok()) {
    error_line(db, st);
    return kExitFatal;
  }
  bool store_failed = false;
  auto sink = [&](const caspian::RecordOrigin& origin, caspian::Result<caspian::Document> doc) {
    const std::string where = origin.to_string();
    ++counts.read;
    if (!doc.ok()) {
      fail(where, doc.status());
    } else {
      caspian::Document& d = doc.value();
      if (d.id.empty()) d.id = where;
      if (!flags.date.empty() && !d.published) d.published = caspian::parse_iso_date(flags.date).value();
      pipeline.run(d);
      auto put = store->put(d);
      if (!put.ok()) {
        fail(where, put.status());
        if (put.status().code() == caspian::ErrorCode::kStoreError) store_failed = true;
      } else if (put->outcome == caspian::PutResult::Outcome::kStored) {
        ++counts.stored;
        if (put->revision_of != 0) ++counts.revisions;
      } else {
        ++counts.duplicates;
      }
    }
    if (++in_batch >= kBatchSize) {
      in_batch = 0;
      if (auto st = store->commit_batch(); !st.ok()) {
        error_line(db, st);
        store_failed = true;
      } else if (auto st2 = store->begin_batch(); !st2.ok()) {
        error_line(db, st2);
        store_failed = true;
      }
    }
    if (progress && std::chrono::steady_clock::now() - last_progress > kProgressInterval) {
      last_progress = std::chrono::steady_clock::now();
      show_progress(origin, false);
    }
    return !g_interrupted.load() && !store_failed;
  };
  (void)caspian::read_inputs(inputs, read_options(flags), sink);
  if (auto st = store->commit_batch(); !st.ok()) {
    error_line(db, st);
    return kExitFatal;
  }
  if (progress) show_progress(caspian::RecordOrigin{current_path, 0, current_size}, true);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("ingested into {}: {} read, {} stored, {} duplicates skipped, {} failed ({:.2f} s)\n", db,
             counts.read, counts.stored, counts.duplicates, counts.failed, secs);
  if (counts.revisions > 0) {
    fmt::print("  {} of the stored articles are new versions of a URL already stored\n", counts.revisions);
  }
  if (!failures.empty()) {
    fmt::print("failures:\n");
    for (const std::string& f : failures) fmt::print("  {}\n", f);
  }
  if (g_interrupted.load()) {
    fmt::print(stderr, "caspian: interrupted; {} articles stored before the stop are kept\n", counts.stored);
    return kExitInterrupted;
  }
  if (store_failed) return kExitFatal;
  return counts.failed > 0 ? kExitPartial : kExitOk;
}

// ---- search --------------------------------------------------------------
struct SearchFlags {
  std::string query;
  std::vector<std::string> entities;
  std::string since, until;
  int limit = 10;
  std::string format = "text";
  bool oldest_first = false;
};

int cmd_search(const SearchFlags& f, const std::string& db) {
  caspian::SearchQuery q;
  q.text = f.query;
  q.entity_ids = f.entities;
  q.since = date_flag(f.since, "--since");
  q.until = date_flag(f.until, "--until");
  q.limit = f.limit;
  q.oldest_first = f.oldest_first;
  auto store = open_or_exit(db);
  auto hits = store->search(q);
  if (!hits.ok()) {
    error_line("search", hits.status());
    return kExitUsage;
  }
  if (f.format == "json") {
    std::cout << "[";
    for (size_t i = 0; i < hits->size(); ++i) {
      const auto& h = (*hits)[i];
      std::cout
          << (i ? ",\n " : "")
          << fmt::format(
                 R"({{"article_id": {}, "published": {}, "score": {:.4f}, "title": {}, "url": {}, "source": {}, "snippet": {}, "lead": {}}})",
                 h.article_id, h.published ? "\"" + caspian::format_date(*h.published) + "\"" : "null",
                 h.score, caspian::json_string(h.title), caspian::json_string(h.url),
                 caspian::json_string(h.source), caspian::json_string(h.snippet),
                 caspian::json_string(h.lead));
    }
    std::cout << "]\n";
  } else {
    if (hits->empty()) fmt::print("no matches\n");
    std::cout << caspian::cli::format_hits(*hits);
  }
  return kExitOk;
}

// ---- show ----------------------------------------------------------------
int cmd_show(int64_t id, const std::string& format, const std::string& db) {
  auto store = open_or_exit(db);
  auto doc = store->get(id);
  if (!doc.ok()) {
    error_line(fmt::format("article {}", id), doc.status());
    return kExitFatal;
  }
  if (!doc->has_value()) {
    fmt::print(stderr, "caspian: no article with id {} in {}\n", id, db);
    return kExitPartial;
  }
  if (format == "json") {
    std::cout << caspian::to_json(**doc) << "\n";
  } else {
    std::cout << fmt::format("Article #{}\n", id) << caspian::cli::format_text(**doc);
  }
  return kExitOk;
}

// ---- summary -------------------------------------------------------------
int cmd_summary(const std::string& db, const std::string& query, int top) {
  auto store = open_or_exit(db);
  auto st = store->stats();
  if (!st.ok()) {
    error_line(db, st.status());
    return kExitFatal;
  }
  fmt::print("caspian summary of {}\n", db);
  fmt::print("  {} articles, {} entity mentions of {} distinct entities, {} time expressions\n", st->articles,
             st->mentions, st->entities, st->time_expressions);
  for (auto [kind, label] : {std::pair{caspian::EntityKind::kCountry, "Most mentioned countries"},
                             std::pair{caspian::EntityKind::kPlace, "Most mentioned places"},
                             std::pair{caspian::EntityKind::kPerson, "Most mentioned people"},
                             std::pair{caspian::EntityKind::kOrganization, "Most mentioned organisations"}}) {
    auto ents = store->top_entities(kind, top);
    if (!ents.ok()) {
      error_line(db, ents.status());
      return kExitFatal;
    }
    fmt::print("\n{} (articles / mentions):\n", label);
    for (const auto& e : *ents)
      fmt::print("  {:<32} {:<22} {:>5} / {}\n", e.name, e.entity_id, e.articles, e.mentions);
  }
  if (!query.empty()) {
    caspian::SearchQuery q;
    q.text = query;
    q.limit = 5;
    auto hits = store->search(q);
    if (hits.ok()) {
      fmt::print("\nTop search hits for \"{}\":\n{}", query, caspian::cli::format_hits(*hits));
    }
    q.oldest_first = true;
    q.limit = 12;
    auto timeline = store->search(q);
    if (timeline.ok()) {
      fmt::print("\nTimeline for \"{}\" (oldest first):\n", query);
      for (const auto& h : *timeline) {
        if (!h.published) continue;  // a timeline shows dated articles only
        fmt::print("  {}  #{:<5} {}\n", caspian::format_date(*h.published), h.article_id,
                   h.lead.empty() ? h.title : h.lead);
      }
    }
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  CLI::App app{"caspian: turns news into structured, searchable knowledge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("caspian {}", caspian::version()));
  std::string data_dir;
  app.add_option("--data-dir", data_dir,
                 "Directory of caspian's data files (default: $CASPIAN_DATA or built-in)");

  // analyze
  auto* analyze = app.add_subcommand("analyze", "Analyse articles and print the analysis (JSON or text)");
  std::vector<std::string> analyze_inputs;
  CommonReadFlags analyze_flags;
  std::string analyze_format = "json";
  analyze->add_option("inputs", analyze_inputs, "Files, directories or - for stdin")->required();
  analyze->add_option("--format", analyze_format, "Output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  add_read_flags(analyze, analyze_flags);

  // ingest
  auto* ingest = app.add_subcommand("ingest", "Analyse articles and store them in the database");
  std::vector<std::string> ingest_inputs;
  CommonReadFlags ingest_flags;
  std::string db = "caspian.db";
  bool quiet = false;
  ingest->add_option("inputs", ingest_inputs, "Files, directories, JSONL dumps or - for stdin")->required();
  ingest->add_option("--db", db, "Database file")->capture_default_str();
  ingest->add_flag("-q,--quiet", quiet, "No progress bar");
  add_read_flags(ingest, ingest_flags);

  // search
  auto* search = app.add_subcommand("search", "Full-text search over stored articles (SQLite FTS5, ranked)");
  SearchFlags sf;
  search->add_option("query", sf.query, "Query (FTS5 syntax; plain words are ANDed)");
  search->add_option("--entity", sf.entities, "Only articles mentioning this entity id (repeatable)")
      ->allow_extra_args(false);
  search->add_option("--since", sf.since, "Published on or after this date (YYYY-MM-DD)");
  search->add_option("--until", sf.until, "Published on or before this date (YYYY-MM-DD)");
  search->add_option("--limit", sf.limit, "Maximum number of hits")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  search->add_flag("--oldest-first", sf.oldest_first,
                   "Order by publication date (a timeline) instead of rank");
  search->add_option("--format", sf.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  search->add_option("--db", db, "Database file")->capture_default_str();

  // show
  auto* show = app.add_subcommand("show", "Print a stored article with its analysis");
  int64_t show_id = 0;
  std::string show_format = "text";
  show->add_option("id", show_id, "Article id (as printed by search)")->required();
  show->add_option("--format", show_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  show->add_option("--db", db, "Database file")->capture_default_str();

  // summary
  auto* summary =
      app.add_subcommand("summary", "Summarise a database: counts, top entities, hits and a timeline");
  std::string summary_query;
  int summary_top = 8;
  summary->add_option("--query", summary_query, "Show search hits and a dated timeline for this query");
  summary->add_option("--top", summary_top, "How many entities per list")->capture_default_str();
  summary->add_option("--db", db, "Database file")->capture_default_str();

  // eval
  auto* eval =
      app.add_subcommand("eval", "Evaluate a model on reference data and print its standard metrics");
  std::string eval_task;
  std::vector<std::string> eval_inputs;
  eval->add_option("task", eval_task, "What to evaluate")
      ->required()
      ->check(CLI::IsMember(caspian::eval_tasks()));
  eval->add_option("inputs", eval_inputs, "Reference files or directories")->required();
  caspian::EvalOptions eval_options;
  eval->add_option("--model", eval_options.model, "Model file (default: the committed model of the task)");

  // train
  auto* train = app.add_subcommand("train", "Train a model (deterministic) and write it to a file");
  std::string train_task;
  caspian::TrainOptions train_options;
  train->add_option("task", train_task, "What to train")
      ->required()
      ->check(CLI::IsMember(caspian::train_tasks()));
  train->add_option("--train", train_options.train, "Training data")->required();
  train->add_option("--dev", train_options.dev, "Development data, scored after training");
  train->add_option("-o,--output", train_options.output, "Model file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (*analyze) return cmd_analyze(analyze_inputs, analyze_flags, analyze_format, data_dir);
  if (*ingest) return cmd_ingest(ingest_inputs, ingest_flags, db, data_dir, quiet);
  if (*search) return cmd_search(sf, db);
  if (*show) return cmd_show(show_id, show_format, db);
  if (*summary) return cmd_summary(db, summary_query, summary_top);
  if (*eval) {
    auto report = caspian::evaluate(eval_task, eval_inputs, eval_options);
    if (!report.ok()) {
      error_line("eval " + eval_task, report.status());
      return kExitFatal;
    }
    std::cout << *report;
    return kExitOk;
  }
  if (*train) {
    auto report = caspian::train(train_task, train_options);
    if (!report.ok()) {
      error_line("train " + train_task, report.status());
      return kExitFatal;
    }
    std::cout << *report;
    return kExitOk;
  }
  return kExitUsage;
}
