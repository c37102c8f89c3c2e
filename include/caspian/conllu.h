// CoNLL-U export of an analysed document (https://universaldependencies.org/format.html).
#pragma once

#include <string>

#include "caspian/document.h"

namespace caspian {

// Writes `doc` as CoNLL-U: a "# newdoc id" line, then per sentence "# sent_id", "# text" and one
// line per token with ID, FORM, LEMMA (_), UPOS, XPOS, FEATS (_), HEAD, DEPREL, DEPS (_) and MISC
// (SpaceAfter=No where no space follows, and TokenRange=begin:end, the byte offsets into doc.text).
// Columns a stage has not filled are "_" (HEAD and DEPREL until the "parse" stage ran). Tokens
// outside every sentence are not written. Forms containing tabs or line breaks (which tokens do
// not, but a hand-made Document might) have them replaced by spaces, so the output stays
// well-formed.
// Thread safety: a pure function.
[[nodiscard]] std::string to_conllu(const Document& doc);

}  // namespace caspian
