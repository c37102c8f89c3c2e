// RSS 0.9x / 1.0 (RDF) / 2.0 and Atom 1.0 (and 0.3) feeds -> articles.
//
// libxml2 parses the feed into a tree (feeds are small; the tree makes the
// many element-precedence rules simple) in recovery mode, so that ill-formed
// feeds still yield what can be read. Never enabled: external entities and
// DTD loading (XML_PARSE_NOENT, XML_PARSE_DTDLOAD), the network
// (XML_PARSE_NONET is set) and XML_PARSE_HUGE, so libxml2's depth and
// entity-amplification limits stay in force.
#include "ingest/feed.h"

#include <fmt/format.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "caspian/utf8.h"
#include "extract/charset.h"
#include "ingest/text_checks.h"

namespace caspian::ingest {

namespace {

constexpr int kXmlOptions = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                            XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
constexpr int kHtmlOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT;
constexpr size_t kMaxDateChars = 128;
constexpr int kTwoDigitYearPivot = 50;  // RFC 2822: 00-49 are 2000-2049, 50-99 are 1950-1999
constexpr int kMinYear = 1000;
constexpr int kMaxYear = 9999;
constexpr unsigned kMaxDay = 31;
constexpr unsigned kMonths = 12;
constexpr unsigned kDaysInYear = 366;
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;
struct XmlCtxtFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct XmlCharFree {
  void operator()(xmlChar* s) const { xmlFree(s); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharFree>;

void init_libxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

void ignore_generic_error(void* /*ctx*/, const char* /*msg*/, ...) {}
void ignore_structured_error(void* /*ctx*/, xmlErrorPtr /*error*/) {}

// Silences libxml2's error printing (some encoding errors ignore
// XML_PARSE_NOERROR) for the current thread while in scope; errors are
// still recorded in the parser context. Restores the previous handlers.
class QuietLibxml {
 public:
  QuietLibxml()
      : generic_(xmlGenericError),
        generic_ctx_(xmlGenericErrorContext),
        structured_(xmlStructuredError),
        structured_ctx_(xmlStructuredErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &ignore_generic_error);
    xmlSetStructuredErrorFunc(nullptr, &ignore_structured_error);
  }
  ~QuietLibxml() {
    xmlSetGenericErrorFunc(generic_ctx_, generic_);
    xmlSetStructuredErrorFunc(structured_ctx_, structured_);
  }
  QuietLibxml(const QuietLibxml&) = delete;
  QuietLibxml& operator=(const QuietLibxml&) = delete;

 private:
  xmlGenericErrorFunc generic_;
  void* generic_ctx_;
  xmlStructuredErrorFunc structured_;
  void* structured_ctx_;
};

std::string_view as_view(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// Resolves entity references the way feed readers must: the document's own
// (and XML's predefined) entities first, then HTML's named entities, which
// RSS writers use without declaring them (&nbsp;, &eacute;). Those come back
// as "predefined" entities, which libxml2 inlines as text. They are made once
// per name and kept for the life of the process (at most the ~250 HTML names).
xmlEntityPtr get_entity_with_html_names(void* ctx, const xmlChar* name) {
  if (xmlEntityPtr e = xmlSAX2GetEntity(ctx, name); e != nullptr) return e;
  const htmlEntityDesc* html = htmlEntityLookup(name);
  if (html == nullptr) return nullptr;
  static std::mutex mutex;
  // Never destroyed, so the entities stay reachable (not leaks) at exit.
  static auto* const made = new std::map<std::string, xmlEntityPtr, std::less<>>();
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string key(as_view(name));
  if (auto it = made->find(key); it != made->end()) return it->second;
  std::string value;
  utf8::append(value, static_cast<char32_t>(html->value));
  xmlEntityPtr e = xmlNewEntity(nullptr, name, XML_INTERNAL_PREDEFINED_ENTITY, nullptr, nullptr,
                                reinterpret_cast<const xmlChar*>(value.c_str()));
  made->emplace(key, e);
  return e;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && is_space(s[b])) ++b;
  size_t e = s.size();
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string s) {
  size_t pos = 0;
  while (pos < s.size()) {
    const auto bad = utf8::find_invalid(std::string_view(s).substr(pos));
    if (!bad) break;
    s.replace(pos + *bad, 1, kReplacementChar);
    pos += *bad + kReplacementChar.size();
  }
  return s;
}

// Collapses whitespace inside paragraphs; paragraphs (separated by a blank
// line in `raw`) are joined by "\n\n".
std::string normalize_paragraphs(std::string_view raw) {
  std::string out;
  bool pending_space = false;
  int newlines = 0;
  for (char c : raw) {
    if (c == '\n') {
      ++newlines;
      pending_space = true;
      continue;
    }
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (!out.empty()) {
      if (newlines >= 2) {
        out += "\n\n";
      } else if (pending_space) {
        out += ' ';
      }
    }
    newlines = 0;
    pending_space = false;
    out += c;
  }
  return out;
}

// ---- dates -------------------------------------------------------------

std::optional<unsigned> month_from_name(std::string_view word) {
  static constexpr std::array<std::string_view, kMonths> kNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return std::nullopt;
  for (unsigned i = 0; i < kMonths; ++i) {
    if (iequals(word.substr(0, 3), kNames[i])) return i + 1;
  }
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::optional<std::chrono::year_month_day> make_date(int y, unsigned m, unsigned d) {
  if (y < kMinYear || y > kMaxYear || m < 1 || m > kMonths || d < 1 || d > kMaxDay) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

int expand_year(std::string_view digits) {
  const int v = to_int(digits);
  if (digits.size() != 2) return v;
  return v < kTwoDigitYearPivot ? 2000 + v : 1900 + v;
}

// "2004-01-02...", "2004/01/02", "20040102T...", "2004-01", "2004", "2004-032".
std::optional<std::chrono::year_month_day> parse_iso_like(std::string_view s) {
  size_t p = 0;
  auto digits = [&](size_t max) {
    const size_t start = p;
    while (p < s.size() && p - start < max && s[p] >= '0' && s[p] <= '9') ++p;
    return s.substr(start, p - start);
  };
  const std::string_view year = digits(4);
  if (year.size() != 4) return std::nullopt;
  const int y = to_int(year);
  if (p == s.size() || s[p] == 'T' || is_space(s[p])) return make_date(y, 1, 1);
  if (s[p] >= '0' && s[p] <= '9') {  // compact: YYYYMMDD
    const std::string_view mm = digits(2);
    const std::string_view dd = digits(2);
    if (mm.size() != 2) return std::nullopt;
    return make_date(y, static_cast<unsigned>(to_int(mm)), dd.size() == 2 ? static_cast<unsigned>(to_int(dd)) : 1);
  }
  const char sep = s[p];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  ++p;
  const std::string_view first = digits(3);
  if (first.empty()) return std::nullopt;
  if (first.size() == 3) {  // ordinal date YYYY-DDD
    const unsigned yday = static_cast<unsigned>(to_int(first));
    if (yday < 1 || yday > kDaysInYear) return std::nullopt;
    const std::chrono::sys_days jan1{std::chrono::year(y) / std::chrono::January / 1};
    const std::chrono::year_month_day ymd{jan1 + std::chrono::days(yday - 1)};
    if (static_cast<int>(ymd.year()) != y) return std::nullopt;
    return ymd;
  }
  const unsigned m = static_cast<unsigned>(to_int(first));
  unsigned d = 1;
  if (p < s.size() && s[p] == sep) {
    ++p;
    const std::string_view dd = digits(2);
    if (dd.empty()) return std::nullopt;
    d = static_cast<unsigned>(to_int(dd));
  }
  return make_date(y, m, d);
}

// RFC 822, asctime and loose forms: a month name with a day and a year in
// any order, or numeric M/D/YYYY.
std::optional<std::chrono::year_month_day> parse_loose(std::string_view s) {
  std::optional<unsigned> month;
  std::vector<std::string_view> numbers;  // in order, times and zones left out
  size_t p = 0;
  while (p < s.size()) {
    while (p < s.size() && (is_space(s[p]) || s[p] == ',' || s[p] == '/' || s[p] == '-' || s[p] == '.' ||
                            s[p] == '(' || s[p] == ')')) {
      ++p;
    }
    const size_t start = p;
    while (p < s.size() && !is_space(s[p]) && s[p] != ',' && s[p] != '/' && s[p] != '-' && s[p] != '.' &&
           s[p] != '(' && s[p] != ')') {
      ++p;
    }
    const std::string_view tok = s.substr(start, p - start);
    if (tok.empty()) continue;
    if (tok.find(':') != std::string_view::npos || tok.front() == '+') continue;  // a time or a zone
    // A numeric zone after a time ("-0500") is left out: it follows a ':' token.
    if (all_digits(tok)) {
      numbers.push_back(tok);
    } else if (!month) {
      // "1st", "2nd": keep the number.
      size_t digits_end = 0;
      while (digits_end < tok.size() && tok[digits_end] >= '0' && tok[digits_end] <= '9') ++digits_end;
      if (digits_end > 0 && digits_end <= 2) {
        numbers.push_back(tok.substr(0, digits_end));
      } else {
        month = month_from_name(tok);
      }
    }
  }
  std::optional<int> year;
  std::optional<unsigned> day;
  if (month) {
    for (std::string_view n : numbers) {
      if (n.size() == 4 && !year) {
        year = to_int(n);
      } else if (n.size() <= 2 && !day && to_int(n) >= 1 && static_cast<unsigned>(to_int(n)) <= kMaxDay) {
        day = static_cast<unsigned>(to_int(n));
      } else if (n.size() == 2 && !year) {
        year = expand_year(n);
      }
    }
    if (!year) return std::nullopt;
    return make_date(*year, *month, day.value_or(1));
  }
  // Numeric M/D/YYYY (the US order that feeds use).
  if (numbers.size() >= 3 && numbers[2].size() == 4 && numbers[0].size() <= 2 && numbers[1].size() <= 2) {
    return make_date(to_int(numbers[2]), static_cast<unsigned>(to_int(numbers[0])),
                     static_cast<unsigned>(to_int(numbers[1])));
  }
  return std::nullopt;
}

// ---- libxml2 trees -----------------------------------------------------

// Namespaces that decide what an element means.
enum class Ns { kCore, kDc, kDcTerms, kContent, kItunes, kOther };

Ns classify_href(std::string_view href) {
  if (href.find("purl.org/dc/elements") != std::string_view::npos) return Ns::kDc;
  if (href.find("purl.org/dc/terms") != std::string_view::npos) return Ns::kDcTerms;
  if (href.find("purl.org/rss/1.0/modules/content") != std::string_view::npos) return Ns::kContent;
  if (href.find("itunes.com/dtds") != std::string_view::npos) return Ns::kItunes;
  // Atom 1.0 and 0.3, RSS 1.0 and 0.90, the Userland RSS 2 namespace, and
  // the (wrongly) namespaced RSS some generators write.
  if (href.find("w3.org/2005/Atom") != std::string_view::npos || href.find("purl.org/atom") != std::string_view::npos ||
      href.find("purl.org/rss/1.0") != std::string_view::npos || href.find("netscape.com/rdf") != std::string_view::npos ||
      href.find("userland.com") != std::string_view::npos || href.find("w3.org/1999/02/22-rdf") != std::string_view::npos) {
    return Ns::kCore;
  }
  return Ns::kOther;
}

struct Name {
  Ns ns = Ns::kCore;
  std::string_view local;
};

// The meaning of an element's name; an undeclared prefix ("dc:creator" in
// an ill-formed feed) is classified by the usual prefix.
Name name_of(const xmlNode* node) {
  Name n;
  n.local = as_view(node->name);
  if (node->ns != nullptr && node->ns->href != nullptr) {
    n.ns = classify_href(as_view(node->ns->href));
    return n;
  }
  const size_t colon = n.local.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string_view prefix = n.local.substr(0, colon);
  n.local = n.local.substr(colon + 1);
  n.ns = prefix == "dc"       ? Ns::kDc
         : prefix == "dcterms" ? Ns::kDcTerms
         : prefix == "content" ? Ns::kContent
         : prefix == "itunes"  ? Ns::kItunes
         : prefix == "atom"    ? Ns::kCore
                               : Ns::kOther;
  return n;
}

bool is(const xmlNode* node, Ns ns, std::string_view local) {
  if (node->type != XML_ELEMENT_NODE) return false;
  const Name n = name_of(node);
  return n.ns == ns && iequals(n.local, local);
}

std::string attribute(const xmlNode* node, const char* name) {
  XmlString v(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
  return std::string(as_view(v.get()));
}

bool is_block_element(std::string_view name) {
  static constexpr std::array<std::string_view, 30> kBlocks = {
      "p",       "div",    "br",   "li",     "ul",     "ol",     "h1",     "h2",         "h3",  "h4",
      "h5",      "h6",     "pre",  "table",  "tr",     "dl",     "dt",     "dd",         "hr",  "section",
      "article", "header", "footer", "figure", "figcaption", "address", "blockquote", "aside", "main", "center"};
  return std::any_of(kBlocks.begin(), kBlocks.end(), [&](std::string_view b) { return iequals(b, name); });
}

bool is_skipped_element(std::string_view name) {
  return iequals(name, "script") || iequals(name, "style") || iequals(name, "head") || iequals(name, "title");
}

// Appends the text below `root` (not including `root`'s own name), without
// recursion so that depth cannot exhaust the stack. Block elements become
// blank lines; entity references that libxml2 left unexpanded (undeclared
// HTML entities such as &nbsp; in RSS) are decoded from the HTML table.
void append_text(const xmlNode* root, std::string& out, bool skip_html_noise) {
  const xmlNode* cur = root->children;
  while (cur != nullptr) {
    bool descend = false;
    switch (cur->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        out += as_view(cur->content);
        break;
      case XML_ENTITY_REF_NODE: {
        const htmlEntityDesc* e = htmlEntityLookup(cur->name);
        if (e != nullptr) {
          utf8::append(out, static_cast<char32_t>(e->value));
        } else if (cur->doc != nullptr) {
          const xmlEntity* ent = xmlGetDocEntity(cur->doc, cur->name);
          if (ent != nullptr && ent->etype == XML_INTERNAL_GENERAL_ENTITY) out += as_view(ent->content);
        }
        break;
      }
      case XML_ELEMENT_NODE: {
        const std::string_view local = name_of(cur).local;
        if (skip_html_noise && is_skipped_element(local)) break;
        if (is_block_element(local)) out += "\n\n";
        descend = cur->children != nullptr;
        break;
      }
      default:
        break;
    }
    if (descend) {
      cur = cur->children;
      continue;
    }
    // Next sibling, or climb to the nearest ancestor that has one.
    while (cur != nullptr && cur != root && cur->next == nullptr) {
      cur = cur->parent;
      if (cur != nullptr && cur != root && cur->type == XML_ELEMENT_NODE && is_block_element(name_of(cur).local)) {
        out += "\n\n";
      }
    }
    if (cur == nullptr || cur == root) break;
    cur = cur->next;
  }
}

std::string element_text(const xmlNode* node) {
  std::string out;
  append_text(node, out, false);
  return out;
}

bool has_element_children(const xmlNode* node) {
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

bool looks_like_markup(std::string_view s) {
  return s.find('<') != std::string_view::npos || s.find('&') != std::string_view::npos;
}

// The text of a title/summary/content element, honouring Atom's `type`
// (text, html, xhtml) and treating RSS text as HTML when it has markup.
std::string content_text(const xmlNode* node) {
  const std::string type = attribute(node, "type");
  if (has_element_children(node)) {  // inline XHTML (Atom type="xhtml", or sloppy RSS)
    std::string raw;
    append_text(node, raw, true);
    // Declared escaped HTML but wrapped in elements (TypePad's <div> around escaped markup):
    // the text below the elements is the HTML, as feedparser reads it.
    const bool html = iequals(type, "html") || iequals(type, "text/html");
    if (html && looks_like_markup(raw)) return html_fragment_to_text(raw);
    return normalize_paragraphs(raw);
  }
  std::string raw = element_text(node);
  const bool plain = iequals(type, "text") || iequals(type, "text/plain");
  if (!plain && looks_like_markup(raw)) return html_fragment_to_text(raw);
  return normalize_paragraphs(raw);
}

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return ingest::normalize_line(s);
}

// An item's link: RSS <link>, Atom <link rel="alternate" href>, else a
// permalink guid or an http(s) Atom id; relative links resolved against
// xml:base.
std::string item_link(const xmlNode* item) {
  std::string link;
  const xmlNode* link_node = nullptr;
  std::string guid, atom_id;
  for (const xmlNode* c = item->children; c != nullptr && link.empty(); c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (is(c, Ns::kCore, "link")) {
      const std::string href = attribute(c, "href");
      if (!href.empty()) {
        const std::string rel = attribute(c, "rel");
        if (rel.empty() || iequals(rel, "alternate")) {
          link = href;
          link_node = c;
        }
      } else {
        link = std::string(trim(element_text(c)));
        link_node = c;
      }
    } else if (is(c, Ns::kCore, "guid") && guid.empty()) {
      if (!iequals(attribute(c, "isPermaLink"), "false")) guid = std::string(trim(element_text(c)));
    } else if (is(c, Ns::kCore, "id") && atom_id.empty()) {
      atom_id = std::string(trim(element_text(c)));
    }
  }
  auto is_http = [](std::string_view s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; };
  if (link.empty()) {
    link = is_http(guid) ? guid : is_http(atom_id) ? atom_id : "";
    link_node = item;
  }
  if (link.empty() || is_http(link) || link_node == nullptr) return link;
  XmlString base(xmlNodeGetBase(link_node->doc, link_node));
  if (base == nullptr) return link;
  XmlString resolved(xmlBuildURI(reinterpret_cast<const xmlChar*>(link.c_str()), base.get()));
  return resolved != nullptr ? std::string(as_view(resolved.get())) : link;
}

// "jo@example.com (Jo Smith)" -> "Jo Smith".
std::string author_name(std::string_view raw) {
  raw = trim(raw);
  const size_t open = raw.find('(');
  const size_t close = raw.rfind(')');
  if (raw.find('@') != std::string_view::npos && open != std::string_view::npos && close != std::string_view::npos &&
      close > open) {
    return std::string(trim(raw.substr(open + 1, close - open - 1)));
  }
  return std::string(raw);
}

struct FeedInfo {
  std::string title;
  std::string language;
};

// Primary language subtag ("en-us" -> "en"), or "".
std::string primary_language(std::string_view tag) {
  tag = trim(tag);
  std::string out;
  for (char c : tag) {
    if (c == '-' || c == '_') break;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return "";
    out += lower(c);
  }
  return out.size() >= 2 && out.size() <= 3 ? out : "";
}

FeedInfo feed_info(const xmlNode* root) {
  FeedInfo info;
  // The channel (RSS, RDF) or the feed element itself (Atom).
  const xmlNode* channel = root;
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (is(c, Ns::kCore, "channel")) {
      channel = c;
      break;
    }
  }
  for (const xmlNode* c = channel->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (info.title.empty() && (is(c, Ns::kCore, "title") || is(c, Ns::kDc, "title"))) {
      info.title = one_line(content_text(c));
    } else if (info.language.empty() && (is(c, Ns::kCore, "language") || is(c, Ns::kDc, "language"))) {
      info.language = primary_language(element_text(c));
    }
  }
  if (info.language.empty()) {
    XmlString lang(xmlNodeGetLang(root));
    info.language = primary_language(as_view(lang.get()));
  }
  return info;
}

// Item and entry elements anywhere below `root` (not nested in one another).
std::vector<const xmlNode*> find_items(const xmlNode* root) {
  std::vector<const xmlNode*> items;
  const xmlNode* cur = root;
  while (cur != nullptr) {
    bool descend = false;
    if (cur->type == XML_ELEMENT_NODE) {
      if (is(cur, Ns::kCore, "item") || is(cur, Ns::kCore, "entry")) {
        items.push_back(cur);
      } else {
        descend = cur->children != nullptr;
      }
    }
    if (descend) {
      cur = cur->children;
      continue;
    }
    while (cur != nullptr && cur != root && cur->next == nullptr) cur = cur->parent;
    if (cur == nullptr || cur == root) break;
    cur = cur->next;
  }
  return items;
}

// Builds the Document of one item, or nullopt when it has no text at all.
std::optional<Document> item_document(const xmlNode* item, const FeedInfo& feed) {
  std::string title;
  std::string body;
  int body_rank = 0;  // the fuller the content, the higher
  std::optional<std::chrono::year_month_day> published, updated;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string language;
  auto take_body = [&](const xmlNode* c, int rank) {
    if (rank <= body_rank) return;
    std::string text = content_text(c);
    if (ingest::is_blank(text)) return;
    body = std::move(text);
    body_rank = rank;
  };
  auto add_author = [&](std::string name) {
    name = one_line(std::move(name));
    if (!name.empty() && std::find(authors.begin(), authors.end(), name) == authors.end()) {
      authors.push_back(std::move(name));
    }
  };
  for (const xmlNode* c = item->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    const Name n = name_of(c);
    auto named = [&](Ns ns, std::string_view local) { return n.ns == ns && iequals(n.local, local); };
    if (named(Ns::kCore, "title") || (title.empty() && named(Ns::kDc, "title"))) {
      if (title.empty()) title = one_line(content_text(c));
    } else if (named(Ns::kContent, "encoded")) {
      take_body(c, 4);
    } else if (named(Ns::kCore, "content")) {
      take_body(c, 3);
    } else if (named(Ns::kCore, "description") || named(Ns::kCore, "summary") || named(Ns::kDc, "description")) {
      take_body(c, 2);
    } else if (named(Ns::kItunes, "summary")) {
      take_body(c, 1);
    } else if (named(Ns::kCore, "pubDate") || named(Ns::kCore, "published") || named(Ns::kCore, "issued") ||
               named(Ns::kDc, "date") || named(Ns::kDcTerms, "issued") || named(Ns::kDcTerms, "created") ||
               named(Ns::kCore, "created")) {
      if (!published) published = parse_feed_date(element_text(c));
    } else if (named(Ns::kCore, "updated") || named(Ns::kCore, "modified") || named(Ns::kDcTerms, "modified")) {
      if (!updated) updated = parse_feed_date(element_text(c));
    } else if (named(Ns::kCore, "author") || named(Ns::kCore, "contributor")) {
      if (has_element_children(c)) {
        for (const xmlNode* a = c->children; a != nullptr; a = a->next) {
          if (is(a, Ns::kCore, "name")) add_author(element_text(a));
        }
      } else {
        add_author(author_name(element_text(c)));
      }
    } else if (named(Ns::kDc, "creator") || named(Ns::kItunes, "author")) {
      add_author(element_text(c));
    } else if (named(Ns::kCore, "category") || named(Ns::kDc, "subject")) {
      std::string term = attribute(c, "term");
      if (term.empty()) term = element_text(c);
      term = one_line(std::move(term));
      if (!term.empty()) categories.push_back(std::move(term));
    } else if (named(Ns::kDc, "language")) {
      language = primary_language(element_text(c));
    }
  }
  if (title.empty() && body.empty()) return std::nullopt;
  Document doc = make_document(valid_utf8(std::move(title)), valid_utf8(std::move(body)));
  doc.url = valid_utf8(item_link(item));
  doc.source = valid_utf8(feed.title);
  doc.published = published ? published : updated;
  if (!language.empty()) {
    doc.language = language;
  } else if (!feed.language.empty()) {
    doc.language = feed.language;
  }
  std::string byline;
  for (const std::string& a : authors) byline += (byline.empty() ? "" : ", ") + a;
  doc.attribution = valid_utf8(std::move(byline));
  for (std::string& c : categories) doc.categories.push_back(valid_utf8(std::move(c)));
  return doc;
}

// True when the bytes name their encoding (a BOM, or an XML declaration
// with an encoding), so that libxml2 can decode them itself.
bool declares_encoding(std::string_view bytes) {
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0 || bytes.rfind("\xFE\xFF", 0) == 0 || bytes.rfind("\xFF\xFE", 0) == 0) {
    return true;
  }
  if (bytes.rfind("<?xml", 0) != 0) return false;
  const std::string_view decl = bytes.substr(0, bytes.find("?>"));
  return decl.find("encoding") != std::string_view::npos;
}

std::string last_error(xmlParserCtxt* ctxt) {
  const xmlError* e = xmlCtxtGetLastError(ctxt);
  if (e == nullptr || e->message == nullptr) return "not well-formed";
  return valid_utf8(one_line(e->message));
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_feed_date(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > kMaxDateChars) return std::nullopt;
  if (text.size() >= 4 && all_digits(text.substr(0, 4))) {
    if (auto d = parse_iso_like(text)) return d;
  }
  return parse_loose(text);
}

std::string html_fragment_to_text(std::string_view html) {
  if (!looks_like_markup(html)) return valid_utf8(normalize_paragraphs(html));
  if (html.size() > static_cast<size_t>(INT_MAX)) return "";
  init_libxml();
  const QuietLibxml quiet;
  XmlDocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8", kHtmlOptions));
  if (doc == nullptr) return valid_utf8(normalize_paragraphs(html));
  std::string raw;
  append_text(reinterpret_cast<const xmlNode*>(doc.get()), raw, true);
  return valid_utf8(normalize_paragraphs(raw));
}

namespace {

Result<std::vector<Document>> parse_feed(std::string_view bytes, ReadStats* stats) {
  if (ingest::is_blank(bytes)) return Status(ErrorCode::kEmptyInput, "empty feed (no bytes)");
  // Undeclared and not UTF-8 (a KOI8-R or windows-1252 feed without an
  // XML declaration): libxml2 would fall back to Latin-1, so detect the
  // charset with ICU, as for web pages, and parse the converted text.
  const std::string_view original = bytes;
  std::string converted;
  const char* encoding = nullptr;
  if (!declares_encoding(bytes) && utf8::find_invalid(bytes)) {
    auto decoded = extract::decode_to_utf8(bytes, "");
    if (decoded.ok() && !decoded->unchanged) {
      converted = std::move(decoded->utf8);
      bytes = converted;
      encoding = "UTF-8";
    }
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return Status(ErrorCode::kTooLarge, "feed larger than 2 GiB");
  init_libxml();
  const QuietLibxml quiet;
  std::unique_ptr<xmlParserCtxt, XmlCtxtFree> ctxt(xmlNewParserCtxt());
  if (ctxt == nullptr) return Status(ErrorCode::kInternal, "libxml2 could not allocate a parser");
  ctxt->sax->getEntity = &get_entity_with_html_names;
  XmlDocPtr doc(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, encoding,
                                  kXmlOptions));
  const xmlNode* root = doc != nullptr ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (root == nullptr && !converted.empty()) {
    // A wrong guess of the charset: let libxml2 try the original bytes.
    doc.reset(xmlCtxtReadMemory(ctxt.get(), original.data(), static_cast<int>(original.size()), nullptr, nullptr,
                                kXmlOptions));
    root = doc != nullptr ? xmlDocGetRootElement(doc.get()) : nullptr;
  }
  if (root == nullptr) return Status(ErrorCode::kParseError, "not XML: " + last_error(ctxt.get()));

  const std::vector<const xmlNode*> items = find_items(root);
  const Name root_name = name_of(root);
  const bool feed_root = iequals(root_name.local, "rss") || iequals(root_name.local, "RDF") ||
                         iequals(root_name.local, "feed") || iequals(root_name.local, "channel");
  if (items.empty()) {
    if (!feed_root) {
      return Status(ErrorCode::kParseError,
                    fmt::format("not a feed: the root element is <{}>", valid_utf8(std::string(root_name.local))));
    }
    return Status(ErrorCode::kEmptyInput, "the feed has no items");
  }
  const FeedInfo info = feed_info(root);
  std::vector<Document> docs;
  docs.reserve(items.size());
  uint64_t skipped = 0;
  for (const xmlNode* item : items) {
    auto d = item_document(item, info);
    if (d) {
      docs.push_back(std::move(*d));
    } else {
      ++skipped;
    }
  }
  if (stats != nullptr) {
    stats->feed_items += items.size();
    if (skipped > 0) stats->skipped["feed item without title or text"] += skipped;
  }
  if (docs.empty()) {
    return Status(ErrorCode::kEmptyInput,
                  fmt::format("none of the feed's {} item(s) has a title or text", items.size()));
  }
  return docs;
}

}  // namespace

bool read_feed(const std::string& path, std::string_view bytes, uint64_t file_offset, const ReadOptions& options,
               const RecordSink& sink) {
  auto docs = parse_feed(bytes, options.stats);
  if (!docs.ok()) return sink(RecordOrigin{path, 0, file_offset, 0}, docs.status());
  uint64_t number = 0;
  for (Document& d : *docs) {
    if (!sink(RecordOrigin{path, 0, file_offset, ++number}, std::move(d))) return false;
  }
  return true;
}

}  // namespace caspian::ingest

namespace caspian {

Result<std::vector<Document>> documents_from_feed(std::string_view bytes, ReadStats* stats) {
  return ingest::parse_feed(bytes, stats);
}

}  // namespace caspian
