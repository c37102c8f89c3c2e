#include "events/ontology.h"

#include <fmt/format.h>

#include <charconv>

#include "events/dictionary_text.h"

namespace caspian::events {

namespace {

// Evaluates "0x3000+0x70-0xFFFF".
std::optional<int64_t> evaluate(std::string_view expr) {
  int64_t total = 0;
  size_t pos = 0;
  int sign = 1;
  if (!expr.empty() && (expr[0] == '-' || expr[0] == '+')) {
    sign = expr[0] == '-' ? -1 : 1;
    pos = 1;
  }
  while (pos < expr.size()) {
    size_t end = expr.find_first_of("+-", pos);
    if (end == std::string_view::npos) end = expr.size();
    std::string_view term = trim(expr.substr(pos, end - pos));
    if (term.starts_with("0x") || term.starts_with("0X")) term.remove_prefix(2);
    int64_t v = 0;
    constexpr int kHex = 16;
    const auto [p, ec] = std::from_chars(term.data(), term.data() + term.size(), v, kHex);
    if (term.empty() || ec != std::errc() || p != term.data() + term.size()) return std::nullopt;
    total += sign * v;
    if (end == expr.size()) break;
    sign = expr[end] == '-' ? -1 : 1;
    pos = end + 1;
  }
  return total;
}

// The feature that marks a "say" code and a plain code in PICO's top digit.
constexpr int64_t kSay = 0x1000;
// Negation subtracts this (the "not" of every feature).
constexpr int64_t kNegation = 0xFFFF;

}  // namespace

Result<CodeOntology> CodeOntology::load(const std::filesystem::path& path) {
  auto text = read_text_file(path, "code ontology");
  if (!text.ok()) return text.status();
  return parse(*text, path.string());
}

Result<CodeOntology> CodeOntology::parse(std::string_view text, std::string_view origin) {
  CodeOntology o;
  const Status read = for_each_line(text, [&](size_t line_no, std::string_view line) -> Status {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) return Status();
    const auto colon = line.find(':');
    const auto bad = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", origin, line_no, what));
    };
    if (colon == std::string_view::npos) return bad("expected CODE:VALUE");
    const std::string code(trim(line.substr(0, colon)));
    const auto v = evaluate(trim(line.substr(colon + 1)));
    if (!v) return bad(fmt::format("malformed value '{}'", trim(line.substr(colon + 1))));
    if (code == "---") return Status();
    o.values_[code] = *v;
    // Several codes may share a value ("08" and "080"): the three-digit base code wins, then the
    // four-digit one, then the root.
    const auto rank = [](const std::string& c) {
      constexpr size_t kBase = 3;
      constexpr size_t kSub = 4;
      return c.size() == kBase ? 0 : c.size() == kSub ? 1 : 2;
    };
    const auto it = o.codes_.find(*v);
    if (it == o.codes_.end() || rank(code) < rank(it->second)) o.codes_[*v] = code;
    return Status();
  });
  if (!read.ok()) return read;
  if (o.values_.empty()) return Status(ErrorCode::kParseError, fmt::format("{}: no codes", origin));
  // PETRARCH adds one composition the file lacks: intend (0x3000) + fight (0xA0) is 138, threaten
  // to use military force.
  constexpr int64_t kIntendToFight = 0x30A0;
  o.codes_.emplace(kIntendToFight, "138");
  return o;
}

std::optional<int64_t> CodeOntology::value(std::string_view code) const {
  const auto it = values_.find(std::string(code));
  if (it != values_.end()) return it->second;
  // As PETRARCH: an unknown code stands for its root's general code ("0873" -> "080").
  constexpr size_t kRoot = 2;
  if (code.size() < kRoot) return std::nullopt;
  const auto root = values_.find(std::string(code.substr(0, kRoot)) + "0");
  if (root == values_.end()) return std::nullopt;
  return root->second;
}

std::optional<std::string> CodeOntology::code_of(int64_t v) const {
  const auto it = codes_.find(v);
  if (it == codes_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CodeOntology::combine(std::string_view upper, std::string_view lower) const {
  const auto p = value(upper);
  const auto q = value(lower);
  if (!p || !q) return std::nullopt;
  int64_t r = 0;
  if (*q <= 0) {
    r = *p + *q;
  } else if (*p > kSay && *q > kSay) {
    r = *q;
  } else if (*q >= *p || *p == kSay) {
    r = *q;
  } else if (*q == kSay) {
    r = *p;
  } else {
    r = *p + *q;
  }
  return code_of(r);
}

bool CodeOntology::is_frame(std::string_view code) const {
  constexpr int64_t kContent = 0xFFF;  // the digits below the frame's
  const auto it = values_.find(std::string(code));
  return it != values_.end() && it->second > 0 && (it->second & kContent) == 0;
}

std::optional<std::string> CodeOntology::negate(std::string_view code) const {
  const auto v = value(code);
  if (!v) return std::nullopt;
  return code_of(*v - kNegation);
}

}  // namespace caspian::events
