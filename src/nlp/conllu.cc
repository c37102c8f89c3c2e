#include "nlp/conllu.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <system_error>
#include <utility>

#include "caspian/utf8.h"

namespace caspian::nlp {
namespace {

constexpr size_t kColumns = 10;
enum Column : size_t { kId, kForm, kLemma, kUpos, kXpos, kFeats, kHead, kDeprel, kDeps, kMisc };
constexpr size_t kReadChunkBytes = size_t{1} << 16;
constexpr std::string_view kTextComment = "# text = ";
constexpr std::string_view kSentIdComment = "# sent_id = ";

// Splits a line at tabs into exactly kColumns fields; false if the count differs.
bool split_columns(std::string_view line, std::string_view (&fields)[kColumns]) {
  size_t n = 0;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    if (n == kColumns) return false;
    fields[n++] = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return n == kColumns;
}

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

bool has_space_after_no(std::string_view misc) {
  size_t start = 0;
  for (;;) {
    const size_t bar = misc.find('|', start);
    if (misc.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start) ==
        "SpaceAfter=No") {
      return true;
    }
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

Status parse_error(size_t line_no, std::string_view what) {
  return Status(ErrorCode::kParseError, "line " + std::to_string(line_no) + ": " + std::string(what));
}

// The sentence being read, with what is needed to validate it when it ends.
struct OpenSentence {
  ConlluSentence sentence;
  std::vector<size_t> word_lines;  // line number of each word, for HEAD errors
  size_t open_range_last = 0;      // 1-based last word id of an announced multiword token, 0 if none
};

Status close_sentence(OpenSentence& open, std::vector<ConlluSentence>& out) {
  ConlluSentence& s = open.sentence;
  // Comments before a blank line with no words (e.g. a lone `# newdoc`) carry over.
  const bool carry_new_doc = s.words.empty() && s.new_doc;
  const bool carry_new_par = s.words.empty() && s.new_par;
  if (!s.words.empty()) {
    const auto n = static_cast<int32_t>(s.words.size());
    for (size_t i = 0; i < s.words.size(); ++i) {
      if (s.words[i].head > n) {
        return parse_error(open.word_lines[i], "HEAD " + std::to_string(s.words[i].head) +
                                                   " is beyond the sentence's " + std::to_string(n) +
                                                   " words");
      }
    }
    if (!s.multiwords.empty() && s.multiwords.back().last >= s.words.size()) {
      return parse_error(
          s.line, "multiword token '" + s.multiwords.back().form + "' extends past the end of its sentence");
    }
    out.push_back(std::move(s));
  }
  open = OpenSentence{};
  open.sentence.new_doc = carry_new_doc;
  open.sentence.new_par = carry_new_par;
  return Status::Ok();
}

size_t line_of_offset(std::string_view text, size_t offset) {
  return 1 +
         static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

}  // namespace

Result<std::vector<ConlluSentence>> parse_conllu(std::string_view conllu) {
  if (const auto bad = utf8::find_invalid(conllu)) {
    return Status(ErrorCode::kInvalidUtf8, "invalid UTF-8 at byte " + std::to_string(*bad) + " (line " +
                                               std::to_string(line_of_offset(conllu, *bad)) + ")");
  }
  std::vector<ConlluSentence> sentences;
  OpenSentence open;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < conllu.size()) {
    size_t eol = conllu.find('\n', pos);
    if (eol == std::string_view::npos) eol = conllu.size();
    std::string_view line = conllu.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      CASPIAN_RETURN_IF_ERROR(close_sentence(open, sentences));
      continue;
    }
    ConlluSentence& s = open.sentence;
    if (line.front() == '#') {
      if (line.starts_with("# newdoc")) s.new_doc = true;
      if (line.starts_with("# newpar")) s.new_par = true;
      if (line.starts_with(kTextComment)) {
        s.text = std::string(line.substr(kTextComment.size()));
        s.has_text = true;
      }
      if (line.starts_with(kSentIdComment)) s.sent_id = std::string(line.substr(kSentIdComment.size()));
      continue;
    }
    std::string_view f[kColumns];
    if (!split_columns(line, f)) return parse_error(line_no, "expected 10 tab-separated columns");
    const std::string_view id = f[kId];
    if (id.find('.') != std::string_view::npos) continue;  // empty node: no surface form, no basic head
    if (const size_t dash = id.find('-'); dash != std::string_view::npos) {
      uint32_t first = 0;
      uint32_t last = 0;
      if (!parse_int(id.substr(0, dash), first) || !parse_int(id.substr(dash + 1), last) || first == 0 ||
          last < first || first != s.words.size() + 1 || open.open_range_last != 0) {
        return parse_error(line_no, "bad multiword token id '" + std::string(id) + "'");
      }
      s.multiwords.push_back(
          ConlluMultiword{first - 1, last - 1, std::string(f[kForm]), !has_space_after_no(f[kMisc])});
      open.open_range_last = last;
      continue;
    }
    uint32_t word_id = 0;
    if (!parse_int(id, word_id)) return parse_error(line_no, "bad word id '" + std::string(id) + "'");
    if (word_id != s.words.size() + 1) {
      return parse_error(line_no, "word id " + std::to_string(word_id) + " out of sequence (expected " +
                                      std::to_string(s.words.size() + 1) + ")");
    }
    if (word_id >= open.open_range_last) open.open_range_last = 0;
    ConlluWord w;
    w.form = std::string(f[kForm]);
    w.lemma = std::string(f[kLemma]);
    w.upos = std::string(f[kUpos]);
    w.xpos = std::string(f[kXpos]);
    w.feats = std::string(f[kFeats]);
    if (f[kHead] != "_" && (!parse_int(f[kHead], w.head) || w.head < 0)) {
      return parse_error(line_no, "bad HEAD '" + std::string(f[kHead]) + "'");
    }
    w.deprel = std::string(f[kDeprel]);
    w.misc = std::string(f[kMisc]);
    w.space_after = !has_space_after_no(f[kMisc]);
    if (s.words.empty()) s.line = line_no;
    s.words.push_back(std::move(w));
    open.word_lines.push_back(line_no);
  }
  CASPIAN_RETURN_IF_ERROR(close_sentence(open, sentences));
  return sentences;
}

Result<std::string> read_conllu_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status(ErrorCode::kNotFound, "no such file: " + path.string());
  // gzopen/gzread read plain files unchanged, so one code path serves .conllu and .conllu.gz.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (file == nullptr) return Status(ErrorCode::kIoError, "cannot open " + path.string());
  std::string out;
  std::vector<char> buf(kReadChunkBytes);
  for (;;) {
    const int n = gzread(file.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = Z_OK;
      return Status(ErrorCode::kIoError, path.string() + ": " + gzerror(file.get(), &err));
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
    if (out.size() > kMaxConlluBytes) {
      return Status(ErrorCode::kTooLarge, path.string() + " decompresses to more than " +
                                              std::to_string(kMaxConlluBytes) + " bytes");
    }
  }
  // A truncated gzip stream ends "successfully" with a short read; zlib records why.
  int err = Z_OK;
  const char* message = gzerror(file.get(), &err);
  if (err != Z_OK && err != Z_STREAM_END) {
    return Status(ErrorCode::kIoError, path.string() + ": " + (message != nullptr ? message : "read error"));
  }
  return out;
}

Result<std::vector<ConlluSentence>> read_conllu(const std::filesystem::path& conllu_or_gz) {
  auto bytes = read_conllu_bytes(conllu_or_gz);
  if (!bytes.ok()) return bytes.status();
  auto sentences = parse_conllu(bytes.value());
  if (!sentences.ok()) {
    return Status(sentences.status().code(), conllu_or_gz.string() + ": " + sentences.status().message());
  }
  if (sentences->empty()) return Status(ErrorCode::kEmptyInput, conllu_or_gz.string() + ": no sentences");
  return sentences;
}

}  // namespace caspian::nlp
