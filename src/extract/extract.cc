// Article extraction: the public entry points (include/caspian/extract.h).
//
// Stages: decode to UTF-8 (charset.cc) -> one tokenizer pass building the light page model
// (page.cc) -> metadata (metadata.cc) -> main-text selection (main_text.cc) -> formatting.
#include "caspian/extract.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "caspian/json.h"
#include "caspian/utf8.h"
#include "extract/charset.h"
#include "extract/main_text.h"
#include "extract/metadata.h"
#include "extract/page.h"

namespace caspian {

namespace {

using extract::Tag;

// How much of the page is searched for markup before calling it "not HTML".
constexpr size_t kMarkupSniffBytes = 65536;
// When the DOM selection is shorter than this share of the JSON-LD articleBody, the page's own
// structured text is the better answer (pages that render their article with scripts).
constexpr double kJsonLdPreferShare = 0.5;
constexpr size_t kMinJsonLdBodyBytes = 200;

bool has_markup(std::string_view s) {
  s = s.substr(0, kMarkupSniffBytes);
  for (size_t p = s.find('<'); p != std::string_view::npos && p + 1 < s.size(); p = s.find('<', p + 1)) {
    const char c = s[p + 1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '!' || c == '/' || c == '?') return true;
  }
  return false;
}

// Replaces C0 controls other than tab and newline by spaces (they can arrive through numeric
// references or stray bytes) and guarantees valid UTF-8.
std::string sanitize(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') c = ' ';
  }
  if (utf8::find_invalid(s)) return extract::make_valid_utf8(s);
  return s;
}

std::string_view markdown_prefix(const extract::Unit& u) {
  switch (u.kind) {
    case Tag::kH1: return "# ";
    case Tag::kH2: return "## ";
    case Tag::kH3: return "### ";
    case Tag::kH4: case Tag::kH5: case Tag::kH6: return "#### ";
    default: break;
  }
  if (u.in_quote) return "> ";
  if (u.in_list || u.kind == Tag::kLi) return "- ";
  return "";
}

std::string join_units(const extract::Page& page, const std::vector<uint32_t>& units, TextFormat format) {
  std::string text;
  for (uint32_t i : units) {
    const extract::Unit& u = page.units[i];
    if (!text.empty()) text += "\n\n";
    if (format == TextFormat::kMarkdown) {
      if (u.kind == Tag::kPre) {
        text += "```\n" + u.text + "\n```";
        continue;
      }
      text += markdown_prefix(u);
    }
    text += u.text;
  }
  return text;
}

// JSON-LD articleBody as paragraphs.
std::string paragraphs_of(std::string_view body) {
  std::string out;
  size_t p = 0;
  while (p <= body.size()) {
    size_t e = body.find('\n', p);
    if (e == std::string_view::npos) e = body.size();
    std::string line;
    bool space = true;
    for (char c : body.substr(p, e - p)) {
      if (extract::is_html_space(c)) {
        if (!space) line.push_back(' ');
        space = true;
      } else {
        line.push_back(c);
        space = false;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) {
      if (!out.empty()) out += "\n\n";
      out += line;
    }
    p = e + 1;
  }
  return out;
}

std::string host_of(std::string_view url) {
  const size_t s = url.find("://");
  if (s == std::string_view::npos) return "";
  std::string_view rest = url.substr(s + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find(':'));
  std::string host(rest);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  return host;
}

}  // namespace

Result<ExtractedArticle> extract_article(std::string_view html, const ExtractOptions& options) {
  if (html.empty()) return Status(ErrorCode::kEmptyInput, "empty page (0 bytes)");
  if (html.size() > options.max_bytes) {
    return Status(ErrorCode::kTooLarge,
                  fmt::format("page of {} bytes exceeds the limit of {} bytes", html.size(), options.max_bytes));
  }
  auto decoded = extract::decode_to_utf8(html, options.content_type);
  if (!decoded.ok()) return decoded.status();
  const std::string_view page_text = decoded->unchanged ? html : std::string_view(decoded->utf8);
  if (!has_markup(page_text)) {
    return Status(ErrorCode::kInvalidArgument, "not HTML: no markup in the first 64 KiB");
  }
  const extract::Page page = extract::parse_page(page_text);
  if (page.units.empty() && page.title.empty() && page.json_ld.empty()) {
    return Status(ErrorCode::kEmptyInput, "the page has no text");
  }
  extract::Metadata md = extract::extract_metadata(page, options.url);
  const std::vector<uint32_t> units = extract::select_main_text(page, md.title);

  ExtractedArticle a;
  a.text = join_units(page, units, options.format);
  if (md.article_body.size() >= kMinJsonLdBodyBytes &&
      static_cast<double>(a.text.size()) < kJsonLdPreferShare * static_cast<double>(md.article_body.size())) {
    a.text = paragraphs_of(md.article_body);
  }
  a.text = sanitize(std::move(a.text));
  a.title = sanitize(std::move(md.title));
  for (std::string& au : md.authors) a.authors.push_back(sanitize(std::move(au)));
  a.published = sanitize(std::move(md.published));
  a.modified = sanitize(std::move(md.modified));
  a.language = sanitize(std::move(md.language));
  a.canonical_url = sanitize(std::move(md.canonical_url));
  a.site_name = sanitize(std::move(md.site_name));
  a.description = sanitize(std::move(md.description));
  a.charset = decoded->charset;
  return a;
}

Result<Document> document_from_html(std::string_view html, const ExtractOptions& options) {
  ExtractOptions plain = options;
  plain.format = TextFormat::kPlain;
  auto a = extract_article(html, plain);
  if (!a.ok()) return a.status();
  if (a->text.empty()) return Status(ErrorCode::kEmptyInput, "no main text found in the page");
  Document d = make_document(a->title, a->text);
  d.url = a->canonical_url.empty() ? options.url : a->canonical_url;
  d.source = a->site_name.empty() ? host_of(d.url) : a->site_name;
  if (!a->language.empty()) d.language = a->language;
  if (auto date = parse_iso_date(a->published); date.ok()) d.published = *date;
  return d;
}

}  // namespace caspian
