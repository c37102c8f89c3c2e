#include "eval/timeml_eval.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#include "caspian/utf8.h"
#include "nlp/timex.h"

namespace caspian::nlp {

namespace {

constexpr size_t kMaxEntityLength = 10;  // "&#x10FFFF;"
constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kSurrogateFirst = 0xD800;
constexpr char32_t kSurrogateLast = 0xDFFF;

struct Tag {
  std::string_view name;
  std::string_view attrs;
  bool closing = false;
  bool self_closing = false;
};

// The value of attribute `name` in `attrs` (name="v" or name='v'), or "".
std::string_view attribute(std::string_view attrs, std::string_view name) {
  size_t pos = 0;
  while (pos < attrs.size()) {
    const size_t at = attrs.find(name, pos);
    if (at == std::string_view::npos) return {};
    const bool starts_word = at == 0 || attrs[at - 1] == ' ' || attrs[at - 1] == '\t' ||
                             attrs[at - 1] == '\n' || attrs[at - 1] == '\r';
    size_t k = at + name.size();
    while (k < attrs.size() && (attrs[k] == ' ' || attrs[k] == '\t')) ++k;
    if (starts_word && k < attrs.size() && attrs[k] == '=') {
      ++k;
      while (k < attrs.size() && (attrs[k] == ' ' || attrs[k] == '\t')) ++k;
      if (k < attrs.size() && (attrs[k] == '"' || attrs[k] == '\'')) {
        const char quote = attrs[k];
        const size_t end = attrs.find(quote, k + 1);
        if (end == std::string_view::npos) return {};
        return attrs.substr(k + 1, end - k - 1);
      }
    }
    pos = at + name.size();
  }
  return {};
}

Tag parse_tag(std::string_view inner) {
  Tag t;
  if (!inner.empty() && inner.front() == '/') {
    t.closing = true;
    inner.remove_prefix(1);
  }
  if (!inner.empty() && inner.back() == '/') {
    t.self_closing = true;
    inner.remove_suffix(1);
  }
  size_t n = 0;
  while (n < inner.size() && inner[n] != ' ' && inner[n] != '\t' && inner[n] != '\n' && inner[n] != '\r') ++n;
  t.name = inner.substr(0, n);
  t.attrs = inner.substr(n);
  return t;
}

// Appends the text `s` with XML entities decoded; unknown ones stay as written.
void append_decoded(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(s.substr(i));
      return;
    }
    out.append(s.substr(i, amp - i));
    const size_t semi = s.find(';', amp);
    if (semi == std::string_view::npos || semi - amp > kMaxEntityLength) {
      out += '&';
      i = amp + 1;
      continue;
    }
    const std::string_view name = s.substr(amp + 1, semi - amp - 1);
    bool done = true;
    if (name == "amp") {
      out += '&';
    } else if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "quot") {
      out += '"';
    } else if (name == "apos") {
      out += '\'';
    } else if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      uint32_t cp = 0;
      bool ok = name.size() > (hex ? 2u : 1u);
      for (size_t k = hex ? 2 : 1; k < name.size() && ok; ++k) {
        const char c = name[k];
        uint32_t d = 0;
        if (c >= '0' && c <= '9') {
          d = static_cast<uint32_t>(c - '0');
        } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
          d = static_cast<uint32_t>((c | 0x20) - 'a' + 10);
        } else {
          ok = false;
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > kMaxCodePoint) ok = false;
      }
      if (ok && cp != 0 && !(cp >= kSurrogateFirst && cp <= kSurrogateLast)) {
        utf8::append(out, static_cast<char32_t>(cp));
      } else {
        done = false;
      }
    } else {
      done = false;
    }
    if (!done) out.append(s.substr(amp, semi - amp + 1));
    i = semi + 1;
  }
}

std::optional<std::chrono::year_month_day> parse_dct(std::string_view v) {
  constexpr size_t kDateLength = 10;  // YYYY-MM-DD
  if (v.size() < kDateLength || v[4] != '-' || v[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n, int& out) {
    out = 0;
    for (size_t k = from; k < from + n; ++k) {
      if (v[k] < '0' || v[k] > '9') return false;
      out = out * 10 + (v[k] - '0');
    }
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// TIMEX3 type of a prediction.
std::string predicted_type(const TimeExpression& t) {
  switch (t.type) {
    case TimeType::kDuration:
      return "DURATION";
    case TimeType::kSet:
      return "SET";
    case TimeType::kDate:
      break;
  }
  // A time of day after a calendar date: "2025-08-19T10:00", "XXXX-XX-XXTMO"
  // (not "PRESENT_REF").
  constexpr size_t kDatePartLength = 10;  // YYYY-MM-DD
  const std::string& v = t.value;
  const bool calendar = !v.empty() && ((v[0] >= '0' && v[0] <= '9') || v[0] == 'X');
  return calendar && v.size() > kDatePartLength && v[kDatePartLength] == 'T' ? "TIME" : "DATE";
}

bool overlaps(Span a, Span b) {
  return a.begin < b.end && b.begin < a.end;
}

Status read_file(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, "cannot open " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIoError, "cannot read " + p.string());
  out = std::move(ss).str();
  return Status::Ok();
}

double ratio(size_t num, size_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}
double f1(double p, double r) {
  return p + r == 0.0 ? 0.0 : 2 * p * r / (p + r);
}

std::string_view kind_name(TimexMismatch::Kind k) {
  switch (k) {
    case TimexMismatch::Kind::kMissed:
      return "missed";
    case TimexMismatch::Kind::kSpurious:
      return "spurious";
    case TimexMismatch::Kind::kWrongValue:
      return "value";
    case TimexMismatch::Kind::kWrongType:
      return "type";
  }
  return "?";
}

}  // namespace

Result<TimemlDocument> parse_timeml(std::string_view xml) {
  TimemlDocument doc;
  bool in_text = false;
  bool saw_text = false;
  std::vector<std::pair<uint32_t, GoldTimex>> open;  // TIMEX3 elements not yet closed
  size_t i = 0;
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    const size_t text_end = lt == std::string_view::npos ? xml.size() : lt;
    if (in_text && text_end > i) append_decoded(doc.text, xml.substr(i, text_end - i));
    if (lt == std::string_view::npos) break;
    if (xml.compare(lt, 4, "<!--") == 0) {
      const size_t end = xml.find("-->", lt + 4);
      if (end == std::string_view::npos) return Status(ErrorCode::kParseError, "unterminated comment");
      i = end + 3;
      continue;
    }
    if (xml.compare(lt, 9, "<![CDATA[") == 0) {
      const size_t end = xml.find("]]>", lt + 9);
      if (end == std::string_view::npos) return Status(ErrorCode::kParseError, "unterminated CDATA section");
      if (in_text) doc.text.append(xml.substr(lt + 9, end - lt - 9));
      i = end + 3;
      continue;
    }
    const size_t gt = xml.find('>', lt + 1);
    if (gt == std::string_view::npos) return Status(ErrorCode::kParseError, "unterminated tag");
    i = gt + 1;
    const std::string_view inner = xml.substr(lt + 1, gt - lt - 1);
    if (inner.empty() || inner[0] == '?' || inner[0] == '!') continue;
    const Tag tag = parse_tag(inner);
    if (tag.name == "TEXT") {
      if (tag.closing) {
        in_text = false;
      } else if (!tag.self_closing) {
        in_text = true;
        saw_text = true;
      }
      continue;
    }
    if (tag.name != "TIMEX3") continue;
    if (!tag.closing) {
      if (attribute(tag.attrs, "functionInDocument") == "CREATION_TIME" && !doc.dct) {
        doc.dct = parse_dct(attribute(tag.attrs, "value"));
      }
      if (in_text && !tag.self_closing) {
        GoldTimex g;
        g.type = std::string(attribute(tag.attrs, "type"));
        g.value = std::string(attribute(tag.attrs, "value"));
        g.mod = std::string(attribute(tag.attrs, "mod"));
        open.emplace_back(static_cast<uint32_t>(doc.text.size()), std::move(g));
      }
    } else if (in_text && !open.empty()) {
      GoldTimex g = std::move(open.back().second);
      g.span = Span{open.back().first, static_cast<uint32_t>(doc.text.size())};
      open.pop_back();
      if (g.span.size() > 0) doc.timexes.push_back(std::move(g));
    }
  }
  if (!saw_text) return Status(ErrorCode::kParseError, "no TEXT element");
  if (!open.empty()) return Status(ErrorCode::kParseError, "unclosed TIMEX3 element");
  std::sort(doc.timexes.begin(), doc.timexes.end(),
            [](const GoldTimex& a, const GoldTimex& b) { return a.span.begin < b.span.begin; });
  return doc;
}

void score_document(const TimemlDocument& doc, std::string_view file_name, const TimexEvalOptions& options,
                    TimexEvalReport& report) {
  const std::vector<TimeExpression> pred = find_time_expressions(doc.text, doc.dct);
  const std::vector<GoldTimex>& gold = doc.timexes;
  report.files += 1;
  report.gold += gold.size();
  report.predicted += pred.size();
  auto slice = [&](Span s) { return std::string(std::string_view(doc.text).substr(s.begin, s.size())); };
  auto keep = [&](TimexMismatch m) {
    if (report.mismatches.size() >= options.max_mismatches) return;
    m.file = std::string(file_name);
    report.mismatches.push_back(std::move(m));
  };
  // One-to-one matching: each gold takes the first unused overlapping
  // prediction, preferring one with the identical span.
  std::vector<bool> used(pred.size(), false);
  size_t start = 0;
  for (const GoldTimex& g : gold) {
    while (start < pred.size() && pred[start].span.end <= g.span.begin) ++start;
    std::optional<size_t> match;
    for (size_t k = start; k < pred.size() && pred[k].span.begin < g.span.end; ++k) {
      if (used[k] || !overlaps(pred[k].span, g.span)) continue;
      if (pred[k].span == g.span) {
        match = k;
        break;
      }
      if (!match) match = k;
    }
    if (!match) {
      keep({.kind = TimexMismatch::Kind::kMissed,
            .gold_text = slice(g.span),
            .gold_value = g.value,
            .gold_type = g.type});
      continue;
    }
    used[*match] = true;
    const TimeExpression& p = pred[*match];
    report.relaxed_matches += 1;
    if (p.span == g.span) report.strict_matches += 1;
    const std::string ptype = predicted_type(p);
    if (p.value == g.value) {
      report.value_correct += 1;
    } else {
      keep({.kind = TimexMismatch::Kind::kWrongValue,
            .gold_text = slice(g.span),
            .predicted_text = slice(p.span),
            .gold_value = g.value,
            .predicted_value = p.value,
            .gold_type = g.type,
            .predicted_type = ptype});
    }
    if (ptype == g.type) {
      report.type_correct += 1;
    } else {
      keep({.kind = TimexMismatch::Kind::kWrongType,
            .gold_text = slice(g.span),
            .predicted_text = slice(p.span),
            .gold_value = g.value,
            .predicted_value = p.value,
            .gold_type = g.type,
            .predicted_type = ptype});
    }
  }
  for (size_t k = 0; k < pred.size(); ++k) {
    if (used[k]) continue;
    keep({.kind = TimexMismatch::Kind::kSpurious,
          .predicted_text = slice(pred[k].span),
          .predicted_value = pred[k].value,
          .predicted_type = predicted_type(pred[k])});
  }
}

Result<TimexEvalReport> evaluate_timeml(const std::vector<std::filesystem::path>& files_or_dirs,
                                        const TimexEvalOptions& options) {
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::path& p : files_or_dirs) {
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    if (ec || !std::filesystem::exists(st)) {
      return Status(ErrorCode::kNotFound, "no such file: " + p.string());
    }
    if (std::filesystem::is_directory(st)) {
      std::vector<std::filesystem::path> found;
      std::filesystem::recursive_directory_iterator it(p, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".tml") found.push_back(it->path());
      }
      if (ec) return Status(ErrorCode::kIoError, "cannot list " + p.string() + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) return Status(ErrorCode::kEmptyInput, "no .tml files found");
  TimexEvalReport report;
  std::string xml;
  for (const std::filesystem::path& f : files) {
    CASPIAN_RETURN_IF_ERROR(read_file(f, xml));
    Result<TimemlDocument> doc = parse_timeml(xml);
    if (!doc.ok()) return Status(ErrorCode::kParseError, f.string() + ": " + doc.status().message());
    score_document(*doc, f.filename().string(), options, report);
  }
  return report;
}

double TimexEvalReport::strict_precision() const {
  return ratio(strict_matches, predicted);
}
double TimexEvalReport::strict_recall() const {
  return ratio(strict_matches, gold);
}
double TimexEvalReport::strict_f1() const {
  return f1(strict_precision(), strict_recall());
}
double TimexEvalReport::relaxed_precision() const {
  return ratio(relaxed_matches, predicted);
}
double TimexEvalReport::relaxed_recall() const {
  return ratio(relaxed_matches, gold);
}
double TimexEvalReport::relaxed_f1() const {
  return f1(relaxed_precision(), relaxed_recall());
}
double TimexEvalReport::value_accuracy() const {
  return ratio(value_correct, relaxed_matches);
}
double TimexEvalReport::type_accuracy() const {
  return ratio(type_correct, relaxed_matches);
}
double TimexEvalReport::value_f1() const {
  return f1(ratio(value_correct, predicted), ratio(value_correct, gold));
}
double TimexEvalReport::type_f1() const {
  return f1(ratio(type_correct, predicted), ratio(type_correct, gold));
}

std::string format_report(const TimexEvalReport& r) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "files %zu  gold %zu  predicted %zu\n", r.files, r.gold, r.predicted);
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9s %9s %9s\n", "span", "precision", "recall", "F1");
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9.4f %9.4f %9.4f\n", "strict", r.strict_precision(),
                r.strict_recall(), r.strict_f1());
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9.4f %9.4f %9.4f\n", "relaxed", r.relaxed_precision(),
                r.relaxed_recall(), r.relaxed_f1());
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9s %9s\n", "attribute", "accuracy", "F1");
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9.4f %9.4f\n", "value", r.value_accuracy(), r.value_f1());
  out += line;
  std::snprintf(line, sizeof line, "%-10s %9.4f %9.4f\n", "type", r.type_accuracy(), r.type_f1());
  out += line;
  for (const TimexMismatch& m : r.mismatches) {
    out += kind_name(m.kind);
    out += '\t';
    out += m.file;
    out += "\tgold [" + m.gold_text + "] " + m.gold_type + " " + m.gold_value;
    out += "\tpredicted [" + m.predicted_text + "] " + m.predicted_type + " " + m.predicted_value + "\n";
  }
  return out;
}

}  // namespace caspian::nlp
