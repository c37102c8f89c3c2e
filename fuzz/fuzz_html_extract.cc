// Fuzzes article extraction from HTML: any bytes must yield an article or a Status, every string
// of the article must be valid UTF-8, and a Document built from it must be consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caspian/extract.h"
#include "caspian/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  caspian::ExtractOptions options;
  options.url = "https://example.com/news/2024/01/02/story";
  // The first byte picks the output format, so markdown is fuzzed too.
  options.format = size > 0 && (data[0] & 1) != 0 ? caspian::TextFormat::kMarkdown : caspian::TextFormat::kPlain;
  auto article = caspian::extract_article(bytes, options);
  if (article.ok()) {
    const caspian::ExtractedArticle& a = *article;
    for (std::string_view s : {std::string_view(a.title), std::string_view(a.text), std::string_view(a.published),
                               std::string_view(a.modified), std::string_view(a.language),
                               std::string_view(a.canonical_url), std::string_view(a.site_name),
                               std::string_view(a.description), std::string_view(a.charset)}) {
      if (caspian::utf8::find_invalid(s)) __builtin_trap();
    }
    for (const std::string& au : a.authors) {
      if (caspian::utf8::find_invalid(au)) __builtin_trap();
    }
  }
  auto doc = caspian::document_from_html(bytes, options);
  if (doc.ok() && (doc->body_offset > doc->text.size() || caspian::utf8::find_invalid(doc->text))) __builtin_trap();
  return 0;
}
