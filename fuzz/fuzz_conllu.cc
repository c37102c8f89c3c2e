// Fuzzes the CoNLL-U reader of `caspian eval tokenize`.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eval/segmentation_eval.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)caspian::nlp::evaluate_conllu_text(text);
  return 0;
}
