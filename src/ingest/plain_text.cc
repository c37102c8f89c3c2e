// Plain text -> Document: the first non-empty line is the headline.
#include "caspian/ingest.h"
#include "caspian/json.h"
#include "ingest/text_checks.h"

namespace caspian {

Result<Document> document_from_text(std::string_view bytes, const ReadOptions& options) {
  CASPIAN_RETURN_IF_ERROR(ingest::check_text(bytes));
  std::string_view rest = ingest::strip_bom(bytes);
  if (ingest::is_blank(rest)) return Status(ErrorCode::kEmptyInput, "no text (empty or only whitespace)");

  std::string title = options.title;
  if (title.empty()) {
    // Skip blank lines, take the first line as the headline.
    size_t start = rest.find_first_not_of(" \t\r\n");
    rest.remove_prefix(start);
    const size_t eol = rest.find('\n');
    title = ingest::normalize_line(rest.substr(0, eol));
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  }
  // Trim leading blank lines and trailing whitespace of the body; keep the
  // rest byte for byte so offsets stay meaningful to the user.
  const size_t first = rest.find_first_not_of(" \t\r\n");
  rest = first == std::string_view::npos ? std::string_view() : rest.substr(first);
  const size_t last = rest.find_last_not_of(" \t\r\n");
  rest = last == std::string_view::npos ? std::string_view() : rest.substr(0, last + 1);

  Document doc = make_document(std::move(title), rest);
  doc.url = options.url;
  doc.source = options.source;
  if (!options.date.empty()) {
    auto d = parse_iso_date(options.date);
    if (!d.ok()) return d.status();
    doc.published = *d;
  }
  return doc;
}

}  // namespace caspian
