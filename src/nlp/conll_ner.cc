#include "nlp/conll_ner.h"

#include <algorithm>
#include <set>

#include "caspian/utf8.h"
#include "nlp/conllu.h"

namespace caspian::nlp {
namespace {

constexpr std::string_view kDocStart = "-DOCSTART-";

// Splits on runs of spaces (and stray tabs in space-separated formats).
std::vector<std::string_view> split_fields(std::string_view line, bool tab) {
  std::vector<std::string_view> out;
  if (tab) {
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == '\t') {
        out.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  }
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// "O", or one of B I E S L U, '-', a non-empty type without whitespace.
bool well_formed_tag(std::string_view tag) {
  if (tag == "O") return true;
  if (tag.size() < 3 || tag[1] != '-') return false;
  return std::string_view("BIESLU").find(tag[0]) != std::string_view::npos;
}

// The chunk-boundary rules of conlleval (start_of_chunk / end_of_chunk).
bool chunk_ends(char prev, std::string_view prev_type, char cur, std::string_view cur_type) {
  if (prev == 'O') return false;
  if (prev == 'E' || prev == 'L' || prev == 'S' || prev == 'U') return true;
  if (cur == 'B' || cur == 'S' || cur == 'U' || cur == 'O') return true;
  return prev_type != cur_type;
}

bool chunk_starts(char prev, std::string_view prev_type, char cur, std::string_view cur_type) {
  if (cur == 'O') return false;
  if (cur == 'B' || cur == 'S' || cur == 'U') return true;
  if (prev == 'E' || prev == 'L' || prev == 'S' || prev == 'U' || prev == 'O') return true;
  return prev_type != cur_type;
}

}  // namespace

bool parse_ner_format(std::string_view name, NerFormat& out) {
  if (name == "auto")
    out = NerFormat::kAuto;
  else if (name == "conll4")
    out = NerFormat::kConll4;
  else if (name == "conll2")
    out = NerFormat::kConll2;
  else if (name == "tab")
    out = NerFormat::kTab2;
  else
    return false;
  return true;
}

Result<std::vector<NerDocument>> parse_conll_ner(std::string_view text, std::string_view name,
                                                 NerFormat format) {
  const std::string file(name);
  if (const auto bad = utf8::find_invalid(text)) {
    const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + *bad, '\n'));
    return Status(ErrorCode::kInvalidUtf8,
                  file + ":" + std::to_string(line) + ": invalid UTF-8 at byte " + std::to_string(*bad));
  }
  std::vector<NerDocument> docs(1);
  NerSentence current;
  const auto flush = [&] {
    if (!current.words.empty()) docs.back().sentences.push_back(std::move(current));
    current = NerSentence();
  };
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) {
      flush();
      continue;
    }
    if (format == NerFormat::kAuto) {
      if (line.find('\t') != std::string_view::npos)
        format = NerFormat::kTab2;
      else
        format = split_fields(line, false).size() >= 4 ? NerFormat::kConll4 : NerFormat::kConll2;
    }
    const std::vector<std::string_view> fields = split_fields(line, format == NerFormat::kTab2);
    const auto error = [&](const std::string& why) {
      return Status(ErrorCode::kParseError, file + ":" + std::to_string(line_no) + ": " + why);
    };
    const size_t expected = format == NerFormat::kConll4 ? 4 : 2;
    const bool count_ok =
        format == NerFormat::kConll4 ? fields.size() >= expected : fields.size() == expected;
    if (!count_ok) {
      return error("expected " + std::to_string(expected) + " columns, found " +
                   std::to_string(fields.size()));
    }
    if (fields.front() == kDocStart) {
      flush();
      if (!docs.back().sentences.empty()) docs.emplace_back();
      continue;
    }
    if (fields.front().empty()) return error("empty word");
    const std::string_view tag = fields.back();
    if (!well_formed_tag(tag)) return error("malformed entity tag '" + std::string(tag) + "'");
    if (current.words.empty()) current.line = line_no;
    current.words.emplace_back(fields.front());
    current.tags.emplace_back(tag);
  }
  flush();
  if (docs.back().sentences.empty()) docs.pop_back();
  if (docs.empty()) return Status(ErrorCode::kEmptyInput, file + ": no sentences");
  return docs;
}

Result<std::vector<NerDocument>> read_conll_ner(const std::filesystem::path& path, NerFormat format) {
  auto bytes = read_conllu_bytes(path);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() > kMaxNerFileBytes) return Status(ErrorCode::kTooLarge, path.string() + ": too large");
  return parse_conll_ner(*bytes, path.string(), format);
}

std::vector<NerChunk> chunks_of(const std::vector<std::string>& tags) {
  std::vector<NerChunk> out;
  char prev = 'O';
  std::string_view prev_type;
  bool open = false;
  for (size_t i = 0; i <= tags.size(); ++i) {
    char cur = 'O';
    std::string_view cur_type;
    if (i < tags.size() && well_formed_tag(tags[i]) && tags[i] != "O") {
      cur = tags[i][0];
      cur_type = std::string_view(tags[i]).substr(2);
    }
    if (open && chunk_ends(prev, prev_type, cur, cur_type)) {
      out.back().end = static_cast<uint32_t>(i);
      open = false;
    }
    if (chunk_starts(prev, prev_type, cur, cur_type)) {
      out.push_back(NerChunk{static_cast<uint32_t>(i), static_cast<uint32_t>(i + 1), std::string(cur_type)});
      open = true;
    }
    prev = cur;
    prev_type = cur_type;
  }
  return out;
}

void map_ner_types(std::vector<NerDocument>& docs, const std::map<std::string, std::string>& mapping,
                   bool keep_unmapped) {
  for (NerDocument& d : docs) {
    for (NerSentence& s : d.sentences) {
      for (std::string& tag : s.tags) {
        if (tag == "O" || tag.size() < 3) continue;
        const auto it = mapping.find(tag.substr(2));
        if (it == mapping.end()) {
          if (!keep_unmapped) tag = "O";
        } else if (it->second.empty()) {
          tag = "O";
        } else {
          tag = tag.substr(0, 2) + it->second;
        }
      }
    }
  }
}

std::vector<std::string> ner_types(const std::vector<NerDocument>& docs) {
  std::set<std::string> types;
  for (const NerDocument& d : docs) {
    for (const NerSentence& s : d.sentences) {
      for (const std::string& tag : s.tags) {
        if (tag != "O" && tag.size() >= 3) types.insert(tag.substr(2));
      }
    }
  }
  return {types.begin(), types.end()};
}

}  // namespace caspian::nlp
