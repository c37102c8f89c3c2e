// The ingest runner (caspian/runner.h): input order whatever the thread count, bounded queues,
// duplicates found before analysis, cancellation, and the store writer's batches.
#include "caspian/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir_test_base.h"

namespace caspian {
namespace {

// A pipeline of the cheap stages: the runner's contract does not depend on which stages run.
const Pipeline& light_pipeline() {
  static const Pipeline p = [] {
    PipelineOptions o;
    o.data_dir = CASPIAN_SOURCE_DIR "/data";
    o.stages = {"tokenize", "timex"};
    auto made = Pipeline::create(o);
    EXPECT_TRUE(made.ok()) << made.status().to_string();
    return std::move(made).value();
  }();
  return p;
}

std::vector<Document> numbered_docs(int n) {
  std::vector<Document> docs;
  for (int i = 0; i < n; ++i) {
    // Lengths vary so that analysis times do too, and records finish out of order.
    std::string body;
    // Distinct words in every sentence keep the bodies apart for near-duplicate detection.
    for (int k = 0; k < 1 + (i * 7919) % 23; ++k) {
      body += "Leaders met in Almaty on July 10 for round " + std::to_string(i * 100 + k) + " of talks. ";
    }
    Document d = make_document("Article " + std::to_string(i), body + "Number " + std::to_string(i) + ".");
    d.id = "doc-" + std::to_string(i);
    docs.push_back(std::move(d));
  }
  return docs;
}

class RunnerTest : public test_support::TempDirTest {
 protected:
  RunnerTest() : TempDirTest("caspian_runner_test_") {}
};

TEST_F(RunnerTest, ConsumesInInputOrderWhateverTheThreadCount) {
  for (int threads : {1, 2, 4, 7}) {
    RunOptions o;
    o.threads = threads;
    o.max_queued_records = 3;  // a small window forces analysers to wait for the consumer
    std::vector<std::string> seen;
    std::vector<uint64_t> seqs;
    RunHooks hooks;
    hooks.consume = [&](AnalysedRecord& r) {
      EXPECT_TRUE(r.doc.ok());
      EXPECT_TRUE(r.analysed);
      EXPECT_FALSE(r.doc->tokens.empty());
      seen.push_back(r.doc->id);
      seqs.push_back(r.seq);
      return true;
    };
    const RunSummary sum = run_records(document_source(numbered_docs(200)), light_pipeline(), o, hooks);
    ASSERT_EQ(sum.records, 200U) << threads;
    EXPECT_FALSE(sum.cancelled);
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i], "doc-" + std::to_string(i)) << threads;
      EXPECT_EQ(seqs[i], i);
    }
  }
}

TEST_F(RunnerTest, FailedRecordsAreConsumedInTheirPlace) {
  RecordSource source = [](const PendingRecordSink& push) -> Status {
    for (int i = 0; i < 50; ++i) {
      RecordOrigin origin{"input", static_cast<uint64_t>(i + 1), 0};
      if (i % 5 == 0) {
        if (!push(ready_record(origin, Status(ErrorCode::kParseError, "bad line")))) break;
      } else if (!push(ready_record(origin, make_document("T", "Body " + std::to_string(i) + ".")))) {
        break;
      }
    }
    return Status::Ok();
  };
  RunOptions o;
  o.threads = 3;
  int failed = 0;
  uint64_t next_line = 1;
  RunHooks hooks;
  hooks.consume = [&](AnalysedRecord& r) {
    EXPECT_EQ(r.origin.line, next_line++);
    if (!r.doc.ok()) ++failed;
    EXPECT_EQ(r.doc.ok(), (r.origin.line - 1) % 5 != 0);
    return true;
  };
  const RunSummary sum = run_records(source, light_pipeline(), o, hooks);
  EXPECT_EQ(sum.records, 50U);
  EXPECT_EQ(failed, 10);
}

TEST_F(RunnerTest, TheConsumerCanStopTheRun) {
  RunOptions o;
  o.threads = 2;
  int consumed = 0;
  RunHooks hooks;
  hooks.consume = [&](AnalysedRecord&) { return ++consumed < 10; };
  const RunSummary sum = run_records(document_source(numbered_docs(500)), light_pipeline(), o, hooks);
  EXPECT_TRUE(sum.stopped);
  EXPECT_EQ(consumed, 10);
  EXPECT_TRUE(sum.source_status.ok()) << sum.source_status.to_string();
}

TEST_F(RunnerTest, CancelStopsReadingAndKeepsWhatWasConsumed) {
  for (int threads : {1, 2}) {
    std::atomic<bool> cancel{false};
    RunOptions o;
    o.threads = threads;
    o.cancel = &cancel;
    int consumed = 0;
    RunHooks hooks;
    hooks.consume = [&](AnalysedRecord&) {
      if (++consumed == 20) cancel.store(true);
      return true;
    };
    const RunSummary sum = run_records(document_source(numbered_docs(2000)), light_pipeline(), o, hooks);
    EXPECT_TRUE(sum.cancelled) << threads;
    EXPECT_GE(consumed, 20);
    EXPECT_LT(consumed, 2000);
  }
}

TEST_F(RunnerTest, StagesSeeTheCancelOfTheirRun) {
  std::atomic<bool> cancel{true};
  Document d = make_document("T", "Leaders met in Almaty.");
  EXPECT_FALSE(light_pipeline().run(d, &cancel));
  EXPECT_FALSE(run_cancelled());  // outside a run
  cancel.store(false);
  EXPECT_TRUE(light_pipeline().run(d, &cancel));
}

TEST_F(RunnerTest, IngestStoresInInputOrderAndSkipsAnalysingKnownTexts) {
  const std::string db1 = (dir_ / "one.db").string();
  const std::string db2 = (dir_ / "two.db").string();
  IngestOptions o;
  o.batch_articles = 16;
  o.run.threads = 1;
  auto one = ingest_records(document_source(numbered_docs(120)), light_pipeline(), db1, o);
  ASSERT_TRUE(one.ok()) << one.status().to_string();
  EXPECT_EQ(one->stored, 120);
  o.run.threads = 3;
  auto two = ingest_records(document_source(numbered_docs(120)), light_pipeline(), db2, o);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->stored, 120);
  auto s1 = open_store(db1);
  auto s2 = open_store(db2);
  ASSERT_TRUE(s1.ok() && s2.ok());
  for (int64_t id = 1; id <= 120; ++id) {
    auto a = (*s1)->get(id);
    auto b = (*s2)->get(id);
    ASSERT_TRUE(a.ok() && b.ok() && a->has_value() && b->has_value());
    EXPECT_EQ((**a).id, (**b).id);
    EXPECT_EQ((**a).id, "doc-" + std::to_string(id - 1));
  }
  // Again: every text is known, so nothing is analysed and nothing stored.
  auto again = ingest_records(document_source(numbered_docs(120)), light_pipeline(), db2, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stored, 0);
  EXPECT_EQ(again->duplicates, 120);
  EXPECT_EQ(again->skipped_analysis, 120);
  EXPECT_EQ(again->tokens, 0U);
}

TEST_F(RunnerTest, IngestListsTheFirstFailuresAndCountsTheRest) {
  RecordSource source = [](const PendingRecordSink& push) -> Status {
    for (int i = 0; i < 1000; ++i) {
      if (!push(ready_record(RecordOrigin{"x", static_cast<uint64_t>(i + 1), 0},
                             Status(ErrorCode::kInvalidUtf8, "bad")))) {
        break;
      }
    }
    return Status::Ok();
  };
  IngestOptions o;
  o.max_listed_failures = 10;
  int reported = 0;
  o.on_failure = [&](const std::string&, const Status&) { ++reported; };
  auto stats = ingest_records(source, light_pipeline(), (dir_ / "f.db").string(), o);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->failed, 1000);
  EXPECT_EQ(stats->failures.size(), 10U);
  EXPECT_EQ(stats->failures_not_listed, 990);
  EXPECT_EQ(reported, 1000);
}

TEST_F(RunnerTest, ReadingHandsOverRecordsBeforeParsingThem) {
  const std::string jsonl = write("a.jsonl",
                                  "{\"title\":\"One\",\"text\":\"First.\"}\n"
                                  "not json\n"
                                  "{\"title\":\"Three\",\"text\":\"Third.\"}\n");
  std::vector<PendingRecord> pending;
  ASSERT_TRUE(read_input_records({jsonl}, ReadOptions{}, [&](PendingRecord r) {
                pending.push_back(std::move(r));
                return true;
              }).ok());
  ASSERT_EQ(pending.size(), 3U);
  EXPECT_GT(pending[0].bytes, 0U);
  auto first = pending[0].make();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->title, "One");
  EXPECT_EQ(pending[1].make().status().code(), ErrorCode::kParseError);
  EXPECT_EQ(pending[2].origin.line, 3U);
}

TEST_F(RunnerTest, BinaryInputIsRefusedFromItsFirstBytes) {
  std::string bytes(1 << 20, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761U) >> 13);
  const std::string path = write("random.jsonl", bytes);
  int records = 0;
  Status first;
  ASSERT_TRUE(read_inputs({path}, ReadOptions{}, [&](const RecordOrigin&, Result<Document> d) {
                if (records++ == 0) first = d.status();
                return true;
              }).ok());
  EXPECT_EQ(records, 1);
  EXPECT_EQ(first.code(), ErrorCode::kBinaryInput) << first.to_string();
}

TEST_F(RunnerTest, ALinkThatLoopsIsAFailedInputNotAnAbort) {
  const std::filesystem::path in = dir_ / "in";
  std::filesystem::create_directories(in);
  write("in/good.txt", "Headline\nLeaders met in Almaty.");
  std::filesystem::create_symlink(in / "b", in / "a");
  std::filesystem::create_symlink(in / "a", in / "b");
  std::filesystem::create_directory_symlink(in, in / "self");
  std::vector<std::string> failed;
  int good = 0;
  ASSERT_TRUE(read_inputs({in.string()}, ReadOptions{}, [&](const RecordOrigin& o, Result<Document> d) {
                if (d.ok()) {
                  ++good;
                } else {
                  failed.push_back(o.path);
                }
                return true;
              }).ok());
  EXPECT_EQ(good, 1);
  ASSERT_EQ(failed.size(), 2U);
  EXPECT_EQ(std::filesystem::path(failed[0]).filename(), "a");
}

}  // namespace
}  // namespace caspian
