// caspian: the command-line interface. It calls only the public API in
// include/caspian/. Exit codes (docs/cli.md):
//   0  success
//   1  some inputs failed (the rest were processed), or nothing found for show
//   2  usage error (bad flag or argument)
//   3  fatal error (database cannot be opened, data files missing)
//   130 interrupted (SIGINT/SIGTERM); work committed so far is kept
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "caspian/caspian.h"
#include "caspian/conllu.h"
#include "caspian/event_export.h"
#include "caspian/fetch.h"
#include "caspian/watch.h"
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
caspian::Pipeline load_pipeline(const caspian::PipelineOptions& opts) {
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
  bool follow = false;
};

caspian::ReadOptions read_options(const CommonReadFlags& f) {
  caspian::ReadOptions o;
  // The flag's value was checked against the names by CLI11.
  auto format = caspian::input_format_from_name(f.format);
  o.format = format.ok() ? *format : caspian::InputFormat::kAuto;
  o.title = f.title;
  o.url = f.url;
  o.source = f.source;
  o.date = f.date;
  o.max_bytes = f.max_mb * kMiB;
  return o;
}

void add_read_flags(CLI::App* cmd, CommonReadFlags& f) {
  cmd->add_option(
         "--input-format", f.format,
         "Input format (auto: by extension, else by content; feed = RSS/Atom/RDF, warc = WARC archive)")
      ->check(CLI::IsMember({"auto", "text", "json", "jsonl", "html", "feed", "warc"}))
      ->capture_default_str();
  cmd->add_option("--title", f.title, "Headline for plain-text input (default: its first non-empty line)");
  cmd->add_option("--date", f.date,
                  "Publication date (ISO 8601) for plain-text input; anchors relative dates");
  cmd->add_option("--url", f.url, "URL of a plain-text input");
  cmd->add_option("--source", f.source, "Source (outlet) of a plain-text input");
  cmd->add_option("--max-mb", f.max_mb, "Refuse inputs (or JSONL lines) larger than this many MiB")
      ->capture_default_str();
  cmd->add_flag("--follow", f.follow,
                "Feeds: fetch each item's link and extract the article from its page (else: the summary)");
}

// Fetching for URL inputs and --follow: SIGINT/SIGTERM cut transfers and waits short.
caspian::FetchOptions fetch_options(uint64_t max_bytes) {
  caspian::FetchOptions o;
  o.cancel = &g_interrupted;
  o.max_bytes = max_bytes;
  return o;
}

// Reads `inputs` in order: http(s) URLs are fetched (caspian::read_url), the
// rest read as files. With `follow`, feed items (records of inputs that are
// not WARC archives) are replaced by the articles their links lead to.
void read_all(const std::vector<std::string>& inputs, const caspian::ReadOptions& options, bool follow,
              const caspian::RecordSink& sink) {
  std::unique_ptr<caspian::Fetcher> fetcher;
  auto get_fetcher = [&]() -> caspian::Fetcher* {
    if (!fetcher) {
      auto f = caspian::make_fetcher(fetch_options(options.max_bytes));
      if (!f.ok()) {
        error_line("starting the HTTP client", f.status());
        std::exit(kExitFatal);
      }
      fetcher = std::move(f).value();
    }
    return fetcher.get();
  };
  auto warn = [](std::string_view w) { fmt::print(stderr, "caspian: warning: {}\n", w); };
  const bool warc_flag = options.format == caspian::InputFormat::kWarc;
  auto file_sink = [&](const caspian::RecordOrigin& origin, caspian::Result<caspian::Document> doc) {
    const bool feed_item = origin.record > 0 && !warc_flag && origin.path.find(".warc") == std::string::npos;
    if (follow && feed_item && doc.ok()) {
      doc = caspian::follow_item_link(*get_fetcher(), std::move(doc).value(), options, warn);
    }
    return sink(origin, std::move(doc));
  };
  for (const std::string& input : inputs) {
    if (g_interrupted.load()) return;
    caspian::Status st;
    if (caspian::is_url(input)) {
      caspian::UrlReadOptions url_options;
      url_options.read = options;
      url_options.follow = follow;
      url_options.warn = warn;
      st = caspian::read_url(*get_fetcher(), input, url_options, sink);
    } else {
      st = caspian::read_inputs({input}, options, file_sink);
    }
    if (!st.ok()) return;  // the sink asked to stop
  }
}

// ---- analyze -------------------------------------------------------------
int cmd_analyze(const std::vector<std::string>& inputs, const CommonReadFlags& flags,
                const std::string& format, const caspian::PipelineOptions& pipeline_options) {
  (void)date_flag(flags.date, "--date");
  const caspian::Pipeline pipeline = load_pipeline(pipeline_options);
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
    } else if (format == "conllu") {
      std::cout << caspian::to_conllu(d);
    } else {
      if (!first) std::cout << "\n" << std::string(72, '-') << "\n";
      std::cout << caspian::cli::format_text(d);
    }
    first = false;
    return !g_interrupted.load();
  };
  read_all(inputs, read_options(flags), flags.follow, sink);
  if (g_interrupted.load()) return kExitInterrupted;
  return failures > 0 ? kExitPartial : kExitOk;
}

// ---- ingest --------------------------------------------------------------
struct IngestCounts {
  int64_t read = 0, stored = 0, revisions = 0, duplicates = 0, near_duplicates = 0, failed = 0;
};

int cmd_ingest(const std::vector<std::string>& inputs, const CommonReadFlags& flags, const std::string& db,
               const caspian::PipelineOptions& pipeline_options, bool quiet) {
  (void)date_flag(flags.date, "--date");
  const caspian::Pipeline pipeline = load_pipeline(pipeline_options);
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
        if (put->duplicate_by == "near") ++counts.near_duplicates;
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
  caspian::ReadStats read_stats;
  caspian::ReadOptions options = read_options(flags);
  options.stats = &read_stats;
  read_all(inputs, options, flags.follow, sink);
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
  if (counts.near_duplicates > 0) {
    fmt::print("  {} of the duplicates are near-duplicates (their URLs are kept as copies)\n",
               counts.near_duplicates);
  }
  if (!read_stats.skipped.empty()) {
    fmt::print("skipped (not articles):\n");
    for (const auto& [reason, n] : read_stats.skipped) fmt::print("  {} {}\n", n, reason);
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

// ---- events --------------------------------------------------------------
struct EventsFlags {
  std::vector<std::string> actors;
  std::string code;
  std::string since, until;
  std::string format = "tsv";
  int limit = 0;
};

int cmd_events(const EventsFlags& f, const std::string& db, const std::filesystem::path& data_dir) {
  caspian::EventQuery q;
  q.actors = f.actors;
  q.code = f.code;
  q.since = date_flag(f.since, "--since");
  q.until = date_flag(f.until, "--until");
  q.limit = f.limit;
  auto format = caspian::parse_event_format(f.format);
  if (!format.ok()) {
    error_line("events", format.status());
    return kExitUsage;
  }
  auto store = open_or_exit(db);
  auto events = store->events(q);
  if (!events.ok()) {
    error_line("events", events.status());
    return kExitFatal;
  }
  auto text = caspian::format_events(caspian::group_events(*events), *format,
                                     data_dir.empty() ? caspian::default_data_dir() : data_dir);
  if (!text.ok()) {
    error_line("events", text.status());
    return kExitFatal;
  }
  std::cout << *text;
  return kExitOk;
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
    auto copies = store->copies(id);
    if (copies.ok() && !copies->empty()) {
      std::cout << fmt::format("\nAlso published at ({}):\n", copies->size());
      for (const caspian::ArticleCopy& c : *copies) {
        std::cout << fmt::format("  {}  ({}, similarity {:.2f}, first seen {})\n", c.url, c.source,
                                 c.similarity, c.first_seen);
      }
    }
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
  fmt::print("  {} articles, {} entity mentions of {} distinct entities, {} time expressions, {} events\n",
             st->articles, st->mentions, st->entities, st->time_expressions, st->events);
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

// ---- watch ---------------------------------------------------------------
struct WatchFlags {
  std::string feed_list;
  std::string every = "15m";
  std::string host_delay = "1s";
  bool once = false;
  bool follow = false;
  uint64_t max_mb = 16;
};

// "90" (seconds), "90s", "15m", "1h", "500ms"; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits])) != 0) ++digits;
  constexpr size_t kMaxDigits = 9;
  if (digits == 0 || digits > kMaxDigits) return std::nullopt;
  const int64_t n = std::stoll(std::string(s.substr(0, digits)));
  const std::string_view unit = s.substr(digits);
  if (unit.empty() || unit == "s") return std::chrono::seconds(n);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m" || unit == "min") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  return std::nullopt;
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

int cmd_watch(const WatchFlags& f, const std::string& db, const caspian::PipelineOptions& pipeline_options) {
  const auto every = parse_duration(f.every);
  const auto host_delay = parse_duration(f.host_delay);
  if (!every || every->count() <= 0 || !host_delay) {
    fmt::print(stderr, "caspian: watch: durations are like 90s, 15m, 1h (got --every {} --host-delay {})\n",
               f.every, f.host_delay);
    return kExitUsage;
  }
  auto feeds = caspian::read_feed_list(f.feed_list);
  if (!feeds.ok()) {
    error_line("watch", feeds.status());
    return kExitUsage;
  }
  const caspian::Pipeline pipeline = load_pipeline(pipeline_options);
  auto store = open_or_exit(db);
  caspian::FetchOptions fo = fetch_options(f.max_mb * kMiB);
  fo.host_delay = *host_delay;
  auto fetcher = caspian::make_fetcher(fo);
  if (!fetcher.ok()) {
    error_line("starting the HTTP client", fetcher.status());
    return kExitFatal;
  }
  caspian::WatchOptions wo;
  wo.follow = f.follow;
  wo.read.max_bytes = f.max_mb * kMiB;
  wo.cancel = &g_interrupted;
  wo.log = [](std::string_view line) {
    fmt::print("{} {}\n", utc_now(), line);
    std::fflush(stdout);
  };
  fmt::print("{} watch: {} feeds into {}, {}\n", utc_now(), feeds->size(), db,
             f.once ? "one round" : "every " + f.every);
  for (int round = 1;; ++round) {
    auto stats = caspian::watch_round(*feeds, **fetcher, *store, pipeline, wo);
    if (!stats.ok()) {
      error_line(db, stats.status());
      return kExitFatal;
    }
    fmt::print(
        "{} round {}: {} feeds ({} not modified, {} failed), {} items, {} new: {} stored, "
        "{} duplicates, {} failed\n",
        utc_now(), round, stats->feeds, stats->not_modified, stats->feed_errors, stats->items,
        stats->new_items, stats->stored, stats->duplicates, stats->failed);
    std::fflush(stdout);
    if (stats->interrupted || g_interrupted.load()) break;
    if (f.once) return stats->feed_errors + stats->failed > 0 ? kExitPartial : kExitOk;
    const auto next = std::chrono::steady_clock::now() + *every;
    while (!g_interrupted.load() && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(kProgressInterval);
    }
    if (g_interrupted.load()) break;
  }
  fmt::print("{} watch: stopped by a signal; everything stored so far is kept\n", utc_now());
  return kExitInterrupted;
}

// `caspian extract`: the main text (and metadata) of web pages, trafilatura-style.
struct ExtractFlags {
  std::vector<std::string> inputs;
  std::string input_list;
  std::string format = "txt";
  std::string output_dir;
};

// Reads a whole file ("-" is stdin) into `out`.
caspian::Status read_whole(const std::string& path, std::string& out) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return {caspian::ErrorCode::kNotFound, "cannot open " + path};
    in = &file;
  }
  std::ostringstream ss;
  ss << in->rdbuf();
  if (in->bad()) return {caspian::ErrorCode::kIoError, "cannot read " + path};
  out = std::move(ss).str();
  return caspian::Status::Ok();
}

// The output name of an input: its file name without extensions (.html, .htm, .gz, ...), or
// for a URL its last path segment (else its host). Unsafe characters become '_'.
std::string output_stem(const std::string& input) {
  std::string name;
  if (input == "-") {
    name = "stdin";
  } else if (caspian::is_url(input)) {
    std::string path = input.substr(input.find("://") + 3);
    path = path.substr(0, path.find_first_of("?#"));
    while (!path.empty() && path.back() == '/') path.pop_back();
    const size_t slash = path.rfind('/');
    name = slash == std::string::npos ? path : path.substr(slash + 1);
  } else {
    name = std::filesystem::path(input).filename().string();
  }
  for (std::string_view ext : {".gz", ".html", ".htm", ".xhtml", ".php", ".aspx", ".asp"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      name.resize(name.size() - ext.size());
    }
  }
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return name.empty() ? "page" : name;
}

std::string format_extracted(const caspian::ExtractedArticle& a, const std::string& input,
                             const std::string& format) {
  if (format == "json") {
    std::string authors;
    for (const std::string& au : a.authors)
      authors += (authors.empty() ? "" : ",") + caspian::json_string(au);
    return fmt::format(
        "{{\"input\":{},\"title\":{},\"authors\":[{}],\"published\":{},\"modified\":{},\"language\":{},"
        "\"url\":{},\"site_name\":{},\"description\":{},\"charset\":{},\"text\":{}}}\n",
        caspian::json_string(input), caspian::json_string(a.title), authors,
        caspian::json_string(a.published), caspian::json_string(a.modified), caspian::json_string(a.language),
        caspian::json_string(a.canonical_url), caspian::json_string(a.site_name),
        caspian::json_string(a.description), caspian::json_string(a.charset), caspian::json_string(a.text));
  }
  if (format == "markdown") {
    std::string out;
    if (!a.title.empty()) out += "# " + a.title + "\n\n";
    return out + a.text + "\n";
  }
  return a.text + "\n";
}

int cmd_extract(ExtractFlags flags) {
  std::vector<std::string> inputs = flags.inputs;
  if (!flags.input_list.empty()) {
    std::string list;
    if (auto st = read_whole(flags.input_list, list); !st.ok()) {
      error_line(flags.input_list, st);
      return kExitFatal;
    }
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty() && line.front() != '#') inputs.push_back(line);
    }
  }
  if (inputs.empty()) {
    fmt::print(stderr, "caspian: extract: no input (give files, URLs, - or --input-list)\n");
    return kExitUsage;
  }
  if (!flags.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(flags.output_dir, ec);
    if (ec) {
      fmt::print(stderr, "caspian: extract: cannot create {}: {}\n", flags.output_dir, ec.message());
      return kExitFatal;
    }
  }
  const std::string ext = flags.format == "json" ? ".json" : flags.format == "markdown" ? ".md" : ".txt";
  std::unique_ptr<caspian::Fetcher> fetcher;
  int failed = 0;
  bool first = true;
  for (const std::string& input : inputs) {
    if (g_interrupted.load()) return kExitInterrupted;
    caspian::ExtractOptions opts;
    opts.format = flags.format == "markdown" ? caspian::TextFormat::kMarkdown : caspian::TextFormat::kPlain;
    std::string bytes;
    caspian::Status st;
    if (caspian::is_url(input)) {
      if (!fetcher) {
        caspian::FetchOptions fo;
        fo.cancel = &g_interrupted;
        auto f = caspian::make_fetcher(fo);
        if (!f.ok()) {
          error_line("extract", f.status());
          return kExitFatal;
        }
        fetcher = std::move(f).value();
      }
      auto r = fetcher->fetch({input, "", ""});
      if (r.ok()) {
        bytes = std::move(r->body);
        opts.url = r->final_url.empty() ? input : r->final_url;
        opts.content_type = r->content_type;
      } else {
        st = r.status();
      }
    } else {
      st = read_whole(input, bytes);
    }
    caspian::Result<caspian::ExtractedArticle> article =
        st.ok() ? caspian::extract_article(bytes, opts) : caspian::Result<caspian::ExtractedArticle>(st);
    if (!article.ok()) {
      error_line(input, article.status());
      ++failed;
      continue;
    }
    const std::string out = format_extracted(*article, input, flags.format);
    if (flags.output_dir.empty()) {
      if (!first && flags.format != "json") std::cout << "\n";
      std::cout << out;
      first = false;
      continue;
    }
    const std::filesystem::path path = std::filesystem::path(flags.output_dir) / (output_stem(input) + ext);
    std::ofstream file(path, std::ios::binary);
    file << out;
    if (!file) {
      error_line(path.string(), {caspian::ErrorCode::kIoError, "cannot write"});
      ++failed;
    }
  }
  std::cout.flush();
  return failed == 0 ? kExitOk : kExitPartial;
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  CLI::App app{"caspian: turns news into structured, searchable knowledge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("caspian {}", caspian::version()));
  caspian::PipelineOptions pipeline_options;
  app.add_option("--data-dir", pipeline_options.data_dir,
                 "Directory of caspian's data files (default: $CASPIAN_DATA or built-in)");
  app.add_option("--parse-model", pipeline_options.parse_model,
                 "Parser model of analyze, ingest and watch (default: $CASPIAN_PARSE_MODEL or "
                 "models/parse-en-ud.bin; models/parse-en-ud-beam8.bin is more accurate and slower)");
  app.add_option("--actors", pipeline_options.event_dictionaries.actors,
                 "Actor dictionary (PETRARCH format, docs/events.md) read after the built-in ones by "
                 "the events stage of analyze, ingest and watch; repeatable")
      ->check(CLI::ExistingFile);

  // analyze
  auto* analyze = app.add_subcommand("analyze", "Analyse articles and print the analysis (JSON or text)");
  std::vector<std::string> analyze_inputs;
  CommonReadFlags analyze_flags;
  std::string analyze_format = "json";
  analyze->add_option("inputs", analyze_inputs, "Files, directories or - for stdin")->required();
  analyze
      ->add_option("--format", analyze_format,
                   "Output format: json (the full analysis), text (a summary), conllu (tokens, tags, trees)")
      ->check(CLI::IsMember({"json", "text", "conllu"}))
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

  // events
  auto* events = app.add_subcommand(
      "events",
      "Export stored events (CAMEO/PLOVER), identical reports counted: TSV, CSV, JSON lines or GDELT");
  EventsFlags ef;
  events
      ->add_option("--actor", ef.actors,
                   "Source or target actor code starts with this (KAZ, ARMGOV); repeatable")
      ->allow_extra_args(false);
  events->add_option("--code", ef.code, "CAMEO event code starts with this (04, 0421)");
  events->add_option("--since", ef.since, "Event date on or after this date (YYYY-MM-DD)");
  events->add_option("--until", ef.until, "Event date on or before this date (YYYY-MM-DD)");
  events
      ->add_option("--format", ef.format,
                   "tsv and csv (with a header), jsonl, or gdelt (GDELT 2.0 event table)")
      ->check(CLI::IsMember({"tsv", "csv", "jsonl", "gdelt"}))
      ->capture_default_str();
  events->add_option("--limit", ef.limit, "At most this many reports (0: all)")
      ->check(CLI::NonNegativeNumber);
  events->add_option("--db", db, "Database file")->capture_default_str();

  // show
  auto* show = app.add_subcommand("show", "Print a stored article with its analysis");
  int64_t show_id = 0;
  std::string show_format = "text";
  show->add_option("id", show_id, "Article id (as printed by search)")->required();
  show->add_option("--format", show_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  show->add_option("--db", db, "Database file")->capture_default_str();

  // watch
  auto* watch =
      app.add_subcommand("watch", "Poll feeds and store their new items (conditional GET, restartable)");
  WatchFlags wf;
  watch->add_option("feedlist", wf.feed_list, "File of feed URLs, one per line (# comments)")->required();
  watch->add_option("--every", wf.every, "Time between rounds (90s, 15m, 1h)")->capture_default_str();
  watch->add_flag("--once", wf.once, "Run one round and exit");
  watch->add_flag("--follow", wf.follow, "Fetch each new item's link and extract the article from the page");
  watch->add_option("--host-delay", wf.host_delay, "Least time between two requests to one host")
      ->capture_default_str();
  watch->add_option("--max-mb", wf.max_mb, "Refuse responses larger than this many MiB")
      ->capture_default_str();
  watch->add_option("--db", db, "Database file")->capture_default_str();

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
  eval->add_option("--format", eval_options.format, "Input format of ner files: auto, conll4, conll2, tab")
      ->check(CLI::IsMember({"auto", "conll4", "conll2", "tab"}));
  eval->add_option("--predictions", eval_options.predictions,
                   "ner: write 'word gold predicted' per token (conlleval format) to this file");
  eval->add_option("--beam-margin", eval_options.beam_margin,
                   "parse: parse with this beam margin instead of the model's (0: the full beam)")
      ->check(CLI::NonNegativeNumber);
  eval->add_flag("--verbose", eval_options.verbose, "events: list each record's gold and coded events");
  eval->add_option("--actors", eval_options.actor_files,
                   "events: actor dictionaries (PETRARCH format) read after the built-in ones")
      ->check(CLI::ExistingFile);
  eval->add_option("--verbs", eval_options.verb_dictionary,
                   "events: a PETRARCH-2 verb dictionary instead of the built-in CAMEO.2.0.txt")
      ->check(CLI::ExistingFile);
  eval->add_option("--agents", eval_options.agent_dictionary,
                   "events: an agent dictionary instead of the built-in")
      ->check(CLI::ExistingFile);
  eval->add_flag("--only-actors", eval_options.only_given_actors,
                 "events: the --actors files replace the built-in actor dictionaries");

  // extract
  auto* extract = app.add_subcommand(
      "extract", "Print the main text of web pages (HTML files or URLs), without boilerplate");
  ExtractFlags extract_flags;
  extract->add_option("inputs", extract_flags.inputs, "HTML files, http(s) URLs, or - for stdin");
  extract->add_option("--input-list", extract_flags.input_list, "File with one input (path or URL) per line");
  extract->add_option("--format", extract_flags.format, "txt: paragraphs; json: text and metadata; markdown")
      ->check(CLI::IsMember({"txt", "json", "markdown"}))
      ->capture_default_str();
  extract->add_option(
      "-o,--output-dir", extract_flags.output_dir,
      "Write DIR/<input name without extension>.txt (.json, .md) per input instead of printing");

  // train
  auto* train = app.add_subcommand("train", "Train a model (deterministic) and write it to a file");
  std::string train_task;
  caspian::TrainOptions train_options;
  train->add_option("task", train_task, "What to train")
      ->required()
      ->check(CLI::IsMember(caspian::train_tasks()));
  train->add_option("--train", train_options.train, "Training data: one or more files, read in order")
      ->required();
  train->add_option("--dev", train_options.dev, "Development data, scored after training");
  train->add_option("-o,--output", train_options.output, "Model file to write")->required();
  train->add_option("--unlabelled", train_options.unlabelled,
                    "Unlabelled text (JSONL or plain, gzip ok): to learn word clusters from (ner); to "
                    "parse with --teacher into extra training trees (parse)");
  train->add_option("--teacher", train_options.teachers,
                    "Parser models that parse --unlabelled text into silver training trees (parse: "
                    "uptraining; with several, the first one's trees where all agree; see "
                    "models/parse-en-ud.md)");
  train
      ->add_option("--prune-below", train_options.prune_below,
                   "Drop averaged weights smaller than this in magnitude (parse; default 1: see "
                   "models/parse-en-ud.md)")
      ->check(CLI::NonNegativeNumber);
  train
      ->add_option("--silver-every", train_options.silver_every,
                   "Parse one --unlabelled sentence in this many, an even sample (parse; default 1: all)")
      ->check(CLI::PositiveNumber);
  train->add_option("--names", train_options.names,
                    "Name lists: PETRARCH actor dictionaries, for person/organisation gazetteers (ner)");
  train
      ->add_option("--beam", train_options.beam,
                   "Beam width to train and parse with (parse; default 1: greedy, see models/parse-en-ud.md)")
      ->check(CLI::Range(1, 64));
  train
      ->add_option("--beam-margin", train_options.beam_margin,
                   "Parse-time beam margin stored in the model (parse with --beam > 1): extensions scoring "
                   "more than this below the best are dropped (default 0: the full beam)")
      ->check(CLI::NonNegativeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (*analyze) return cmd_analyze(analyze_inputs, analyze_flags, analyze_format, pipeline_options);
  if (*ingest) return cmd_ingest(ingest_inputs, ingest_flags, db, pipeline_options, quiet);
  if (*watch) return cmd_watch(wf, db, pipeline_options);
  if (*events) return cmd_events(ef, db, pipeline_options.data_dir);
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
  if (*extract) return cmd_extract(extract_flags);
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
