// news-please style JSON objects -> Document.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "caspian/ingest.h"
#include "caspian/json.h"
#include "caspian/utf8.h"
#include "ingest/text_checks.h"

namespace caspian {

namespace {

using nlohmann::json;

// First non-empty string among `keys`.
std::string first_string(const json& j, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
      return it->get<std::string>();
  }
  return {};
}

}  // namespace

Result<Document> document_from_news_json(std::string_view bytes) {
  if (auto bad = utf8::find_invalid(bytes)) {
    return Status(ErrorCode::kInvalidUtf8, fmt::format("invalid UTF-8 at byte {}", *bad));
  }
  json j;
  try {
    j = json::parse(bytes);
  } catch (const json::exception& e) {
    // nlohmann signals malformed JSON by exception; convert at the boundary.
    return Status(ErrorCode::kParseError, e.what());
  }
  if (!j.is_object()) return Status(ErrorCode::kParseError, "expected a JSON object with news fields");

  std::string title = ingest::normalize_line(first_string(j, {"title", "headline"}));
  std::string body = first_string(j, {"maintext", "text", "body", "description"});
  if (ingest::is_blank(body) && ingest::is_blank(title)) {
    return Status(ErrorCode::kEmptyInput, "the object has no title and no text (maintext/text)");
  }
  Document doc = make_document(std::move(title), ingest::strip_bom(body));
  doc.id = first_string(j, {"id"});
  doc.url = first_string(j, {"url", "link"});
  doc.source = first_string(j, {"source_domain", "source", "outlet"});
  // Records that cite their outlets as a list (the Wikipedia Current Events Portal's
  // "sources": [{"name", "url"}]) take the first one's when they name none of their own.
  if (auto it = j.find("sources");
      it != j.end() && it->is_array() && !it->empty() && it->front().is_object()) {
    const json& first = it->front();
    if (doc.url.empty()) doc.url = first_string(first, {"url"});
    if (doc.source.empty()) doc.source = first_string(first, {"name"});
  }
  std::string lang = first_string(j, {"language", "lang"});
  if (!lang.empty()) doc.language = std::move(lang);
  doc.license = first_string(j, {"license", "licence"});
  doc.attribution = first_string(j, {"attribution"});
  if (std::string date = first_string(j, {"date_publish", "date", "published", "pubDate"}); !date.empty()) {
    auto d = parse_iso_date(date);
    if (!d.ok()) return Status(ErrorCode::kParseError, "publication date: " + d.status().message());
    doc.published = *d;
  }
  for (const char* key : {"categories", "category"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (it->is_string()) doc.categories.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const json& c : *it) {
        if (c.is_string()) doc.categories.push_back(c.get<std::string>());
      }
    }
  }
  return doc;
}

}  // namespace caspian
