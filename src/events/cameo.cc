#include "events/cameo.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "core/lines.h"

namespace caspian::events {

namespace {

bool is_code(std::string_view s) {
  constexpr size_t kMinDigits = 2;
  constexpr size_t kMaxDigits = 4;
  if (s.size() < kMinDigits || s.size() > kMaxDigits) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// GDELT's QuadClass of a code, from its root (GDELT Event Codebook 2.0): 01-05 verbal
// cooperation, 06-08 material cooperation, 09-13 verbal conflict, 14-20 material conflict.
int quad_class_of(std::string_view code) {
  const int root = (code[0] - '0') * 10 + (code[1] - '0');
  constexpr int kLastVerbalCooperation = 5;
  constexpr int kLastMaterialCooperation = 8;
  constexpr int kLastVerbalConflict = 13;
  if (root <= kLastVerbalCooperation) return 1;
  if (root <= kLastMaterialCooperation) return 2;
  if (root <= kLastVerbalConflict) return 3;
  return 4;
}

}  // namespace

Result<CameoTable> CameoTable::load(const std::filesystem::path& tsv) {
  std::ifstream in(tsv);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open CAMEO code table {}", tsv.string()));
  // Columns of cameo_codes.tsv.
  constexpr size_t kCode = 0;
  constexpr size_t kName = 3;
  constexpr size_t kGoldstein = 4;
  constexpr size_t kPloverEvent = 7;
  constexpr size_t kPloverMode = 8;
  constexpr size_t kMinColumns = 9;
  CameoTable table;
  std::vector<std::string> unscored;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || line.empty()) continue;  // header
    const auto f = split_tabs(line);
    const auto bad = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", tsv.string(), line_no, what));
    };
    if (f.size() < kMinColumns)
      return bad(fmt::format("{} columns, expected at least {}", f.size(), kMinColumns));
    if (!is_code(f[kCode])) return bad(fmt::format("'{}' is not a CAMEO code", f[kCode]));
    CameoCode c;
    c.code = std::string(f[kCode]);
    c.name = std::string(f[kName]);
    const std::string goldstein(f[kGoldstein]);
    if (goldstein.empty()) {
      // Codes GDELT's lookup lacks (CAMEO additions such as 155 cyber-forces) take their parent's.
      unscored.push_back(c.code);
    } else {
      char* end = nullptr;
      c.goldstein = std::strtod(goldstein.c_str(), &end);
      if (*end != '\0') return bad(fmt::format("Goldstein value '{}'", goldstein));
    }
    c.quad_class = quad_class_of(c.code);
    c.plover_type = std::string(f[kPloverEvent]);
    c.plover_mode = std::string(f[kPloverMode]);
    table.codes_.emplace(c.code, std::move(c));
  }
  if (table.codes_.empty()) return Status(ErrorCode::kParseError, fmt::format("{}: no codes", tsv.string()));
  for (const std::string& code : unscored) {
    const CameoCode* parent = table.find_nearest(std::string_view(code).substr(0, code.size() - 1));
    if (parent == nullptr) {
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: code {} has no Goldstein value", tsv.string(), code));
    }
    table.codes_[code].goldstein = parent->goldstein;
  }
  return table;
}

const CameoCode* CameoTable::find(std::string_view code) const {
  const auto it = codes_.find(std::string(code));
  return it == codes_.end() ? nullptr : &it->second;
}

const CameoCode* CameoTable::find_nearest(std::string_view code) const {
  constexpr size_t kBase = 3;
  constexpr size_t kRoot = 2;
  for (const size_t n : {code.size(), kBase, kRoot}) {
    if (n > code.size()) continue;
    if (const CameoCode* c = find(code.substr(0, n))) return c;
  }
  return nullptr;
}

}  // namespace caspian::events
