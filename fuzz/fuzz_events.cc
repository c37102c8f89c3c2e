// Fuzzes the readers of the event coder's inputs: PETRARCH actor, agent and verb dictionaries
// (users pass their own with --actors), the code ontology and the validation records of `caspian
// eval events`. The first byte picks the reader; a dictionary that loads is then queried.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eval/events_eval.h"
#include "events/actor_dictionary.h"
#include "events/ontology.h"
#include "events/verb_dictionary.h"

namespace {

// The words of `text`, folded as the coder folds tokens (enough for lookups).
std::vector<std::string> some_words(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  constexpr size_t kMaxWords = 64;
  while (start < text.size() && words.size() < kMaxWords) {
    size_t end = text.find_first_of(" \n\t_", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string> words = some_words(text);
  switch (data[0] % 5) {
    case 0: {
      caspian::events::ActorDictionary d;
      if (d.add_actors(text, "fuzz").ok()) {
        for (size_t i = 0; i < words.size(); ++i) {
          const auto m = d.match_actor(std::span<const std::string>(words).subspan(i), 0);
          if (m.length > words.size() - i) __builtin_trap();
        }
      }
      break;
    }
    case 1: {
      caspian::events::ActorDictionary d;
      if (d.add_agents(text, "fuzz").ok()) {
        for (size_t i = 0; i < words.size(); ++i)
          (void)d.match_agent(std::span<const std::string>(words).subspan(i));
      }
      break;
    }
    case 2: {
      auto d = caspian::events::VerbDictionary::parse(text, "fuzz");
      if (d.ok()) {
        for (const std::string& w : words) {
          for (const auto& f : d->lookup(w)) {
            for (const auto& p : d->block(f.block).patterns) {
              for (const auto& item : p.after) (void)d->match(item, words);
            }
          }
        }
      }
      break;
    }
    case 3: {
      auto o = caspian::events::CodeOntology::parse(text, "fuzz");
      if (o.ok() && words.size() >= 2) {
        (void)o->combine(words[0], words[1]);
        (void)o->negate(words[0]);
      }
      break;
    }
    default: {
      auto records = caspian::events::read_validation_records(text, "fuzz");
      (void)records;
      break;
    }
  }
  return 0;
}
