// Reading the line-oriented text files of the event coder (PETRARCH dictionaries, the code
// ontology, validation records): shared by their readers.
//
// Thread safety: free functions without state.
#pragma once

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "caspian/result.h"
#include "core/lines.h"  // for_each_line, shared with the other line-oriented readers

namespace caspian::events {

// `s` without leading and trailing spaces, tabs and carriage returns.
inline std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The whole file; kNotFound naming `what` and the path when it cannot be opened.
inline Result<std::string> read_text_file(const std::filesystem::path& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {} {}", what, path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace caspian::events
