// URL inputs: a fetched body read like a file (HTML page, feed, JSON, JSONL,
// plain text), feed links followed, and feed lists for `caspian watch`.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "caspian/extract.h"
#include "caspian/fetch.h"

namespace caspian {

namespace {

constexpr size_t kSniffBytes = 4096;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The media type of a Content-Type value, lower-case, without parameters.
std::string media_type(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())) != 0) t.remove_suffix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())) != 0) t.remove_prefix(1);
  return lower(t);
}

// A Content-Type that settles the format; kAuto when the bytes must decide
// (servers label feeds text/xml or text/plain, and anything octet-stream).
InputFormat format_from_content_type(std::string_view content_type) {
  const std::string t = media_type(content_type);
  if (t == "text/html" || t == "application/xhtml+xml") return InputFormat::kHtml;
  if (t == "application/rss+xml" || t == "application/atom+xml" || t == "application/rdf+xml" ||
      t == "application/feed+json") {
    return InputFormat::kFeed;
  }
  if (t == "application/x-ndjson" || t == "application/jsonl" || t == "application/x-jsonlines") {
    return InputFormat::kJsonl;
  }
  return InputFormat::kAuto;
}

// The format of a body from its first bytes: markup with a feed root
// element is a feed, other markup HTML; an object per line JSONL, one
// object JSON; anything else plain text.
InputFormat sniff_body(std::string_view body) {
  std::string_view head = body.substr(0, kSniffBytes);
  if (head.substr(0, kUtf8Bom.size()) == kUtf8Bom) head.remove_prefix(kUtf8Bom.size());
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return InputFormat::kText;
  if (head[first] == '<') {
    const std::string h = lower(head.substr(first));
    for (std::string_view root : {"<rss", "<feed", "<rdf:rdf"}) {
      if (h.find(root) != std::string::npos) return InputFormat::kFeed;
    }
    return InputFormat::kHtml;
  }
  if (head[first] == '{') {
    const size_t nl = head.find('\n', first);
    const size_t next = nl == std::string_view::npos ? nl : head.find_first_not_of(" \t\r\n", nl);
    return next != std::string_view::npos && head[next] == '{' ? InputFormat::kJsonl : InputFormat::kJson;
  }
  return InputFormat::kText;
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Fills what the page left empty from the feed item.
void fill_from_item(Document& page, const Document& item) {
  if (!page.published) page.published = item.published;
  if (page.source.empty()) page.source = item.source;
  if (page.attribution.empty()) page.attribution = item.attribution;
  if (page.categories.empty()) page.categories = item.categories;
}

}  // namespace

Document follow_item_link(Fetcher& fetcher, Document item, const ReadOptions& options,
                          const WarningSink& warn) {
  auto fallback = [&](std::string_view why) {
    if (warn)
      warn(fmt::format("{}: {}; using the feed's summary", item.url.empty() ? item.title : item.url, why));
    return std::move(item);
  };
  if (!is_url(item.url)) return fallback("no http(s) link to follow");
  auto page = fetcher.fetch({item.url, "", ""});
  if (!page.ok()) return fallback(page.status().to_string());
  ExtractOptions extract;
  extract.url = page->final_url;
  extract.content_type = page->content_type;
  extract.max_bytes = options.max_bytes;
  auto doc = document_from_html(page->body, extract);
  if (!doc.ok()) return fallback("extraction failed: " + doc.status().to_string());
  fill_from_item(*doc, item);
  doc->id = item.id;
  return std::move(doc).value();
}

Status read_fetched(const FetchResponse& response, Fetcher& fetcher, const UrlReadOptions& options,
                    const RecordSink& sink) {
  const std::string& url = response.url;
  const std::string_view body = response.body;
  const ReadOptions& ro = options.read;
  auto stop = [] { return Status(ErrorCode::kInterrupted, "the reader was asked to stop"); };
  RecordOrigin origin{url, 0, body.size(), 0};
  InputFormat format = ro.format;
  if (format == InputFormat::kAuto) format = format_from_content_type(response.content_type);
  if (format == InputFormat::kAuto) format = sniff_body(body);

  switch (format) {
    case InputFormat::kHtml: {
      ExtractOptions extract;
      extract.url = response.final_url;
      extract.content_type = response.content_type;
      extract.max_bytes = ro.max_bytes;
      auto doc = document_from_html(body, extract);
      if (doc.ok() && !ro.source.empty()) doc->source = ro.source;
      return sink(origin, std::move(doc)) ? Status::Ok() : stop();
    }
    case InputFormat::kFeed: {
      auto items = documents_from_feed(body, ro.stats);
      if (!items.ok()) return sink(origin, items.status()) ? Status::Ok() : stop();
      for (size_t i = 0; i < items->size(); ++i) {
        Document item = std::move((*items)[i]);
        origin.record = i + 1;
        if (options.follow) item = follow_item_link(fetcher, std::move(item), ro, options.warn);
        if (!sink(origin, std::move(item))) return stop();
      }
      return Status::Ok();
    }
    case InputFormat::kJson:
      return sink(origin, document_from_news_json(body)) ? Status::Ok() : stop();
    case InputFormat::kJsonl: {
      uint64_t line_no = 0;
      for (size_t start = 0; start < body.size();) {
        const size_t nl = std::min(body.find('\n', start), body.size());
        const std::string_view line = body.substr(start, nl - start);
        ++line_no;
        start = nl + 1;
        if (is_blank(line)) continue;
        origin.line = line_no;
        Result<Document> doc = line.size() > ro.max_bytes
                                   ? Result<Document>(Status(
                                         ErrorCode::kTooLarge,
                                         fmt::format("line longer than the limit of {} bytes", ro.max_bytes)))
                                   : document_from_news_json(line);
        if (!sink(origin, std::move(doc))) return stop();
      }
      return Status::Ok();
    }
    case InputFormat::kWarc:
      return sink(origin,
                  Status(ErrorCode::kInvalidArgument, "WARC archives are read from files; download it first"))
                 ? Status::Ok()
                 : stop();
    case InputFormat::kAuto:
    case InputFormat::kText:
      break;
  }
  if (body.empty()) return sink(origin, Status(ErrorCode::kEmptyInput, "empty body")) ? Status::Ok() : stop();
  ReadOptions text_options = ro;
  if (text_options.url.empty()) text_options.url = response.final_url;
  return sink(origin, document_from_text(body, text_options)) ? Status::Ok() : stop();
}

Status read_url(Fetcher& fetcher, const std::string& url, const UrlReadOptions& options,
                const RecordSink& sink) {
  FetchRequest request;
  request.url = url;
  auto response = fetcher.fetch(request);
  if (!response.ok()) {
    return sink(RecordOrigin{url, 0, 0, 0}, response.status())
               ? Status::Ok()
               : Status(ErrorCode::kInterrupted, "the reader was asked to stop");
  }
  return read_fetched(*response, fetcher, options, sink);
}

Result<std::vector<std::string>> read_feed_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("{}: cannot open the feed list", path));
  std::vector<std::string> urls;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (const size_t comment = line.find(" #"); comment != std::string::npos) line.resize(comment);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const size_t last = line.find_last_not_of(" \t\r");
    std::string url = line.substr(first, last - first + 1);
    if (!is_url(url)) {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{}:{}: not an http(s) URL: \"{}\"", path, line_no, url));
    }
    if (std::find(urls.begin(), urls.end(), url) == urls.end()) urls.push_back(std::move(url));
  }
  if (in.bad()) return Status(ErrorCode::kIoError, fmt::format("{}: read failed", path));
  if (urls.empty()) return Status(ErrorCode::kEmptyInput, fmt::format("{}: no feed URL in the list", path));
  return urls;
}

}  // namespace caspian
