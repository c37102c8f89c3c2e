// Reading line-oriented text (dictionaries, taxonomies, TSV and JSONL files): shared by their
// readers in every stage.
//
// Thread safety: free functions without state.
#pragma once

#include <string_view>
#include <vector>

#include "caspian/result.h"

namespace caspian {

// Calls f(line_number, line) for each line of `text` (1-based, without the "\n"); stops at the
// first non-ok Status f returns and returns it.
template <class F>
Status for_each_line(std::string_view text, F&& f) {
  size_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    if (Status s = f(line_no, text.substr(start, end - start)); !s.ok()) return s;
    start = end + 1;
  }
  return Status();
}

// The tab-separated fields of `line`: one field (empty) for an empty line.
inline std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace caspian
