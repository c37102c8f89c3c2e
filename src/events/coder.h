// The event coder: turns the parsed, linked sentences of a Document into CAMEO/PLOVER events.
//
// For every verb the CAMEO verb dictionary knows, the coder finds the source actor (the subject,
// inherited through "seek to", "prepare to" and coordinated verbs; the "by" phrase of a passive),
// the target actor (the object, or a prepositional phrase such as "with", "against", "between"),
// and the most specific dictionary pattern that the words around the verb match. Actors are noun
// phrases whose words the actor dictionaries know (dated roles resolved on the event's date),
// qualified by role nouns from the agent dictionary ("Russian troops" -> RUSMIL). Negation,
// modality (said, intends, offered, planned, denied), date and place come from the sentence.
//
// Thread safety: code() is const and may be called concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "caspian/document.h"
#include "caspian/pipeline.h"
#include "caspian/result.h"
#include "events/actor_dictionary.h"
#include "events/cameo.h"
#include "events/ontology.h"
#include "events/verb_dictionary.h"

namespace caspian::events {

// Everything the coder reads, loaded once.
struct Dictionaries {
  VerbDictionary verbs;
  ActorDictionary actors;
  CameoTable cameo;
  CodeOntology ontology;

  // Loads data_dir/events: the PETRARCH-2 verb, actor and agent dictionaries and caspian's actor
  // updates, then each of options.actors (later files override earlier names); options.verbs,
  // options.agents and options.only_given_actors replace built-in dictionaries.
  [[nodiscard]] static Result<std::unique_ptr<Dictionaries>> load(const std::filesystem::path& data_dir,
                                                                  const EventDictionaryOptions& options = {});
};

class EventCoder {
 public:
  // Requires: `dicts` outlives the coder.
  explicit EventCoder(const Dictionaries& dicts) : dicts_(dicts) {}

  // Appends to doc.events the events of every sentence (replacing none). Requires tokens with
  // part-of-speech tags and a dependency parse; uses mentions, entities and times when present.
  // The actors' dated roles are resolved on `doc.published` (today's date when unknown). A
  // sentence longer than kMaxSentenceTokens (a run-on table or list, not prose) is not coded and is
  // reported in doc.issues; the other sentences are coded.
  void code(Document& doc) const;

  static constexpr uint32_t kMaxSentenceTokens = 300;

 private:
  const Dictionaries& dicts_;
};

}  // namespace caspian::events
