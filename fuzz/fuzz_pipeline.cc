// Fuzzes the plain-text reader and the whole analysis pipeline (tokenizer,
// time expressions, gazetteer, rule-based names) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "caspian/ingest.h"
#include "caspian/pipeline.h"

namespace {
const caspian::Pipeline& pipeline() {
  static const std::unique_ptr<caspian::Pipeline> p = [] {
    auto created = caspian::Pipeline::create();
    if (!created.ok()) std::abort();  // data files missing: a set-up error, not a finding
    return std::make_unique<caspian::Pipeline>(std::move(created).value());
  }();
  return *p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  caspian::ReadOptions opts;
  opts.date = "2025-08-20";
  auto doc = caspian::document_from_text(bytes, opts);
  if (!doc.ok()) return 0;
  pipeline().run(*doc);
  for (const auto& t : doc->tokens) {
    if (t.span.begin > t.span.end || t.span.end > doc->text.size()) __builtin_trap();
  }
  for (const auto& m : doc->mentions) {
    if (m.span.end > doc->text.size()) __builtin_trap();
  }
  for (const auto& t : doc->times) {
    if (t.span.end > doc->text.size()) __builtin_trap();
  }
  return 0;
}
