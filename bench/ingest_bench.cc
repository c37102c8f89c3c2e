// Ingest reader throughput and peak memory, single-threaded.
//
//   ingest_bench warc FILE [--level records|http|articles]
//       decode: only the gzip decoding (the floor under everything else);
//       records: WARC records parsed (headers and blocks), nothing else;
//       http: plus the HTTP response of each response record;
//       articles: the whole reader, HTML responses through the extractor.
//       Reports MB/s of the file as stored (gzip input for .warc.gz).
//   ingest_bench feed FILE [--repeat N]
//       Items/s of documents_from_feed() over the file's bytes held in memory.
//
// Generate a large synthetic WARC with scripts/make_synthetic_warc.py.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bench_util.h"
#include "caspian/ingest.h"
#include "ingest/chunk_source.h"
#include "ingest/warc.h"

namespace {

constexpr double kBytesPerMB = 1e6;

// CPU seconds (user + system) of this process: the single-core cost, apart
// from time spent waiting for a core on a busy machine.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int bench_warc(const std::string& path, const std::string& level) {
  std::error_code ec;
  const double mb = static_cast<double>(std::filesystem::file_size(path, ec)) / kBytesPerMB;
  if (ec) {
    fmt::print(stderr, "{}: {}\n", path, ec.message());
    return 2;
  }
  uint64_t records = 0, block_bytes = 0, responses = 0, articles = 0, errors = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  if (level == "decode") {
    auto source = caspian::ingest::open_chunk_source(path);
    if (!source.ok()) {
      fmt::print(stderr, "{}: {}\n", path, source.status().to_string());
      return 2;
    }
    constexpr size_t kChunk = size_t{1} << 20;
    std::string buf;
    for (;;) {
      buf.clear();
      auto got = (*source)->append_to(buf, kChunk);
      if (!got.ok()) {
        ++errors;
        break;
      }
      if (*got == 0) break;
      block_bytes += *got;
    }
  } else if (level == "articles") {
    caspian::ReadOptions options;
    options.format = caspian::InputFormat::kWarc;
    caspian::ReadStats stats;
    options.stats = &stats;
    (void)caspian::read_inputs({path}, options,
                               [&](const caspian::RecordOrigin&, caspian::Result<caspian::Document> d) {
                                 if (d.ok()) {
                                   ++articles;
                                 } else {
                                   ++errors;
                                 }
                                 return true;
                               });
    records = stats.warc_records;
  } else {
    auto source = caspian::ingest::open_chunk_source(path);
    if (!source.ok()) {
      fmt::print(stderr, "{}: {}\n", path, source.status().to_string());
      return 2;
    }
    caspian::ingest::WarcReader reader(std::move(*source), caspian::ReadOptions{}.max_bytes);
    caspian::ingest::WarcRecord rec;
    for (;;) {
      auto got = reader.next(rec);
      if (!got.ok()) {
        ++errors;
        fmt::print(stderr, "{}: {}\n", path, got.status().to_string());
        break;
      }
      if (!*got) break;
      ++records;
      block_bytes += rec.block.size();
      if (level == "http" && rec.type == "response") {
        auto resp = caspian::ingest::parse_http_response(rec.block, caspian::ReadOptions{}.max_bytes);
        if (resp.ok()) ++responses;
      }
    }
  }
  const double secs = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  fmt::print(
      "warc {} ({}): {:.1f} MB in {:.2f} s wall, {:.2f} s CPU = {:.1f} MB/s of input per CPU second "
      "({:.1f} MB/s wall); {} records ({:.1f} MB of blocks), {} HTTP responses, {} articles, {} errors; "
      "peak RSS {:.1f} MiB\n",
      path, level, mb, secs, cpu, mb / cpu, mb / secs, records,
      static_cast<double>(block_bytes) / kBytesPerMB, responses, articles, errors,
      caspian::bench::peak_rss_mib());
  return 0;
}

int bench_feed(const std::string& path, int repeat) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "{}: cannot open\n", path);
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  uint64_t items = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  for (int i = 0; i < repeat; ++i) {
    auto docs = caspian::documents_from_feed(bytes);
    if (!docs.ok()) {
      fmt::print(stderr, "{}: {}\n", path, docs.status().to_string());
      return 1;
    }
    items += docs->size();
  }
  const double secs = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  fmt::print(
      "feed {}: {} items in {:.3f} s wall, {:.3f} s CPU = {:.0f} items/s per CPU second ({:.0f} wall, "
      "{:.1f} MB/s); peak RSS {:.1f} MiB\n",
      path, items, secs, cpu, static_cast<double>(items) / cpu, static_cast<double>(items) / secs,
      static_cast<double>(bytes.size()) * repeat / kBytesPerMB / cpu, caspian::bench::peak_rss_mib());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr,
               "usage: ingest_bench warc FILE [--level records|http|articles]\n"
               "       ingest_bench feed FILE [--repeat N]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::string path = argv[2];
  std::string level = "records";
  int repeat = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--level") == 0) level = argv[i + 1];
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  if (mode == "warc") return bench_warc(path, level);
  if (mode == "feed") return bench_feed(path, repeat);
  fmt::print(stderr, "unknown mode {}\n", mode);
  return 2;
}
