// End-to-end tests of the `caspian` binary: analyse, ingest, search, show,
// bad input, and an interrupted ingest.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "caspian/store.h"
#include "cli_runner.h"
#include "nlp/dep_parser.h"
#include "nlp/pos_tagger.h"

namespace {

namespace fs = std::filesystem;

using Run = caspian::testing::CliRun;

Run run(const std::string& args) {
  return caspian::testing::run_cli(args);
}

const std::string kSeed = std::string(CASPIAN_SOURCE_DIR) + "/data/corpus/almaty.txt";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("caspian_cli_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, std::string_view bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  fs::path dir_;
  std::string db_;
};

TEST_F(CliTest, VersionAndHelp) {
  auto v = run("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("caspian "), std::string::npos);
  for (const char* verb : {"analyze", "ingest", "search", "show", "summary", "eval"}) {
    auto h = run(std::string(verb) + " --help");
    EXPECT_EQ(h.exit_code, 0) << verb;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << verb;
  }
  EXPECT_EQ(run("no-such-verb").exit_code, 2);
  EXPECT_EQ(run("search --since yesterday x").exit_code, 2);
}

TEST_F(CliTest, AnalyzeSeedArticleAsJson) {
  auto r = run("analyze --date 2025-08-20 " + kSeed);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["published"], "2025-08-20");
  EXPECT_GT(j["sentences"].size(), 15U);
  std::set<std::string> ids;
  for (const auto& m : j["mentions"]) ids.insert(m["entity_id"].get<std::string>());
  for (const char* id : {"geonames:1526384", "iso3166:KAZ", "iso3166:AZE", "iso3166:ARM", "iso3166:USA",
                         "geonames:4140963", "geonames:292968"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  std::map<std::string, std::string> times;
  for (const auto& t : j["times"])
    times[t["text"].get<std::string>()] = t["value"].get<std::string>() + "/" + t["mod"].get<std::string>();
  EXPECT_EQ(times["July 10"], "2025-07-10/");
  EXPECT_EQ(times["late 2025"], "2025/END");
  EXPECT_EQ(times["late 2024"], "2024/END");
}

TEST_F(CliTest, AnalyzeReadsStdinAndPrintsText) {
  auto r = run("analyze --format text --date 2025-08-20 - < " + kSeed);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Almaty"), std::string::npos);
  EXPECT_NE(r.out.find("Time expressions"), std::string::npos);
}

TEST_F(CliTest, EvalEventsScoresRecordsFromRawText) {
  const std::string records = std::string(CASPIAN_SOURCE_DIR) + "/tests/data/events/records.xml";
  auto r = run("eval events --verbose " + records);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // T_ATTACK is found, T_NONE rightly codes nothing, T_MISS is missed, T_SKIP is not scored.
  EXPECT_NE(r.out.find("records 3 (skipped 1, coded exactly 2), gold answers 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T_ATTACK (1 of 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T_NONE (1 of 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T_MISS (0 of 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sentences/s"), std::string::npos) << r.out;
  auto bad = run("eval events " + write("bad.xml", "<Sentences>\n<Text>x\n"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("bad.xml"), std::string::npos) << bad.out;
}

TEST_F(CliTest, AnalyzeShowsEventsAndUsersActorsOverrideTheBuiltIn) {
  const std::string text = write("a.txt", "Nikol Pashinyan criticized Russia.\n");
  auto r = run("analyze --format text --date 2025-08-20 " + text);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ARMGOV -> RUS"), std::string::npos) << r.out;
  const std::string actors = write("actors.txt", "NIKOL_PASHINYAN_\n\t[ARMOPP]\n");
  auto o = run("--actors " + actors + " analyze --format text --date 2025-08-20 " + text);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  EXPECT_NE(o.out.find("ARMOPP -> RUS"), std::string::npos) << o.out;
  auto bad = run("--actors " + write("bad.txt", "[ARM]\n") + " analyze " + text);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("bad.txt:1"), std::string::npos) << bad.out;
}

TEST_F(CliTest, EventsExportCountsReportsAndWritesGdeltRows) {
  const std::string a =
      write("a.txt",
            "The Agreement on the Establishment of Peace and Interstate Relations between Azerbaijan "
            "and Armenia was finalized on July 10 in Abu Dhabi.\n");
  const std::string b =
      write("b.txt",
            "Officials in Baku welcomed the news.\nThe peace agreement between Azerbaijan and "
            "Armenia was finalized on July 10 in Abu Dhabi, diplomats said.\n");
  ASSERT_EQ(run("ingest -q --db " + db_ + " --date 2025-07-12 --source one.example " + a).exit_code, 0);
  ASSERT_EQ(run("ingest -q --db " + db_ + " --date 2025-07-13 --source two.example " + b).exit_code, 0);
  // The same story from a third outlet, without the event: it counts for NumArticles/NumSources.
  const std::string c = write("c.txt",
                              "Diplomats in Abu Dhabi praised the peace agreement between Azerbaijan and "
                              "Armenia as a historic step for the region.\n");
  ASSERT_EQ(run("ingest -q --db " + db_ + " --date 2025-07-14 --source three.example " + c).exit_code, 0);
  auto tsv = run("events --db " + db_ + " --code 057 --actor AZE");
  ASSERT_EQ(tsv.exit_code, 0) << tsv.out;
  std::istringstream lines(tsv.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_TRUE(header.starts_with("date\tdate_granularity\tsource")) << header;
  EXPECT_TRUE(header.ends_with(
      "\tsource_entity\ttarget_entity\tstory_id\tstory_articles\tstory_sources\ttone\tavg_tone"))
      << header;
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 2U) << tsv.out;  // AZE -> ARM and ARM -> AZE, each reported twice
  EXPECT_NE(rows[0].find("2025-07-10\tday\t"), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("\t2\t2\t2\t"), std::string::npos) << rows[0];  // mentions, outlets, articles
  // The story's articles and outlets, then the sentence's tone and the reports' mean tone.
  EXPECT_TRUE(std::regex_search(rows[0], std::regex("\t3\t3\t-?[0-9]+\\.[0-9]{4}\t-?[0-9]+\\.[0-9]{4}$")))
      << rows[0];
  auto gdelt = run("events --db " + db_ + " --format gdelt --code 057");
  ASSERT_EQ(gdelt.exit_code, 0) << gdelt.out;
  std::istringstream grows(gdelt.out);
  int n = 0;
  for (std::string line; std::getline(grows, line); ++n) {
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string c; std::getline(fields, c, '\t');) cols.push_back(c);
    if (line.ends_with('\t')) cols.emplace_back();
    ASSERT_EQ(cols.size(), 61U) << line;
    EXPECT_EQ(cols[1], "20250710");  // SQLDATE
    EXPECT_EQ(cols[26], "057");      // EventCode
    EXPECT_EQ(cols[29], "1");        // QuadClass: verbal cooperation
    EXPECT_EQ(cols[31], "2");        // NumMentions: the identical reports
    EXPECT_EQ(cols[32], "3");        // NumSources: over the story
    EXPECT_EQ(cols[33], "3");        // NumArticles: over the story
    EXPECT_NE(cols[34], "0");        // AvgTone: the mean tone of the two articles
    EXPECT_EQ(cols[53], "AE");       // ActionGeo_CountryCode (FIPS)
    EXPECT_EQ(cols[58], "292968");   // ActionGeo_FeatureID: Abu Dhabi's GeoNames id
    // Actor geography: the countries the actors are, at country level (type 1), in FIPS codes.
    EXPECT_EQ(cols[35], "1");
    EXPECT_EQ(cols[43], "1");
    const std::set<std::string> parties = {cols[37], cols[45]};
    EXPECT_EQ(parties, (std::set<std::string>{"AJ", "AM"})) << line;  // Azerbaijan, Armenia
  }
  EXPECT_EQ(n, 2);
  EXPECT_EQ(run("events --db " + db_ + " --since 2026-01-01").out.find("057"), std::string::npos);
  EXPECT_EQ(run("events --db " + db_ + " --format xml").exit_code, 2);
}

TEST_F(CliTest, GdeltAvgToneIsTheToneOfTheArticle) {
  auto analysis = run("analyze --date 2025-08-20 " + kSeed);
  ASSERT_EQ(analysis.exit_code, 0) << analysis.out;
  const auto json = nlohmann::json::parse(analysis.out);
  const double tone = json.at("tone").at("avg_tone").get<double>();
  EXPECT_NE(tone, 0.0);
  ASSERT_FALSE(json.at("events").empty());
  for (const auto& e : json.at("events")) EXPECT_TRUE(e.contains("tone")) << e.dump();
  ASSERT_EQ(run("ingest -q --db " + db_ + " --date 2025-08-20 " + kSeed).exit_code, 0);
  auto gdelt = run("events --db " + db_ + " --format gdelt");
  ASSERT_EQ(gdelt.exit_code, 0) << gdelt.out;
  std::istringstream rows(gdelt.out);
  int n = 0;
  for (std::string line; std::getline(rows, line); ++n) {
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string c; std::getline(fields, c, '\t');) cols.push_back(c);
    ASSERT_GT(cols.size(), 34U) << line;
    EXPECT_EQ(cols[34], fmt::format("{:.4f}", tone)) << line;  // AvgTone
  }
  EXPECT_GT(n, 0);
}

TEST_F(CliTest, IngestTwiceStoresNothingNew) {
  const std::string corpus =
      write("c.jsonl",
            "{\"title\":\"Chemical weapons found\",\"text\":\"Inspectors found chemical weapons in "
            "Syria.\",\"url\":\"https://a.example/1\",\"date\":\"2025-01-02\"}\n"
            "{\"title\":\"Talks in Almaty\",\"text\":\"Leaders of Armenia and Azerbaijan met in "
            "Almaty.\",\"url\":\"https://a.example/2\",\"date\":\"2025-01-03\"}\n");
  auto first = run("ingest --db " + db_ + " " + corpus + " " + kSeed + " --date 2025-08-20");
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_NE(first.out.find("3 stored"), std::string::npos) << first.out;
  auto second = run("ingest --db " + db_ + " " + corpus + " " + kSeed + " --date 2025-08-20");
  ASSERT_EQ(second.exit_code, 0) << second.out;
  EXPECT_NE(second.out.find("0 stored, 3 duplicates"), std::string::npos) << second.out;

  auto s = run("search --db " + db_ + " \"chemical weapons\"");
  ASSERT_EQ(s.exit_code, 0) << s.out;
  EXPECT_NE(s.out.find("Chemical weapons found"), std::string::npos);
  EXPECT_NE(s.out.find("[chemical]"), std::string::npos);

  auto sj = run("search --db " + db_ + " --format json --entity geonames:1526384 Almaty");
  ASSERT_EQ(sj.exit_code, 0) << sj.out;
  const auto hits = nlohmann::json::parse(sj.out);
  ASSERT_GE(hits.size(), 2U);

  const int64_t id = hits[0]["article_id"].get<int64_t>();
  auto show = run("show --db " + db_ + " " + std::to_string(id));
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("Almaty"), std::string::npos);
  EXPECT_EQ(run("show --db " + db_ + " 99999").exit_code, 1);

  auto sum = run("summary --db " + db_ + " --query Almaty");
  EXPECT_EQ(sum.exit_code, 0) << sum.out;
  EXPECT_NE(sum.out.find("3 articles"), std::string::npos) << sum.out;
}

TEST_F(CliTest, BadInputsFailAloneAndTheExitCodeSaysSo) {
  const auto good = write("good.txt", "Headline\nLeaders met in Almaty.");
  const auto bad_utf8 = write("bad.txt", "Headline\n\xFF\xFE broken");
  const auto empty = write("empty.txt", "");
  const auto binary = write("bin.dat", std::string("\x7f"
                                                   "ELF\0\0\0\1",
                                                   8));
  const auto jsonl = write("lines.jsonl", "{\"title\":\"ok\",\"text\":\"fine\"}\nnot json\n");
  auto r = run("ingest --db " + db_ + " " + good + " " + bad_utf8 + " " + empty + " " + binary + " " + jsonl +
               " " + (dir_ / "missing.txt").string());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(bad_utf8 + ": invalid-utf8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(empty + ": empty-input"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(binary + ": binary-input"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(jsonl + ":2: parse-error"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("missing.txt: not-found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 stored"), std::string::npos) << r.out;
}

TEST_F(CliTest, InterruptedIngestLeavesAConsistentDatabase) {
  // Many distinct articles, so that the ingest is still running when stopped.
  std::string lines;
  for (int i = 0; i < 20000; ++i) {
    lines += "{\"title\":\"Article " + std::to_string(i) +
             "\",\"text\":\"Leaders met in Almaty and Baku on July 10. Number " + std::to_string(i) +
             ".\"}\n";
  }
  const auto corpus = write("big.jsonl", lines);
  // Start the ingest, wait until a first batch is committed (however long the models take to load,
  // e.g. under sanitizers), then interrupt it.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    execl(CASPIAN_BINARY, CASPIAN_BINARY, "ingest", "--quiet", "--db", db_.c_str(), corpus.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  constexpr auto kPoll = std::chrono::milliseconds(50);
  constexpr int kMaxPolls = 2400;  // two minutes
  int status = 0;
  bool exited = false;
  for (int i = 0; i < kMaxPolls && !exited; ++i) {
    std::this_thread::sleep_for(kPoll);
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (exited || !std::filesystem::exists(db_ + "-wal")) continue;
    auto probe = caspian::open_store(db_);
    if (!probe.ok()) continue;
    auto stats = (*probe)->stats();
    if (stats.ok() && stats->articles > 0) break;
  }
  if (!exited) {
    kill(pid, SIGINT);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
  }
  ASSERT_TRUE(WIFEXITED(status));
  const int code = WEXITSTATUS(status);
  EXPECT_TRUE(code == 130 || code == 0) << code;
  auto store = caspian::open_store(db_);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto st = (*store)->stats();
  ASSERT_TRUE(st.ok());
  EXPECT_GT(st->articles, 0);
  // The full-text index and the articles agree: no half-stored article.
  caspian::SearchQuery q;
  q.text = "Almaty";
  q.limit = 1000000;
  auto hits = (*store)->search(q);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(static_cast<int64_t>(hits->size()), st->articles);
  // Resuming stores the rest and nothing twice.
  auto again = run("ingest --quiet --db " + db_ + " " + corpus);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  auto st2 = (*store)->stats();
  ASSERT_TRUE(st2.ok());
  EXPECT_EQ(st2->articles, 20000);
}

}  // namespace

namespace {

TEST_F(CliTest, TrainAndEvaluatePosOnATinyTreebank) {
  std::string conllu;
  for (int i = 0; i < 30; ++i) {
    conllu +=
        "# text = Leaders met in Almaty.\n"
        "1\tLeaders\tleader\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
        "2\tmet\tmeet\tVERB\tVBD\t_\t0\troot\t_\t_\n"
        "3\tin\tin\tADP\tIN\t_\t4\tcase\t_\t_\n"
        "4\tAlmaty\tAlmaty\tPROPN\tNNP\t_\t2\tobl\t_\tSpaceAfter=No\n"
        "5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";
  }
  const auto data = write("tiny.conllu", conllu);
  const std::string model = (dir_ / "pos.bin").string();
  auto t = run("train pos --train " + data + " --dev " + data + " -o " + model);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  auto e = run("eval pos --model " + model + " " + data);
  ASSERT_EQ(e.exit_code, 0) << e.out;
  EXPECT_NE(e.out.find("UPOS"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("1.0000"), std::string::npos) << e.out;
  // A file that is not a model is refused with a clear error.
  auto bad = run("eval pos --model " + data + " " + data);
  EXPECT_EQ(bad.exit_code, 3) << bad.out;
}

// `caspian eval` reads its default models beside the global --data-dir: a missing one fails with
// the path it tried, while the built-in data directory has them.
TEST_F(CliTest, EvalHonoursTheDataDirFlag) {
  const auto data = write("tiny.conllu",
                          "1\tLeaders\tleader\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
                          "2\tmet\tmeet\tVERB\tVBD\t_\t0\troot\t_\t_\n"
                          "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n");
  auto missing = run("--data-dir /nonexistent/data eval pos " + data);
  EXPECT_NE(missing.exit_code, 0) << missing.out;
  EXPECT_NE(missing.out.find("/nonexistent/models/pos-en-ud.bin"), std::string::npos) << missing.out;
  auto e = run("eval pos " + data);
  ASSERT_EQ(e.exit_code, 0) << e.out;
  EXPECT_NE(e.out.find("UPOS"), std::string::npos) << e.out;
}

TEST_F(CliTest, TrainReadsEveryTrainingFileInOrder) {
  const std::string leaders =
      "1\tLeaders\tleader\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
      "2\tmet\tmeet\tVERB\tVBD\t_\t0\troot\t_\t_\n"
      "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";
  const std::string envoys =
      "1\tEnvoys\tenvoy\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
      "2\tgathered\tgather\tVERB\tVBD\t_\t0\troot\t_\t_\n"
      "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";
  std::string first;
  std::string second;
  for (int i = 0; i < 3; ++i) first += leaders;
  for (int i = 0; i < 2; ++i) second += envoys;
  const auto a = write("first.conllu", first);
  const auto b = write("second.conllu", second);
  const std::string model = (dir_ / "two.bin").string();
  auto t = run("train pos --train " + a + " --train " + b + " -o " + model);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  auto tagger = caspian::nlp::PosTagger::load(model);
  ASSERT_TRUE(tagger.ok()) << tagger.status().message();
  const auto config = nlohmann::json::parse((*tagger)->training_config());
  EXPECT_EQ(config["train"]["sentences"], 5);
  EXPECT_EQ(config["train"]["source"], a + ", " + b);
  // A missing file among them fails the command, naming it.
  const std::string missing = (dir_ / "missing.conllu").string();
  auto bad = run("train pos --train " + a + " " + missing + " -o " + model);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("missing.conllu"), std::string::npos) << bad.out;
}

TEST_F(CliTest, TrainParseTakesABeamWidthAndMarginThatTheModelKeeps) {
  const std::string treebank = std::string(CASPIAN_SOURCE_DIR) + "/tests/data/dep_parser_tiny.conllu";
  const std::string model = (dir_ / "beam.bin").string();
  auto t = run("train parse --beam 2 --beam-margin 12.5 --train " + treebank + " -o " + model);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  auto parser = caspian::nlp::DepParser::load(model);
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  EXPECT_EQ((*parser)->beam(), 2);
  EXPECT_EQ((*parser)->beam_margin(), 12.5F);
  const auto config = nlohmann::json::parse((*parser)->training_config());
  EXPECT_EQ(config["options"]["beam"], 2);
  EXPECT_EQ(config["decoding"]["beam_margin"], 12.5);
  // eval parses with the model's margin, or the one it is given.
  auto own = run("eval parse --model " + model + " " + treebank);
  EXPECT_EQ(own.exit_code, 0) << own.out;
  EXPECT_NE(own.out.find("beam 2, margin 12.5"), std::string::npos) << own.out;
  auto full = run("eval parse --beam-margin 0 --model " + model + " " + treebank);
  EXPECT_NE(full.out.find("beam 2, margin 0"), std::string::npos) << full.out;
  auto bad = run("train parse --beam 0 --train " + treebank + " -o " + model);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("--beam"), std::string::npos) << bad.out;
  auto negative = run("eval parse --beam-margin -1 --model " + model + " " + treebank);
  EXPECT_NE(negative.exit_code, 0);
  EXPECT_NE(negative.out.find("--beam-margin"), std::string::npos) << negative.out;
  // The pipeline parses with a model given on the command line, and refuses a missing one.
  const std::string text = write("parse.txt", "Leaders met.\n\nThe ministers of Armenia met in Almaty.\n");
  auto analyzed = run("--parse-model " + model + " analyze --format conllu " + text);
  EXPECT_EQ(analyzed.exit_code, 0) << analyzed.out;
  EXPECT_NE(analyzed.out.find("\tAlmaty\t"), std::string::npos) << analyzed.out;
  const std::string missing = (dir_ / "missing-parser.bin").string();
  auto refused = run("--parse-model " + missing + " analyze " + text);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find(missing), std::string::npos) << refused.out;
}

TEST_F(CliTest, TrainParseUptrainsOnUnlabelledTextParsedByATeacher) {
  const std::string treebank = std::string(CASPIAN_SOURCE_DIR) + "/tests/data/dep_parser_tiny.conllu";
  const std::string teacher = (dir_ / "teacher.bin").string();
  ASSERT_EQ(run("train parse --beam 2 --train " + treebank + " -o " + teacher).exit_code, 0);
  const std::string text =
      write("unlabelled.txt", "The ministers met in Almaty.\n\nLeaders signed the deal.\n");
  const std::string student = (dir_ / "student.bin").string();
  auto t = run("train parse --train " + treebank + " --unlabelled " + text + " --teacher " + teacher +
               " --prune-below 0.5 -o " + student);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  EXPECT_NE(t.out.find("silver trees: 2 sentences"), std::string::npos) << t.out;
  auto parser = caspian::nlp::DepParser::load(student);
  ASSERT_TRUE(parser.ok()) << parser.status().message();
  const auto config = nlohmann::json::parse((*parser)->training_config());
  EXPECT_NE(config["tags"].get<std::string>().find("2 silver trees"), std::string::npos) << config.dump();
  EXPECT_EQ(config["options"]["prune_below"], 0.5);
  auto no_teacher = run("train parse --train " + treebank + " --unlabelled " + text + " -o " + student);
  EXPECT_NE(no_teacher.exit_code, 0);
  EXPECT_NE(no_teacher.out.find("--teacher"), std::string::npos) << no_teacher.out;
  auto bad_teacher = run("train parse --train " + treebank + " --unlabelled " + text + " --teacher " + text +
                         " -o " + student);
  EXPECT_NE(bad_teacher.exit_code, 0);
  EXPECT_NE(bad_teacher.out.find("unlabelled.txt"), std::string::npos) << bad_teacher.out;
}

}  // namespace
