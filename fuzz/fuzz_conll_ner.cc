// Fuzzes the CoNLL NER readers of `caspian eval ner` / `caspian train ner` (every format), and the
// chunk extraction over whatever tags they accept.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "nlp/conll_ner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using caspian::nlp::NerFormat;
  for (const NerFormat format :
       {NerFormat::kAuto, NerFormat::kConll4, NerFormat::kConll2, NerFormat::kTab2}) {
    auto docs = caspian::nlp::parse_conll_ner(text, "fuzz", format);
    if (!docs.ok()) continue;
    for (const auto& d : *docs) {
      for (const auto& s : d.sentences) {
        for (const auto& c : caspian::nlp::chunks_of(s.tags)) {
          if (c.begin >= c.end || c.end > s.words.size()) __builtin_trap();
        }
      }
    }
  }
  return 0;
}
