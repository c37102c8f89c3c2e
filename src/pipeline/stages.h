// Internal: the factories of the built-in stages, one per file.
#pragma once

#include <memory>
#include <string_view>

#include "caspian/pipeline.h"

namespace caspian::kb {
class Gazetteer;
}

namespace caspian::stages {

// The gazetteer shared by the stages that read it, loaded from res.data_dir/gazetteer by the
// first of them (src/pipeline/pipeline.cc).
Result<const kb::Gazetteer*> shared_gazetteer(Resources& res);

// "language": the article's language, identified by CLD2, in Document::language
// (src/nlp/language_stage.cc).
Result<std::unique_ptr<Stage>> make_language_identifier(Resources& res);
// For the stages whose models or rules are English only ("pos", "parse", "timex", "ner", "events",
// "checks"): whether `doc` is in another language. English ("en"), undetermined ("und") and
// unlabelled ("", no "language" stage ran) documents are analysed. When it returns true it has
// recorded the skip in doc.issues ({stage, "skipped: language 'zh' is not supported (English
// only)"}) and the stage must leave the document as it is.
bool skip_unsupported_language(Document& doc, std::string_view stage);

// "tokenize": sentences and tokens with byte offsets (src/nlp/tokenizer.cc).
Result<std::unique_ptr<Stage>> make_tokenizer(Resources& res);
// "pos": Universal and Penn part-of-speech tags on tokens (src/nlp/pos_stage.cc).
Result<std::unique_ptr<Stage>> make_pos_tagger(Resources& res);
// "parse": dependency trees from the tags of "pos" (src/nlp/parse_stage.cc).
Result<std::unique_ptr<Stage>> make_parser(Resources& res);
// "timex": temporal expressions normalised against the publication date (src/nlp/timex.cc).
Result<std::unique_ptr<Stage>> make_timex(Resources& res);
// "gazetteer": countries, places and features linked to canonical ids (src/kb/place_linker.cc).
Result<std::unique_ptr<Stage>> make_place_linker(Resources& res);
// "country-names": countries named in the article's own language when it is not English
// (data/gazetteer/country_names.tsv; src/kb/country_name_linker.cc).
Result<std::unique_ptr<Stage>> make_country_name_linker(Resources& res);
// "ner": people, organisations, locations and misc names by the trained recogniser, merged with the
// gazetteer's places and given ids (src/kb/entity_linker.cc).
Result<std::unique_ptr<Stage>> make_entity_linker(Resources& res);
// "events": CAMEO/PLOVER events from the parsed, linked sentences (src/events/events_stage.cc).
Result<std::unique_ptr<Stage>> make_event_coder(Resources& res);
// "checks": headlines the body does not support, statements that contradict the gazetteer
// (src/checks/checks_stage.cc).
Result<std::unique_ptr<Stage>> make_checks(Resources& res);
// "topics": IPTC Media Topics (or the model's own labels) with scores (src/nlp/topics_stage.cc).
Result<std::unique_ptr<Stage>> make_topics(Resources& res);
// "tone": the article's and each event's tone from VADER's lexicon, on GDELT's AvgTone scale
// (src/nlp/tone_stage.cc).
Result<std::unique_ptr<Stage>> make_tone(Resources& res);

}  // namespace caspian::stages
