// Fuzzes the tokenizer and sentence splitter directly (any bytes, even invalid UTF-8).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "nlp/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<caspian::Token> tokens;
  std::vector<caspian::Sentence> sentences;
  caspian::nlp::tokenize(text, tokens, sentences);
  uint32_t prev_end = 0;
  for (const auto& t : tokens) {
    if (t.span.begin < prev_end || t.span.end <= t.span.begin || t.span.end > size) __builtin_trap();
    prev_end = t.span.end;
  }
  uint32_t covered = 0;
  for (const auto& s : sentences) {
    if (s.first_token != covered || s.token_count == 0) __builtin_trap();
    covered += s.token_count;
  }
  if (covered != tokens.size()) __builtin_trap();
  return 0;
}
