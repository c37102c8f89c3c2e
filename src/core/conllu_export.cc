#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "caspian/conllu.h"

namespace caspian {
namespace {

// A CoNLL-U field: "_" when empty; tabs and line breaks (field and line separators) become spaces.
std::string field(std::string_view value) {
  if (value.empty()) return "_";
  std::string out(value);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

std::string to_conllu(const Document& doc) {
  std::string out = fmt::format("# newdoc id = {}\n", field(doc.id));
  for (size_t s = 0; s < doc.sentences.size(); ++s) {
    const Sentence& sentence = doc.sentences[s];
    if (static_cast<uint64_t>(sentence.first_token) + sentence.token_count > doc.tokens.size()) break;
    out += fmt::format("# sent_id = {}\n# text = {}\n", s + 1, field(doc.slice(sentence.span)));
    for (uint32_t k = 0; k < sentence.token_count; ++k) {
      const Token& t = doc.tokens[sentence.first_token + k];
      const bool parsed = !t.deprel.empty();
      std::string misc = fmt::format("TokenRange={}:{}", t.span.begin, t.span.end);
      if (!t.space_after) misc = "SpaceAfter=No|" + misc;
      out +=
          fmt::format("{}\t{}\t_\t{}\t{}\t_\t{}\t{}\t_\t{}\n", k + 1, field(doc.slice(t.span)), field(to_string(t.upos)),
                      field(t.xpos), parsed ? std::to_string(t.head) : "_", field(t.deprel), misc);
    }
    out += '\n';
  }
  return out;
}

}  // namespace caspian
