// Tokenisation and sentence splitting (see tokenizer.h for the contract).
//
// Why hand-written rules for most text and ICU only for scripts written without spaces:
// ICU's word BreakIterator implements UAX #29, which is the right tool where words are not
// delimited by spaces (it carries dictionaries for Chinese, Japanese, Thai, Lao, Khmer and
// Burmese). For space-delimited scripts it is the wrong tool for this pipeline: it splits "U.S."
// into "U.S" + ".", cannot tell an abbreviation's period from a full stop, has no notion of
// Penn/UD clitics ("don't" -> "do" "n't"), URLs or e-mail addresses, and costs a virtual call and a
// rule-table walk per code point on the common, ASCII-heavy case. So: a single linear byte scanner
// with an ASCII fast path for the common case, Unicode properties from utf8proc (general category,
// grapheme boundaries) and ICU (script, Sentence_Terminal), and ICU's iterator over the runs of
// Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar letters only.
//
// The work happens in two linear passes: TokenScanner (tokenizer_scanner.cc) cuts the text into
// tokens; SentenceSplitter (sentence_splitter.cc) then decides, between each pair of consecutive
// tokens, whether a sentence ends there. Character classes and shared helpers are in
// tokenizer_chars.cc (tokenizer_internal.h), the abbreviation list in abbreviations.cc.
#include "nlp/tokenizer.h"

#include <string_view>
#include <vector>

#include "nlp/tokenizer_internal.h"

namespace caspian::nlp {

void tokenize(std::string_view text, std::vector<Token>& tokens, std::vector<Sentence>& sentences) {
  if (text.size() > kMaxTokenizerInputBytes) text = text.substr(0, kMaxTokenizerInputBytes);
  const size_t first = tokens.size();
  constexpr size_t kBytesPerTokenGuess = 5;
  tokens.reserve(first + text.size() / kBytesPerTokenGuess);
  tokenizer_impl::scan_tokens(text, tokens);
  tokenizer_impl::split_sentences(text, tokens, first, sentences);
}

}  // namespace caspian::nlp
