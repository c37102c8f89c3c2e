// Article extraction from HTML pages: main text and metadata.
//
// extract_article() takes the raw bytes of one web page (any encoding, any
// quality) and returns the main article's text as clean paragraphs plus the
// metadata the page declares (JSON-LD, OpenGraph and other <meta>, <time>,
// URL patterns). Everything it returns is valid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian {

// How ExtractedArticle::text marks structure.
enum class TextFormat {
  kPlain,     // paragraphs only
  kMarkdown,  // "## " headings, "- " list items, "> " block quotes
};

struct ExtractOptions {
  std::string url;           // where the page came from (canonical URL, dates in the URL)
  std::string content_type;  // the HTTP Content-Type header value, if any (its charset wins)
  uint64_t max_bytes = uint64_t{64} << 20;
  TextFormat format = TextFormat::kPlain;
};

struct ExtractedArticle {
  std::string title;
  std::string text;  // main text, paragraphs (headings, list items, quotes) separated by "\n\n"
  std::vector<std::string> authors;
  std::string published;  // ISO 8601 date or date-time as found ("" if none)
  std::string modified;
  std::string language;  // BCP 47 primary tag, e.g. "en" ("" if unknown)
  std::string canonical_url, site_name, description;
  std::string charset;  // the charset the page was decoded from (IANA name, e.g. "UTF-8")
};

// Extracts the main article of one HTML page.
// Requires nothing of `html` (any bytes).
// Guarantees: every string in the result is valid UTF-8; paragraphs of `text`
// are separated by exactly "\n\n" and have no leading/trailing whitespace.
// Errors: kEmptyInput (no bytes, or no text at all), kBinaryInput (NUL-heavy or
// otherwise not text), kTooLarge (more than options.max_bytes), kInvalidArgument
// (text that is not HTML), each with a reason.
// Thread-safe (no shared mutable state).
[[nodiscard]] Result<ExtractedArticle> extract_article(std::string_view html, const ExtractOptions& options);

// The same, as a Document ready for the pipeline: title, body (the main text),
// url (canonical URL if found, else options.url), source (site name, else the
// URL's host), published (the date part), language (the page's declared one, "" when none;
// the "language" stage identifies it).
// Errors: those of extract_article(), and kEmptyInput when no main text was found.
[[nodiscard]] Result<Document> document_from_html(std::string_view html, const ExtractOptions& options);

}  // namespace caspian
