// Sentence splitting and tokenisation with byte offsets (the "tokenize" stage).
//
// Rules, in short (tokenizer.cc documents each one where it is implemented):
//  * Tokens never contain whitespace (Unicode White_Space, plus U+200B ZERO WIDTH SPACE, U+180E and
//    U+FEFF, which act as invisible separators). Every other byte of the input lies in exactly one
//    token: tokens tile each whitespace-delimited chunk.
//  * Words are runs of letters, marks and digits, joined across an inner hyphen ("Kassym-Jomart"),
//    apostrophe ("O'Neill"), period ("U.S", "3.5", "example.com") and, between digits, comma, colon
//    and slash ("1,000", "10:30", "08/16/2000"). English clitics are split off the Penn/UD way:
//    "Kazakhstan’s" -> "Kazakhstan" "’s", "don't" -> "do" "n't", "cannot" -> "can" "not".
//  * A period stays on a known abbreviation ("Dr.", "Inc.", "e.g."), an initial ("W.") and a dotted
//    acronym ("U.S."); otherwise it is its own token. "..." and "?!" are one token each.
//  * URLs and e-mail addresses are single tokens (kUrl, kEmail); emoji sequences (ZWJ sequences,
//    flags, skin tones) are one kSymbol token each; an invalid UTF-8 byte is a one-byte kSymbol.
//  * Runs of Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar letters, which are written
//    without spaces, are segmented with ICU's dictionary-based word BreakIterator.
//  * A sentence ends at a terminator (. ! ? … 。 ！ ？ ؟ and the other Unicode Sentence_Terminal
//    characters) together with any closing quotes and brackets after it, unless what follows shows
//    that it does not (a lower-case word, a comma, a non-final abbreviation such as "Dr.");
//    at a blank line; and at a single line break unless the next line continues the sentence
//    (it starts with a lower-case letter, or the line ends with a comma, semicolon, hyphen or an
//    opening bracket or quote).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "caspian/document.h"

namespace caspian::nlp {

// The largest text tokenize() handles: spans are 32-bit byte offsets.
inline constexpr size_t kMaxTokenizerInputBytes = std::numeric_limits<uint32_t>::max();

// Tokenises `text` and splits it into sentences, appending to `tokens` and `sentences`.
//
// Requires: nothing; any bytes are accepted. Invalid UTF-8 bytes become one-byte kSymbol tokens.
//   Only the first kMaxTokenizerInputBytes bytes of a longer text are processed.
// Guarantees: every appended span is a half-open byte range into `text`; appended tokens are in
//   text order, non-empty, non-overlapping and contain no whitespace; together they cover every
//   non-whitespace byte. Each appended sentence indexes a non-empty run of the appended tokens
//   (Sentence::first_token counts from the start of `tokens`, including what was there before);
//   the sentences partition those tokens in order, and each sentence span runs from the start of
//   its first token to the end of its last. Token::space_after is true when whitespace follows.
//   Runs in time linear in text.size().
// Thread safety: safe to call concurrently; each thread lazily creates its own ICU word iterator.
void tokenize(std::string_view text, std::vector<Token>& tokens, std::vector<Sentence>& sentences);

}  // namespace caspian::nlp
