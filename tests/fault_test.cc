// Faults a hostile user meets, end to end through the `caspian` binary: the same output whatever
// the thread count, a full disk, two writers, a foreign database, a cancel during a long document.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "caspian/caspian.h"
#include "temp_dir_test_base.h"
#include "cli_runner.h"
#include "store/fts_tokenizer.h"

namespace caspian {
namespace {

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

const std::string kCorpus = std::string(CASPIAN_SOURCE_DIR) + "/data/corpus/example-news.jsonl.gz";

using testing::CliRun;

CliRun run(const std::string& args) { return testing::run_cli(args); }

// A news-please line for `d` (title, text, url, source, date).
std::string jsonl_line(const Document& d) {
  return "{\"title\":" + json_string(d.title) + ",\"text\":" + json_string(d.body()) +
         ",\"url\":" + json_string(d.url) + ",\"source\":" + json_string(d.source) +
         (d.published ? ",\"date\":\"" + format_date(*d.published) + "\"" : std::string()) + "}\n";
}

// The first `n` records of the example corpus as JSONL lines.
std::string corpus_lines(size_t n) {
  std::string out;
  size_t count = 0;
  // read_inputs() reports the stop this sink asks for; nothing else can fail on the committed file.
  (void)read_inputs({kCorpus}, ReadOptions{}, [&](const RecordOrigin&, Result<Document> d) {
    if (d.ok()) out += jsonl_line(*d);
    return ++count < n;
  });
  return out;
}

// sqlite3_exec's answer for `sql` on `db` ("" when it succeeds).
std::string sql_exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string error;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return "cannot open";
  // articles_fts is read through caspian's tokenizer (store/fts_tokenizer.h).
  if (!caspian::store::register_fts_tokenizer(h).ok()) error = "cannot register the tokenizer";
  char* msg = nullptr;
  if (sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK)
    error = msg != nullptr ? msg : "failed";
  sqlite3_free(msg);
  sqlite3_close(h);
  return error;
}

int64_t sql_count(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

std::string sql_text(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  std::string out;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return out;
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class FaultTest : public test_support::TempDirTest {
 protected:
  FaultTest() : TempDirTest("caspian_fault_test_") {}
};

TEST_F(FaultTest, EventsAndStoriesAreTheSameWhateverTheThreadCount) {
  // The whole example corpus in the release build; a prefix under the sanitizers, which are slow.
  const std::string input = kSanitized ? write("part.jsonl", corpus_lines(1500)) : kCorpus;
  std::vector<std::string> exports;
  std::vector<std::string> stories;
  for (int threads : {1, 2, 3}) {
    const std::string db = (dir_ / ("t" + std::to_string(threads) + ".db")).string();
    const CliRun in = run("ingest -q --threads " + std::to_string(threads) + " --db " + db + " " + input);
    ASSERT_EQ(in.exit_code, 0) << in.out;
    const CliRun ev = run("events --format tsv --db " + db);
    ASSERT_EQ(ev.exit_code, 0);
    exports.push_back(ev.out);
    const CliRun st = run("stories --limit 0 --format jsonl --db " + db);
    ASSERT_EQ(st.exit_code, 0) << st.out;
    stories.push_back(st.out);
  }
  EXPECT_GT(std::count(exports[0].begin(), exports[0].end(), '\n'), 100);
  EXPECT_EQ(exports[0], exports[1]);
  EXPECT_EQ(exports[0], exports[2]);
  // Fewer stories than articles: some reports were grouped.
  EXPECT_GT(std::count(stories[0].begin(), stories[0].end(), '\n'), 100);
  EXPECT_LT(std::count(stories[0].begin(), stories[0].end(), '\n'), kSanitized ? 1500 : 7000);
  EXPECT_EQ(stories[0], stories[1]);
  EXPECT_EQ(stories[0], stories[2]);
  const CliRun one = run("show --story 1 --format json --db " + (dir_ / "t1.db").string());
  EXPECT_EQ(one.exit_code, 0) << one.out;
  EXPECT_NE(one.out.find("\"story_id\": "), std::string::npos) << one.out;
  const CliRun none = run("show --story 999999 --db " + (dir_ / "t1.db").string());
  EXPECT_EQ(none.exit_code, 1) << none.out;
}

TEST_F(FaultTest, AFullDiskLeavesTheStoreAsAtItsLastCommit) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a small filesystem needs root";
  // 5 MB fills during the first batch, 16 MB after a few were committed (the sanitizers' build reads
  // a prefix of the corpus that still fills both).
  const std::string input = kSanitized ? write("part.jsonl", corpus_lines(1600)) : kCorpus;
  for (const std::string size : {"5m", "16m"}) {
    SCOPED_TRACE(size);
    const fs::path mnt = dir_ / ("small" + size);
    fs::create_directories(mnt);
    if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
      GTEST_SKIP() << "cannot mount tmpfs here";
    }
    const std::string db = (mnt / "c.db").string();
    // No commit by age: the sanitizers' build is slow enough for a 2 s batch to close early.
    const CliRun full = run("ingest -q --commit-seconds 0 --db " + db + " " + input);
    EXPECT_EQ(full.exit_code, 3) << full.out;
    EXPECT_NE(full.out.find("not stored"), std::string::npos) << full.out;
    // Space returns.
    ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=400m"), 0);
    EXPECT_EQ(sql_text(db, "PRAGMA integrity_check"), "ok");
    const int64_t articles = sql_count(db, "SELECT count(*) FROM articles");
    EXPECT_EQ(articles % 256, 0) << "whole batches only";
    if (size == "16m") EXPECT_GT(articles, 0);
    // Every article is indexed once and nothing else is (one docsize row per indexed document),
    // and the index agrees with the articles' text (FTS5's own check against its content table).
    EXPECT_EQ(sql_count(db, "SELECT count(*) FROM articles_fts_docsize"), articles);
    EXPECT_EQ(sql_exec(db, "INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)"), "");
    const CliRun search = run("search --db " + db + " peace --limit 3");
    EXPECT_EQ(search.exit_code, 0) << search.out;
    EXPECT_EQ(search.out.find("malformed"), std::string::npos) << search.out;
    // And the ingest resumes where it stopped.
    const CliRun resumed = run("ingest -q --db " + db + " " + input);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
    const int64_t all = sql_count(db, "SELECT count(*) FROM articles");
    EXPECT_GT(all, articles);
    if (!kSanitized) EXPECT_EQ(all, 7456);
    EXPECT_EQ(sql_count(db, "SELECT count(*) FROM articles_fts_docsize"), all);
    EXPECT_NE(run("ingest -q --db " + db + " " + input).out.find(" 0 stored"), std::string::npos);
    EXPECT_EQ(umount2(mnt.c_str(), MNT_DETACH), 0);
  }
}

TEST_F(FaultTest, ASecondWriterWaitsItsTurn) {
  const std::string all = corpus_lines(kSanitized ? 400 : 3000);
  const size_t half = all.find('\n', all.size() / 2) + 1;
  const std::string a = write("a.jsonl", all.substr(0, half));
  const std::string b = write("b.jsonl", all.substr(half));
  const std::string db = (dir_ / "shared.db").string();
  CliRun ra, rb;
  std::thread first([&] { ra = run("ingest -q --db " + db + " " + a); });
  std::thread second([&] { rb = run("ingest -q --db " + db + " " + b); });
  first.join();
  second.join();
  EXPECT_EQ(ra.exit_code, 0) << ra.out;
  EXPECT_EQ(rb.exit_code, 0) << rb.out;
  EXPECT_EQ(ra.out.find("locked"), std::string::npos) << ra.out;
  EXPECT_EQ(rb.out.find("locked"), std::string::npos) << rb.out;
  const CliRun again = run("ingest -q --db " + db + " " + a + " " + b);
  EXPECT_NE(again.out.find(" 0 stored"), std::string::npos) << again.out;
}

TEST_F(FaultTest, AForeignDatabaseIsRefusedUntouched) {
  const std::string db = (dir_ / "other.db").string();
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine');", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  const std::string before = file_bytes(db);
  const std::string text = write("a.txt", "Headline\nLeaders met in Almaty.");
  const CliRun r = run("ingest -q --db " + db + " " + text);
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("not a caspian database"), std::string::npos) << r.out;
  EXPECT_EQ(file_bytes(db), before);
  EXPECT_FALSE(fs::exists(db + "-wal"));
  EXPECT_EQ(sql_text(db, "PRAGMA journal_mode"), "delete");
}

TEST_F(FaultTest, BinaryInputFailsOnceAndIsNotBuffered) {
  std::string bytes(8 << 20, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : bytes) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  const std::string path = write("random.jsonl", bytes);
  const CliRun r = run("ingest --db " + (dir_ / "b.db").string() + " --max-mb 4096 " + path);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("binary-input"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 read, 0 stored, 0 duplicates skipped, 1 failed"), std::string::npos) << r.out;
}

TEST_F(FaultTest, ACancelIsHonouredDuringALongDocument) {
  // Real news on one line: the example corpus joined, repeated to 4 MB.
  std::string text;
  (void)read_inputs({kCorpus}, ReadOptions{}, [&](const RecordOrigin&, Result<Document> d) {
    if (d.ok()) text += std::string(d->body()) + " ";
    return text.size() < (4U << 20);
  });
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  ASSERT_FALSE(text.empty());
  while (text.size() < (4U << 20)) text += text;
  const std::string small = write("small.txt", "Headline\nLeaders met in Almaty.\n");
  const std::string big = write("big.txt", "A long headline\n" + text.substr(0, 4U << 20) + "\n");
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDERR_FILENO);
    execl(CASPIAN_BINARY, CASPIAN_BINARY, "analyze", "--threads", "1", "--format", "text", small.c_str(),
          big.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // The small article's report comes out once it is analysed: the long one is analysed then.
  char c = 0;
  ASSERT_EQ(read(out[0], &c, 1), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  std::array<char, 4096> drain{};
  while (read(out[0], drain.data(), drain.size()) > 0) {
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  close(out[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  // Uncancelled, the document takes over ten seconds (more under the sanitizers).
  EXPECT_LT(waited, kSanitized ? 10.0 : 2.0);
}

}  // namespace
}  // namespace caspian
