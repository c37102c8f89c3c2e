// Fuzzes the input readers end to end: format sniffing, gzip decoding
// (zlib reads gzip whatever the file name), JSONL splitting with a small
// line limit, JSON and plain text. Every record must be a Document or a Status.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "caspian/ingest.h"

namespace {
constexpr uint64_t kSmallLimit = 4096;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/caspian_fuzz_reader_" + std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  caspian::ReadOptions opts;
  opts.max_bytes = kSmallLimit;
  for (caspian::InputFormat format : {caspian::InputFormat::kAuto, caspian::InputFormat::kJsonl}) {
    opts.format = format;
    (void)caspian::read_inputs({path}, opts,
                               [](const caspian::RecordOrigin&, caspian::Result<caspian::Document> d) {
                                 if (d.ok() && d->body_offset > d->text.size()) __builtin_trap();
                                 return true;
                               });
  }
  return 0;
}
