// Internal: extraction evaluation (see extract_eval.h).
#include "eval/extract_eval.h"

#include <fmt/format.h>
#include <unicode/uchar.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <numeric>
#include <unordered_map>

#include "caspian/extract.h"
#include "caspian/utf8.h"
#include "extract/charset.h"
#include "extract/html_tokenizer.h"
#include "ingest/chunk_source.h"

namespace caspian::extract {

namespace fs = std::filesystem;

namespace {

using nlohmann::json;

constexpr size_t kReadChunk = size_t{1} << 20;
constexpr size_t kDateChars = 10;  // YYYY-MM-DD

bool is_word_char(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

// Whole file, gunzipped when it starts with the gzip magic.
Result<std::string> read_all(const fs::path& path) {
  auto src = ingest::open_chunk_source(path.string());
  if (!src.ok()) return src.status();
  std::string out;
  while (true) {
    auto n = (*src)->append_to(out, kReadChunk);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
  }
  return out;
}

Result<json> read_json(const fs::path& path) {
  auto bytes = read_all(path);
  if (!bytes.ok()) return bytes.status();
  json j = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status(ErrorCode::kParseError, path.string() + ": malformed JSON");
  return j;
}

std::string json_str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Visible text of an HTML fragment (for Mozilla's expected.html).
std::string html_text(std::string_view html) {
  HtmlTokenizer tok(html);
  HtmlToken t;
  std::string out;
  bool space = true;
  while (tok.next(t)) {
    if (t.type == TokenType::kText) append_html_text(out, t.text, true, space);
    else if (t.type == TokenType::kStartTag || t.type == TokenType::kEndTag) {
      if (!space) out.push_back(' ');
      space = true;
    }
  }
  return out;
}

// Lower-case, whitespace collapsed, typographic quotes and dashes made plain (gold files differ
// from pages in these only).
std::string normalise(std::string_view raw) {
  std::string plain(raw);
  static constexpr std::pair<std::string_view, std::string_view> kPlain[] = {
      {"\u2018", "'"}, {"\u2019", "'"}, {"\u201C", "\""}, {"\u201D", "\""}, {"\u2013", "-"}, {"\u2014", "-"}, {"\u00A0", " "}};
  for (const auto& [from, to] : kPlain) {
    for (size_t p = plain.find(from); p != std::string::npos; p = plain.find(from, p + to.size())) plain.replace(p, from.size(), to);
  }
  const std::string_view s = plain;
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_html_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// The names of an author list ("A, B and C", "A & B"), normalised and sorted.
std::vector<std::string> name_set(std::string_view authors) {
  std::string s = normalise(authors);
  for (std::string_view sep : {" and ", " & ", ";"}) {
    for (size_t p = s.find(sep); p != std::string::npos; p = s.find(sep, p)) s.replace(p, sep.size(), ",");
  }
  std::vector<std::string> names;
  size_t p = 0;
  while (p <= s.size()) {
    size_t e = s.find(',', p);
    if (e == std::string::npos) e = s.size();
    std::string n = normalise(s.substr(p, e - p));
    if (!n.empty()) names.push_back(std::move(n));
    p = e + 1;
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  std::string name;
  fs::path html;
  std::string url;
  std::string gold_text;
  bool has_text = true;
  std::string gold_title, gold_author, gold_date;
};

struct Accuracy {
  size_t n = 0, correct = 0;
  void add(bool ok) {
    ++n;
    correct += ok ? 1 : 0;
  }
  std::string str() const {
    return n == 0 ? std::string("n/a") : fmt::format("{:.3f} ({}/{})", static_cast<double>(correct) / n, correct, n);
  }
};

Result<std::vector<Case>> load_cases(const fs::path& dir) {
  std::vector<Case> cases;
  std::error_code ec;
  if (fs::is_directory(dir / "ground-truth", ec) && fs::is_directory(dir / "html", ec)) {
    // WCXB.
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / "ground-truth", ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      auto j = read_json(f);
      if (!j.ok()) return j.status();
      Case c;
      c.name = f.stem().string();
      c.html = dir / "html" / (c.name + ".html.gz");
      c.url = json_str(*j, "url");
      auto gt = j->find("ground_truth");
      if (gt == j->end() || !gt->is_object()) continue;
      c.gold_text = json_str(*gt, "main_content");
      c.gold_title = json_str(*gt, "title");
      c.gold_author = json_str(*gt, "author");
      c.gold_date = json_str(*gt, "publish_date");
      cases.push_back(std::move(c));
    }
    return cases;
  }
  if (fs::is_directory(dir / "html", ec)) {
    // scrapinghub: ground-truth*.json.
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string fn = e.path().filename().string();
      if (fn.rfind("ground-truth", 0) != 0 || e.path().extension() != ".json") continue;
      auto j = read_json(e.path());
      if (!j.ok()) return j.status();
      if (!j->is_object()) return Status(ErrorCode::kParseError, e.path().string() + ": not a JSON object");
      for (auto it = j->begin(); it != j->end(); ++it) {
        Case c;
        c.name = it.key();
        c.html = dir / "html" / (c.name + ".html.gz");
        c.url = json_str(*it, "url");
        c.gold_text = json_str(*it, "articleBody");
        cases.push_back(std::move(c));
      }
    }
    std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
    if (!cases.empty()) return cases;
  }
  // Mozilla Readability test pages.
  std::vector<fs::path> subdirs;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() && (fs::exists(e.path() / "source.html.gz") || fs::exists(e.path() / "source.html"))) {
      subdirs.push_back(e.path());
    }
  }
  std::sort(subdirs.begin(), subdirs.end());
  for (const fs::path& d : subdirs) {
    Case c;
    c.name = d.filename().string();
    c.html = fs::exists(d / "source.html.gz") ? d / "source.html.gz" : d / "source.html";
    const fs::path expected = fs::exists(d / "expected.html.gz") ? d / "expected.html.gz" : d / "expected.html";
    if (auto bytes = read_all(expected); bytes.ok()) c.gold_text = html_text(*bytes);
    else c.has_text = false;
    if (auto meta = read_json(d / "expected-metadata.json"); meta.ok()) {
      c.gold_title = json_str(*meta, "title");
      c.gold_author = json_str(*meta, "byline");
      c.gold_date = json_str(*meta, "publishedTime");
    }
    cases.push_back(std::move(c));
  }
  if (cases.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  dir.string() + ": not a scrapinghub, WCXB or Mozilla Readability test-page folder");
  }
  return cases;
}

Result<std::string> evaluate_dir(const fs::path& dir) {
  auto cases = load_cases(dir);
  if (!cases.ok()) return cases.status();
  std::vector<TpFpFn> shingles, words;
  Accuracy title, author, date;
  size_t errors = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  std::string error_lines;
  for (const Case& c : *cases) {
    auto html = read_all(c.html);
    if (!html.ok()) return Status(html.status().code(), c.html.string() + ": " + html.status().message());
    ExtractOptions opts;
    opts.url = c.url;
    const auto t0 = std::chrono::steady_clock::now();
    auto a = extract_article(*html, opts);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bytes += html->size();
    ExtractedArticle art;
    if (a.ok()) {
      art = std::move(a).value();
    } else {
      ++errors;
      error_lines += fmt::format("  {}: {}\n", c.name, a.status().to_string());
    }
    if (c.has_text) {
      shingles.push_back(shingle_match(c.gold_text, art.text, 4));
      words.push_back(shingle_match(c.gold_text, art.text, 1));
    }
    if (!c.gold_title.empty()) title.add(normalise(c.gold_title) == normalise(art.title));
    if (!c.gold_author.empty()) {
      const std::string g = normalise(c.gold_author);
      std::string joined;
      bool ok = false;
      for (const std::string& au : art.authors) {
        ok = ok || normalise(au) == g;
        joined += (joined.empty() ? "" : ", ") + au;
      }
      author.add(ok || normalise(joined) == g || name_set(joined) == name_set(c.gold_author));
    }
    if (!c.gold_date.empty()) {
      date.add(art.published.size() >= kDateChars && c.gold_date.size() >= kDateChars &&
               art.published.compare(0, kDateChars, c.gold_date, 0, kDateChars) == 0);
    }
  }
  const PrfAverage s = average_prf(shingles);
  const PrfAverage w = average_prf(words);
  std::string out = fmt::format("{}\n  pages {}  errors {}\n", dir.string(), cases->size(), errors);
  out += error_lines;
  out += fmt::format("  main text (4-token shingles): P {:.3f}  R {:.3f}  F1 {:.3f}\n", s.precision, s.recall, s.f1);
  out += fmt::format("  main text (bag of words):     P {:.3f}  R {:.3f}  F1 {:.3f}\n", w.precision, w.recall, w.f1);
  out += fmt::format("  title {}  author {}  date {}\n", title.str(), author.str(), date.str());
  out += fmt::format("  speed: {:.1f} pages/s, {:.1f} MB/s (extraction only, one thread)\n",
                     seconds > 0 ? static_cast<double>(cases->size()) / seconds : 0.0,
                     seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
  return out;
}

}  // namespace

std::vector<std::string> word_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto bad = utf8::find_invalid(text.substr(pos, std::min<size_t>(utf8::kMaxSequenceBytes, text.size() - pos)));
    char32_t c = 0;
    const size_t start = pos;
    if (bad && *bad == 0) {
      ++pos;  // invalid byte: a separator
    } else {
      c = utf8::decode(text, pos);
    }
    if (pos > start + 0 && c != 0 && is_word_char(c)) {
      cur.append(text.substr(start, pos - start));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

TpFpFn shingle_match(std::string_view gold, std::string_view pred, size_t n) {
  const auto shingles = [n](std::string_view text) {
    const std::vector<std::string> tokens = word_tokens(text);
    std::unordered_map<std::string, double> counts;
    const size_t count = tokens.size() >= n ? tokens.size() - n + 1 : 1;
    for (size_t i = 0; i < count && i < tokens.size(); ++i) {
      std::string key;
      for (size_t k = i; k < std::min(i + n, tokens.size()); ++k) {
        key += tokens[k];
        key.push_back('\x1F');  // unit separator: never part of a \w token
      }
      counts[key] += 1;
    }
    return counts;
  };
  const auto g = shingles(gold);
  const auto p = shingles(pred);
  TpFpFn r;
  for (const auto& [key, gc] : g) {
    auto it = p.find(key);
    const double pc = it == p.end() ? 0 : it->second;
    r.tp += std::min(gc, pc);
    r.fn += std::max(0.0, gc - pc);
    r.fp += std::max(0.0, pc - gc);
  }
  for (const auto& [key, pc] : p) {
    if (!g.contains(key)) r.fp += pc;
  }
  const double sum = r.tp + r.fp + r.fn;
  if (sum > 0) {
    r.tp /= sum;
    r.fp /= sum;
    r.fn /= sum;
  }
  return r;
}

PrfAverage average_prf(const std::vector<TpFpFn>& pages) {
  double p_sum = 0, r_sum = 0;
  size_t p_n = 0, r_n = 0;
  for (const TpFpFn& x : pages) {
    // precision_score / recall_score of evaluate.py (fp == fn == 0 counts as perfect).
    if (x.tp + x.fp > 0) {
      p_sum += (x.fp == 0 && x.fn == 0) ? 1.0 : x.tp / (x.tp + x.fp);
      ++p_n;
    }
    if (x.tp + x.fn > 0) {
      r_sum += (x.fp == 0 && x.fn == 0) ? 1.0 : x.tp / (x.tp + x.fn);
      ++r_n;
    }
  }
  PrfAverage a;
  a.precision = p_n == 0 ? 0.0 : p_sum / static_cast<double>(p_n);
  a.recall = r_n == 0 ? 0.0 : r_sum / static_cast<double>(r_n);
  a.f1 = a.precision + a.recall == 0 ? 0.0 : 2 * a.precision * a.recall / (a.precision + a.recall);
  return a;
}

Result<std::string> evaluate_extraction(const std::vector<std::string>& dirs) {
  if (dirs.empty()) return Status(ErrorCode::kInvalidArgument, "eval extract needs at least one folder");
  std::string out;
  try {
    for (const std::string& d : dirs) {
      auto r = evaluate_dir(d);
      if (!r.ok()) return r.status();
      out += *r;
    }
  } catch (const std::exception& e) {  // std::filesystem iteration reports errors by exception
    return Status(ErrorCode::kIoError, e.what());
  }
  return out;
}

}  // namespace caspian::extract
