#include "ingest/text_checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "caspian/utf8.h"

namespace caspian::ingest {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t line_of(std::string_view bytes, size_t offset) {
  return 1 + static_cast<uint64_t>(
                 std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}
}  // namespace

Status check_text(std::string_view bytes) {
  if (auto nul = bytes.find('\0'); nul != std::string_view::npos) {
    return Status(ErrorCode::kBinaryInput,
                  fmt::format("binary data (NUL byte at byte {}, line {})", nul, line_of(bytes, nul)));
  }
  if (auto bad = utf8::find_invalid(bytes)) {
    return Status(ErrorCode::kInvalidUtf8,
                  fmt::format("invalid UTF-8 at byte {} (line {})", *bad, line_of(bytes, *bad)));
  }
  return Status::Ok();
}

bool is_blank(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), is_space);
}

std::string_view strip_bom(std::string_view s) noexcept {
  if (s.substr(0, kBom.size()) == kBom) s.remove_prefix(kBom.size());
  return s;
}

std::string normalize_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace caspian::ingest
