// Fuzzes the model-file readers (parser, POS tagger, NER), which read whatever file a user names
// with --parse-model or --model. The first input byte picks the reader; the rest is the payload.
// A file of random bytes fails the frame's checksum at once, so the target frames the payload
// itself, with the magic bytes, version and feature fingerprint of the shipped model of that kind
// and a correct checksum, to reach the payload's own checks. A model that loads is then used once.
// Seeds (fuzz/seeds/fuzz_model/): payloads of small models trained on tests/data, made by
// fuzz/make_model_seeds.sh.
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "caspian/pipeline.h"
#include "nlp/default_models.h"
#include "nlp/dep_parser.h"
#include "nlp/ner_tagger.h"
#include "nlp/perceptron.h"
#include "nlp/pos_tagger.h"

namespace {

namespace nlp = caspian::nlp;

// The frame header: magic (8 bytes), format version (u32), feature fingerprint (u64).
constexpr size_t kMagicBytes = 8;
constexpr size_t kHeaderBytes = kMagicBytes + 4 + 8;

// The frame of the shipped model `file` (read from its first bytes). Aborts when the file is
// missing: a set-up error, not a finding.
nlp::perceptron::ModelFileKind shipped_kind(std::string_view file) {
  std::ifstream in(nlp::default_model_path(caspian::default_data_dir(), file), std::ios::binary);
  std::array<char, kHeaderBytes> header{};
  if (!in.read(header.data(), header.size())) std::abort();
  nlp::perceptron::ModelFileKind kind;
  std::memcpy(kind.magic.data(), header.data(), kMagicBytes);
  uint32_t version = 0;
  uint64_t fingerprint = 0;
  for (size_t i = 0; i < 4; ++i)
    version |= uint32_t{static_cast<uint8_t>(header[kMagicBytes + i])} << (8 * i);
  for (size_t i = 0; i < 8; ++i)
    fingerprint |= uint64_t{static_cast<uint8_t>(header[kMagicBytes + 4 + i])} << (8 * i);
  kind.version = version;
  kind.fingerprint = fingerprint;
  return kind;
}

const std::array<nlp::perceptron::ModelFileKind, 3>& kinds() {
  static const std::array<nlp::perceptron::ModelFileKind, 3> k = {
      shipped_kind(nlp::kParseModelFile), shipped_kind(nlp::kPosModelFile), shipped_kind(nlp::kNerModelFile)};
  return k;
}

// The file each input is written to, one per process, removed at exit.
struct ScratchFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("caspian_fuzz_model_" + std::to_string(getpid()) + ".bin");
  ScratchFile() = default;
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

const std::filesystem::path& scratch_file() {
  static const ScratchFile file;
  return file.path;
}

const std::vector<std::string> kWords = {"The", "minister", "met", "Pashinyan", "in", "Almaty", "."};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t which = data[0] % kinds().size();
  nlp::perceptron::ByteWriter w = nlp::perceptron::begin_model_file(kinds()[which]);
  w.bytes().append(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!nlp::perceptron::finish_model_file(w, scratch_file()).ok()) std::abort();
  const std::vector<std::string_view> words(kWords.begin(), kWords.end());
  if (which == 0) {
    auto parser = nlp::DepParser::load(scratch_file());
    if (!parser.ok()) return 0;
    const std::vector<std::string_view> tags(words.size(), "NN");
    std::vector<int> heads;
    std::vector<std::string> deprels;
    (*parser)->parse(words, tags, tags, heads, deprels);
    for (const int h : heads) {
      if (h < 0 || static_cast<size_t>(h) > words.size()) __builtin_trap();
    }
  } else if (which == 1) {
    auto tagger = nlp::PosTagger::load(scratch_file());
    if (!tagger.ok()) return 0;
    std::vector<std::string> upos;
    std::vector<std::string> xpos;
    (*tagger)->tag(words, upos, xpos);
    if (upos.size() != words.size() || xpos.size() != words.size()) __builtin_trap();
  } else {
    auto ner = nlp::NerTagger::load(scratch_file());
    if (!ner.ok()) return 0;
    for (const nlp::NerSpan& s : (*ner)->tag_document({words})) {
      if (s.begin >= s.end || s.end > words.size()) __builtin_trap();
    }
  }
  return 0;
}
