// Fuzzes the topic readers, which read whatever files a user names: the first input byte picks
// the topic model file (--topic-model), the taxonomy file, or labelled JSONL (`caspian train
// topics`); the rest is the file's bytes. A model that loads is used once on a short text.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "nlp/tokenizer.h"
#include "nlp/topic_model.h"

namespace nlp = caspian::nlp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("caspian_fuzz_topics_" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  switch (data[0] % 3) {
    case 0: {
      auto model = nlp::TopicModel::load(path);
      if (model.ok()) {
        caspian::Document doc = caspian::make_document("", "Troops shelled the town as talks resumed.");
        nlp::tokenize(doc.text, doc.tokens, doc.sentences);
        const auto p = (*model)->predict(nlp::topic_features(doc, (*model)->buckets()));
        if (p.size() != (*model)->classes().size()) __builtin_trap();
      }
      break;
    }
    case 1: {
      auto taxonomy = nlp::TopicTaxonomy::load(path);
      if (taxonomy.ok()) (void)taxonomy->lineage("medtop:20000638");
      break;
    }
    default:
      (void)nlp::read_topic_examples(path);
  }
  return 0;
}
