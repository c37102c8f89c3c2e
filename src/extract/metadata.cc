// Internal: metadata resolution (see metadata.h).
#include "extract/metadata.h"

#include "extract/html_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace caspian::extract {

namespace {

using nlohmann::json;

// JSON-LD deeper than this is not parsed (nlohmann destroys trees recursively).
constexpr int kMaxJsonDepth = 64;
// JSON-LD objects visited per page at most.
constexpr size_t kMaxJsonObjects = 10000;
constexpr size_t kMaxAuthors = 10;
constexpr size_t kMaxAuthorBytes = 100;
// Shorter <h1> texts are logos or section labels, not headlines.
constexpr size_t kMinHeadlineBytes = 10;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) != 0)) s.remove_prefix(1);
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) != 0)) s.remove_suffix(1);
  return s;
}

// Collapses whitespace and trims (JSON-LD and meta values may hold newlines).
std::string clean(std::string_view raw) {
  // Values are often entity-encoded twice ("&amp;#8217;" in the HTML, "&#8217;" in JSON-LD).
  const std::string decoded = raw.find('&') != std::string_view::npos ? decode_html_text(raw) : std::string();
  const std::string_view s = decoded.empty() ? raw : std::string_view(decoded);
  std::string out;
  bool space = false;
  for (char c : trim(s)) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

int json_depth(std::string_view s) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

std::string json_text(const json& j) {
  if (j.is_string()) return clean(j.get<std::string>());
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  return "";
}

// The "name" of a string or {"name": ...} (or the first of an array).
std::string json_name(const json& j) {
  if (j.is_string()) return clean(j.get<std::string>());
  if (j.is_object()) {
    auto it = j.find("name");
    if (it != j.end()) return json_text(*it);
  }
  if (j.is_array() && !j.empty()) return json_name(j.front());
  return "";
}

bool is_article_type(const json& type) {
  static constexpr std::array<std::string_view, 5> kTypes = {"Article", "BlogPosting", "Report", "LiveBlog",
                                                             "Posting"};
  const auto match = [](const json& t) {
    if (!t.is_string()) return false;
    const std::string& s = t.get_ref<const std::string&>();
    return std::any_of(kTypes.begin(), kTypes.end(), [&](std::string_view k) { return s.find(k) != std::string::npos; });
  };
  if (type.is_array()) return std::any_of(type.begin(), type.end(), match);
  return match(type);
}

struct JsonLd {
  std::string headline, published, modified, body, language, publisher, url, description;
  std::vector<std::string> authors, org_authors;
  bool found = false;
};

void read_article(const json& o, JsonLd& out) {
  const auto get = [&](const char* key) -> const json* {
    auto it = o.find(key);
    return it == o.end() ? nullptr : &*it;
  };
  // The first article object wins, except that a later one with a body replaces one without.
  if (out.found && (!out.body.empty() || get("articleBody") == nullptr)) return;
  out = JsonLd{};
  out.found = true;
  if (const json* h = get("headline")) out.headline = json_text(*h);
  if (out.headline.empty()) {
    if (const json* n = get("name")) out.headline = json_text(*n);
  }
  if (const json* d = get("datePublished")) out.published = json_text(*d);
  if (out.published.empty()) {
    if (const json* d = get("dateCreated")) out.published = json_text(*d);
  }
  if (const json* d = get("dateModified")) out.modified = json_text(*d);
  if (const json* b = get("articleBody")) out.body = b->is_string() ? b->get<std::string>() : "";
  if (const json* l = get("inLanguage")) out.language = json_name(*l);
  if (const json* p = get("publisher")) out.publisher = json_name(*p);
  if (const json* u = get("url")) out.url = json_text(*u);
  if (const json* d = get("description")) out.description = json_text(*d);
  if (const json* a = get("author")) {
    // Organisations named as authors ("Cleveland Clinic") are kept apart: a person's byline
    // elsewhere on the page is the better answer.
    const auto add = [&](const json& x) {
      std::string n = json_name(x);
      if (n.empty()) return;
      const bool org = x.is_object() && x.contains("@type") && x["@type"].is_string() &&
                       x["@type"].get_ref<const std::string&>() == "Organization";
      auto& list = org ? out.org_authors : out.authors;
      if (list.size() < kMaxAuthors) list.push_back(std::move(n));
    };
    if (a->is_array()) {
      for (const json& x : *a) add(x);
    } else {
      add(*a);
    }
  }
}

JsonLd read_json_ld(const std::vector<std::string>& scripts) {
  JsonLd out;
  for (const std::string& raw : scripts) {
    std::string_view s = trim(raw);
    // Some sites wrap the JSON in <!-- --> or CDATA markers.
    if (s.substr(0, 4) == "<!--") s.remove_prefix(4);
    if (s.size() >= 3 && s.substr(s.size() - 3) == "-->") s.remove_suffix(3);
    if (s.substr(0, 11) == "//<![CDATA[") s.remove_prefix(11);
    if (json_depth(s) > kMaxJsonDepth) continue;
    const json root = json::parse(s, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) continue;
    // Breadth-first over objects and arrays (no recursion).
    std::vector<const json*> queue = {&root};
    for (size_t i = 0; i < queue.size() && i < kMaxJsonObjects; ++i) {
      const json& j = *queue[i];
      if (j.is_array()) {
        for (const json& x : j) {
          if (x.is_object() || x.is_array()) queue.push_back(&x);
        }
      } else if (j.is_object()) {
        auto type = j.find("@type");
        if (type != j.end() && is_article_type(*type)) read_article(j, out);
        auto graph = j.find("@graph");
        if (graph != j.end()) queue.push_back(&*graph);
        auto main = j.find("mainEntity");
        if (main != j.end() && (main->is_object() || main->is_array())) queue.push_back(&*main);
      }
    }
  }
  return out;
}

std::string first_meta(const Page& page, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    for (const MetaTag& m : page.metas) {
      if (m.key == k) {
        std::string v = clean(m.content);
        if (!v.empty()) return v;
      }
    }
  }
  return "";
}

bool looks_like_url(std::string_view s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("//", 0) == 0 || s.rfind("/", 0) == 0;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t word_count(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

std::string clean_author(std::string_view raw) {
  std::string a = clean(raw);
  // Prefixes of bylines, longest first.
  static constexpr std::array<std::string_view, 14> kPrefixes = {
      "Written by:", "Written by", "Posted by", "Reviewed by", "Author:", "Author", "By:", "By", "by", "BY",
      "Von", "Par", "Por", "Door"};
  for (std::string_view prefix : kPrefixes) {
    if (a.size() > prefix.size() && a.rfind(prefix, 0) == 0 &&
        (a[prefix.size()] == ' ' || prefix.back() == ':' || std::isupper(static_cast<unsigned char>(a[prefix.size()])))) {
      a = std::string(trim(a.substr(prefix.size())));
      break;
    }
  }
  while (!a.empty() && (a.back() == ',' || a.back() == '|' || a.back() == '-')) a.pop_back();
  while (!a.empty() && (a.front() == ',' || a.front() == '|' || a.front() == '-' || a.front() == ':')) a.erase(0, 1);
  a = std::string(trim(a));
  if (a.size() > kMaxAuthorBytes || looks_like_url(a) || a.find('@') == 0) return "";
  // A bare prefix ("Written by") or a user name ("jdoe42", "jane.doe") is not a name.
  std::string lower_a;
  for (char c : a) lower_a.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view prefix : kPrefixes) {
    std::string lp(prefix);
    for (char& c : lp) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower_a == lp) return "";
  }
  const bool ascii = std::all_of(a.begin(), a.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii && std::none_of(a.begin(), a.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; })) {
    return "";
  }
  return a;
}

// The author in a captured byline: the first element-delimited piece that reads like a name
// (no digits, at most kMaxNameWords words, not a bare "By"/"Author").
std::string author_from_byline(std::string_view byline) {
  constexpr size_t kMaxNameWords = 6;
  size_t p = 0;
  while (p <= byline.size()) {
    size_t e = byline.find(kElementBoundary, p);
    if (e == std::string_view::npos) e = byline.size();
    std::string piece = clean_author(byline.substr(p, e - p));
    // "Jane Doe - Mar 27, 2024", "Jane Doe | Staff": keep the part before a separator.
    for (std::string_view sep : {" - ", " | ", " \u2022 ", "\u2022", " on "}) {
      if (const size_t k = piece.find(sep); k != std::string::npos && k > 0) piece = std::string(trim(piece.substr(0, k)));
    }
    if (!piece.empty() && !has_digit(piece) && word_count(piece) <= kMaxNameWords && piece != "By" &&
        piece != "Author" && piece != "and" && std::isalpha(static_cast<unsigned char>(piece.front())) != 0) {
      return piece;
    }
    p = e + 1;
  }
  return "";
}

// Removes " | Site", " - Site" and similar suffixes or prefixes that name the site.
std::string strip_site_name(std::string title, std::string_view site) {
  static constexpr std::array<std::string_view, 6> kSeparators = {" | ", " - ", " – ", " — ", " :: ", " · "};
  if (!site.empty()) {
    for (std::string_view sep : kSeparators) {
      const std::string suffix = std::string(sep) + std::string(site);
      if (title.size() > suffix.size() && title.compare(title.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return title.substr(0, title.size() - suffix.size());
      }
      const std::string prefix = std::string(site) + std::string(sep);
      if (title.size() > prefix.size() && title.compare(0, prefix.size(), prefix) == 0) return title.substr(prefix.size());
    }
  }
  return title;
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool plausible_date(int y, int m, int d) {
  constexpr int kMinYear = 1990, kMaxYear = 2100, kMonths = 12, kDays = 31;
  return y >= kMinYear && y <= kMaxYear && m >= 1 && m <= kMonths && d >= 1 && d <= kDays;
}

std::string primary_language(std::string_view tag) {
  std::string out;
  for (char c : trim(tag)) {
    if (c == '-' || c == '_') break;
    if (!std::isalpha(static_cast<unsigned char>(c))) return "";
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  constexpr size_t kMinLang = 2, kMaxLang = 3;
  return out.size() >= kMinLang && out.size() <= kMaxLang ? out : "";
}

// Share of the words of `a` that occur in `b` (case-insensitive).
double word_overlap(std::string_view a, std::string_view b) {
  const auto words = [](std::string_view s) {
    std::vector<std::string> w;
    std::string cur;
    for (char c : s) {
      if (std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80) {
        cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!cur.empty()) {
        w.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) w.push_back(std::move(cur));
    return w;
  };
  const std::vector<std::string> wa = words(a), wb = words(b);
  if (wa.empty()) return 0;
  size_t hit = 0;
  for (const std::string& w : wa) hit += std::find(wb.begin(), wb.end(), w) != wb.end() ? 1 : 0;
  return static_cast<double>(hit) / static_cast<double>(wa.size());
}

bool is_iso_date(std::string_view s) {
  constexpr size_t kIsoDate = 10;
  return s.size() >= kIsoDate && is_digits(s.substr(0, 4)) && s[4] == '-' && is_digits(s.substr(5, 2)) && s[7] == '-' &&
         is_digits(s.substr(8, 2));
}

int month_from_name(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  constexpr size_t kAbbrev = 3;
  if (w.size() < kAbbrev) return 0;
  std::string l(w.substr(0, kAbbrev));
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (l == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::string iso(int y, int m, int d) {
  if (!plausible_date(y, m, d)) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace

std::string parse_date_text(std::string_view text) {
  // Tokens: numbers and words, with the character that preceded each number.
  struct Tok {
    std::string text;
    bool number = false;
    char sep = ' ';
  };
  std::vector<Tok> toks;
  constexpr size_t kMaxTokens = 64;
  char sep = ' ';
  for (size_t i = 0; i < text.size() && toks.size() < kMaxTokens;) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isdigit(c) != 0 || std::isalpha(c) != 0) {
      const bool number = std::isdigit(c) != 0;
      size_t j = i;
      while (j < text.size() && (number ? std::isdigit(static_cast<unsigned char>(text[j])) != 0
                                        : std::isalpha(static_cast<unsigned char>(text[j])) != 0)) {
        ++j;
      }
      toks.push_back({std::string(text.substr(i, j - i)), number, sep});
      sep = ' ';
      i = j;
    } else {
      if (c == '/' || c == '.' || c == '-') sep = static_cast<char>(c);
      ++i;
    }
  }
  const auto num = [&](size_t i, size_t min_len, size_t max_len) {
    return i < toks.size() && toks[i].number && toks[i].text.size() >= min_len && toks[i].text.size() <= max_len;
  };
  const auto val = [&](size_t i) { return std::stoi(toks[i].text); };
  for (size_t i = 0; i < toks.size(); ++i) {
    // 2025-11-13, 2025/11/13, 2025.11.13
    if (num(i, 4, 4) && num(i + 1, 1, 2) && num(i + 2, 1, 2) && toks[i + 1].sep != ' ' && toks[i + 2].sep == toks[i + 1].sep) {
      if (std::string d = iso(val(i), val(i + 1), val(i + 2)); !d.empty()) return d;
    }
    // 13/11/2025, 09/25/2025, 13.11.2025: day first when it must be, else month first (US).
    if (num(i, 1, 2) && num(i + 1, 1, 2) && num(i + 2, 4, 4) && toks[i + 1].sep != ' ' && toks[i + 2].sep == toks[i + 1].sep) {
      const int a = val(i), b = val(i + 1), y = val(i + 2);
      constexpr int kMonths = 12;
      const bool day_first = a > kMonths || toks[i + 1].sep == '.';
      if (std::string d = day_first ? iso(y, b, a) : iso(y, a, b); !d.empty()) return d;
    }
    // Feb 08, 2022 / July 18th 2025
    if (!toks[i].number && month_from_name(toks[i].text) != 0 && num(i + 1, 1, 2)) {
      size_t k = i + 2;
      if (k < toks.size() && !toks[k].number && toks[k].text.size() == 2) ++k;  // st, nd, rd, th
      if (num(k, 4, 4)) {
        if (std::string d = iso(val(k), month_from_name(toks[i].text), val(i + 1)); !d.empty()) return d;
      }
    }
    // 16 December 2025 / 5th Mar 2024
    if (num(i, 1, 2)) {
      size_t k = i + 1;
      if (k < toks.size() && !toks[k].number && toks[k].text.size() == 2 && month_from_name(toks[k].text) == 0) ++k;
      if (k < toks.size() && !toks[k].number && month_from_name(toks[k].text) != 0 && num(k + 1, 4, 4)) {
        if (std::string d = iso(val(k + 1), month_from_name(toks[k].text), val(i)); !d.empty()) return d;
      }
    }
  }
  return "";
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  ref = trim(ref);
  if (ref.empty()) return "";
  const size_t colon = ref.find(':');
  const size_t slash = ref.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) return std::string(ref);
  const size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) return std::string(ref);
  if (ref.rfind("//", 0) == 0) return std::string(base.substr(0, scheme_end + 1)) + std::string(ref);
  const size_t host_end = base.find_first_of("/?#", scheme_end + 3);
  const std::string_view origin = base.substr(0, host_end);
  if (ref.front() == '/') return std::string(origin) + std::string(ref);
  std::string_view path = host_end == std::string_view::npos ? "/" : base.substr(host_end);
  path = path.substr(0, path.find_first_of("?#"));
  path = path.substr(0, path.rfind('/') + 1);
  if (path.empty()) path = "/";
  return std::string(origin) + std::string(path) + std::string(ref);
}

std::string date_from_url(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t path_begin = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path_begin == std::string_view::npos) return "";
  const std::string_view path = url.substr(path_begin);
  constexpr size_t kYear = 4, kTwo = 2, kCompact = 8;
  for (size_t i = 0; i + kYear < path.size(); ++i) {
    if (path[i] != '/' && path[i] != '-' && path[i] != '_') continue;
    const size_t y = i + 1;
    if (y + kYear > path.size() || !is_digits(path.substr(y, kYear))) continue;
    // /YYYY/MM/DD or /YYYY-MM-DD
    const size_t m = y + kYear + 1;
    if (m + kTwo <= path.size() && (path[m - 1] == '/' || path[m - 1] == '-') && is_digits(path.substr(m, kTwo))) {
      const int year = std::stoi(std::string(path.substr(y, kYear)));
      const int month = std::stoi(std::string(path.substr(m, kTwo)));
      const size_t d = m + kTwo + 1;
      if (d + kTwo <= path.size() && path[d - 1] == path[m - 1] && is_digits(path.substr(d, kTwo)) &&
          (d + kTwo == path.size() || !std::isdigit(static_cast<unsigned char>(path[d + kTwo])))) {
        const int day = std::stoi(std::string(path.substr(d, kTwo)));
        if (plausible_date(year, month, day)) return std::string(path.substr(y, kYear)) + "-" +
                                                      std::string(path.substr(m, kTwo)) + "-" +
                                                      std::string(path.substr(d, kTwo));
      }
    }
    // /YYYYMMDD/
    if (y + kCompact <= path.size() && is_digits(path.substr(y, kCompact)) &&
        (y + kCompact == path.size() || !std::isdigit(static_cast<unsigned char>(path[y + kCompact])))) {
      const std::string s(path.substr(y, kCompact));
      const int year = std::stoi(s.substr(0, kYear)), month = std::stoi(s.substr(kYear, kTwo)),
                day = std::stoi(s.substr(kYear + kTwo, kTwo));
      if (plausible_date(year, month, day)) return s.substr(0, kYear) + "-" + s.substr(kYear, kTwo) + "-" + s.substr(kYear + kTwo);
    }
  }
  return "";
}

Metadata extract_metadata(const Page& page, std::string_view url) {
  Metadata md;
  const JsonLd ld = read_json_ld(page.json_ld);
  md.article_body = ld.body;

  md.site_name = first_meta(page, {"og:site_name", "application-name", "twitter:app:name:iphone"});
  if (md.site_name.empty()) md.site_name = ld.publisher;

  // Headline: the visible <h1> when there is one that is not the site's name (the headline as
  // readers see it); among several, the one closest to the declared title. Otherwise JSON-LD,
  // OpenGraph, citation/DC/parsely meta, then <title> without the site's name.
  std::string declared = ld.headline;
  if (declared.empty()) declared = first_meta(page, {"og:title", "twitter:title", "citation_title", "dc.title",
                                                     "parsely-title", "sailthru.title", "itemprop:headline"});
  if (declared.empty()) declared = page.title;
  declared = strip_site_name(declared, md.site_name);
  std::vector<std::string> h1;
  for (const Unit& u : page.units) {
    if (u.kind != Tag::kH1) continue;
    std::string t = clean(u.text);
    if (t.size() >= kMinHeadlineBytes && t != md.site_name && std::find(h1.begin(), h1.end(), t) == h1.end()) {
      h1.push_back(std::move(t));
    }
  }
  md.title = declared;
  if (h1.size() == 1) {
    md.title = h1.front();
  } else if (h1.size() > 1) {
    double best = 0;
    for (const std::string& t : h1) {
      const double o = word_overlap(t, declared);
      if (o > best) {
        best = o;
        md.title = t;
      }
    }
  }

  // Authors.
  md.authors = ld.authors;
  if (md.authors.empty()) {
    for (std::string_view key : {"author", "article:author", "citation_author", "dc.creator", "parsely-author",
                                 "sailthru.author", "byl", "itemprop:author", "twitter:creator"}) {
      for (const MetaTag& m : page.metas) {
        if (m.key != key) continue;
        std::string a = clean_author(m.content);
        if (!a.empty() && md.authors.size() < kMaxAuthors &&
            std::find(md.authors.begin(), md.authors.end(), a) == md.authors.end()) {
          md.authors.push_back(std::move(a));
        }
      }
      if (!md.authors.empty()) break;
    }
  }
  if (md.authors.empty()) {
    for (const std::string& b : page.bylines) {
      std::string a = author_from_byline(b);
      if (!a.empty()) {
        md.authors.push_back(std::move(a));
        break;
      }
    }
  }
  if (md.authors.empty()) md.authors = ld.org_authors;
  for (std::string& a : md.authors) a = clean_author(a);
  std::erase_if(md.authors, [](const std::string& a) { return a.empty(); });

  // Dates.
  md.published = ld.published;
  if (md.published.empty()) {
    md.published = first_meta(page, {"article:published_time", "og:published_time", "published_time",
                                     "itemprop:datepublished", "datepublished", "article.published",
                                     "publish-date", "publish_date", "publishdate", "pubdate", "date",
                                     "dc.date.issued", "dc.date", "dcterms.date", "dcterms.created",
                                     "citation_publication_date", "citation_date", "sailthru.date",
                                     "parsely-pub-date", "original-publish-date", "article:published"});
  }
  if (md.published.empty()) {
    for (const TimeTag& t : page.times) {
      if (t.published) {
        md.published = t.datetime;
        break;
      }
    }
  }
  if (md.published.empty()) md.published = date_from_url(url);
  if (md.published.empty() && !page.times.empty()) md.published = page.times.front().datetime;
  if (md.published.empty()) {
    for (const std::string& t : page.date_texts) {
      md.published = parse_date_text(t);
      if (!md.published.empty()) break;
    }
  }
  // Dates as written ("Feb 08, 2022", "13/11/2025 09:21") become ISO 8601 dates.
  if (!md.published.empty() && !is_iso_date(md.published)) md.published = parse_date_text(md.published);
  if (!md.modified.empty() && !is_iso_date(md.modified)) md.modified = parse_date_text(md.modified);
  md.modified = ld.modified;
  if (md.modified.empty()) {
    md.modified = first_meta(page, {"article:modified_time", "og:updated_time", "itemprop:datemodified",
                                    "datemodified", "dc.date.modified", "dcterms.modified", "last-modified",
                                    "article:modified"});
  }

  // Language.
  md.language = primary_language(page.lang);
  if (md.language.empty()) md.language = primary_language(first_meta(page, {"content-language", "language", "dc.language"}));
  if (md.language.empty()) md.language = primary_language(ld.language);
  if (md.language.empty()) md.language = primary_language(first_meta(page, {"og:locale"}));

  // Canonical URL and description.
  std::string canonical = page.canonical;
  if (canonical.empty()) canonical = first_meta(page, {"og:url"});
  if (canonical.empty()) canonical = ld.url;
  md.canonical_url = canonical.empty() ? std::string(url) : resolve_url(url, canonical);
  md.description = first_meta(page, {"og:description", "description", "twitter:description", "dc.description"});
  if (md.description.empty()) md.description = ld.description;
  return md;
}

}  // namespace caspian::extract
