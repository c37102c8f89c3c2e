// The shared document model that every pipeline stage reads and enriches.
//
// A Document holds one article. Its analysed text is `text`: the headline, a
// blank line ("\n\n"), then the body (when there is no headline, just the
// body). Every span is a half-open byte range [begin, end) into `text`, which
// is always valid UTF-8. Stages append to the vectors below and never reorder
// what earlier stages produced, so indices (sentence, token) stay stable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/ud.h"

namespace caspian {

// Version of the analysis JSON schema (docs/schema.md). Bump on any change
// that is not a pure addition of an optional field.
inline constexpr int kSchemaVersion = 1;

struct Span {
  uint32_t begin = 0;  // byte offset, inclusive
  uint32_t end = 0;    // byte offset, exclusive
  uint32_t size() const { return end - begin; }
  bool operator==(const Span&) const = default;
};

enum class TokenKind { kWord, kNumber, kPunct, kSymbol, kUrl, kEmail, kOther };

struct Token {
  Span span;
  TokenKind kind = TokenKind::kWord;
  bool space_after = true;  // whether whitespace follows in `text`
  Upos upos = Upos::kNone;  // universal POS tag, set by the "pos" stage
  std::string xpos;         // Penn Treebank tag ("NNS"); empty until the "pos" stage runs
  // Dependency parse, set by the "parse" stage (deprel empty until then): the head as a 1-based
  // index of a token within the same sentence, 0 for the sentence's root (as in CoNLL-U), and the
  // Universal Dependencies relation to it: `deprel` the full label ("nsubj", "obl:tmod", "root"),
  // `rel` its universal part (kObl for "obl:tmod"), always base_relation(deprel).
  uint32_t head = 0;
  std::string deprel;
  UdRel rel = UdRel::kNone;
  bool operator==(const Token&) const = default;
};

struct Sentence {
  Span span;
  uint32_t first_token = 0;  // index into Document::tokens
  uint32_t token_count = 0;
  bool operator==(const Sentence&) const = default;
};

enum class EntityKind { kCountry, kPlace, kFeature, kPerson, kOrganization, kMisc };

// A canonical entity that mentions link to. Ids are namespaced:
//   iso3166:KAZ         countries (ISO 3166-1 alpha-3)
//   geonames:1526384    populated places (GeoNames id)
//   feature:caspian-sea natural features from data/gazetteer/features.tsv
//   person:nikol-pashinyan, org:astana-times   (normalised names)
struct Entity {
  std::string id;
  EntityKind kind = EntityKind::kMisc;
  std::string name;     // preferred name
  std::string country;  // ISO 3166-1 alpha-2 of the place or country, if any
  std::optional<double> lat;
  std::optional<double> lon;
  int64_t population = 0;
  std::string feature_code;  // GeoNames feature code (PPLC, PPLA, ...) if any
  bool operator==(const Entity&) const = default;
};

// One occurrence of an entity in the text.
struct Mention {
  Span span;
  uint32_t sentence = 0;  // index into Document::sentences
  EntityKind kind = EntityKind::kMisc;
  std::string entity_id;    // key into Document::entities; empty if unlinked
  std::string method;       // which recogniser found it, e.g. "gazetteer", "rules"
  std::string evidence;     // why it was linked this way (human-readable)
  double confidence = 0.0;  // in [0, 1]
  bool operator==(const Mention&) const = default;
};

enum class TimeGranularity { kDay, kWeek, kMonth, kQuarter, kSeason, kYear, kDecade, kCentury, kUnknown };
enum class TimeType { kDate, kDuration, kSet };

// A temporal expression normalised against the publication date, following
// TIMEX3 conventions: value "2025-07-10", "2025-07", "2025", "2025-W33",
// "P3Y" (duration); mod "START", "MID", "END", "BEFORE", "AFTER", "ON_OR_AFTER", ...
struct TimeExpression {
  Span span;
  uint32_t sentence = 0;
  TimeType type = TimeType::kDate;
  std::string value;
  TimeGranularity granularity = TimeGranularity::kUnknown;
  std::string mod;        // empty when none
  bool anchored = false;  // true when resolved relative to the publication date
  bool operator==(const TimeExpression&) const = default;
};

// The tone of a text, set by the "tone" stage (src/nlp/tone.h) from VADER's lexicon and rules
// (Hutto & Gilbert 2014; data/tone/ATTRIBUTION.md). On GDELT's scales, the words are the text's
// word and number tokens, and a positive (negative) word is one whose VADER valence, after its
// negation, boosters and "but" are applied, is above (below) zero.
struct Tone {
  double avg_tone = 0.0;  // GDELT AvgTone: positive - negative, -100..+100 (news: mostly -10..+10)
  double positive = 0.0;  // GDELT PositiveScore: positive words per 100 words
  double negative = 0.0;  // GDELT NegativeScore: negative words per 100 words
  double compound = 0.0;  // VADER's compound score, -1..+1 (of an article: the mean over sentences)
  uint32_t words = 0;     // the words counted (GDELT WordCount)
  bool operator==(const Tone&) const = default;
};

// An actor of a political event: who acts (the source) or is acted upon (the target).
struct EventActor {
  Span span;              // the words that name it in the text (empty when inferred)
  std::string code;       // CAMEO actor code: "KAZGOV", "USA", "IGOUNO", "---MIL" (role only)
  std::string entity_id;  // the linked entity (key into Document::entities), empty if none
  bool operator==(const EventActor&) const = default;
};

// How the sentence presents an event: as having happened, or only as words about it.
enum class EventModality { kAsserted, kSaid, kIntends, kOffered, kPlanned, kDenied };

// A political event coded in CAMEO (Schrodt et al.) and PLOVER: who did what to whom, when and
// where, traceable to the sentence and the words that gave it.
struct Event {
  uint32_t sentence = 0;  // index into Document::sentences
  EventActor source;
  EventActor target;
  std::string code;         // full CAMEO event code, "0331"
  std::string base_code;    // its first three digits, "033"
  std::string root_code;    // its first two digits, "03"
  std::string plover_type;  // "AGREE"; empty when CAMEO has no PLOVER counterpart
  std::string plover_mode;  // "visit"; often empty
  int quad_class = 0;       // 1 verbal cooperation .. 4 material conflict
  double goldstein = 0.0;   // -10 (conflict) .. +10 (cooperation)
  bool negated = false;     // "did not sign"
  EventModality modality = EventModality::kAsserted;
  std::string date;  // TIMEX3 value of the event's date ("2025-07-10", "2024")
  TimeGranularity date_granularity = TimeGranularity::kUnknown;
  bool date_from_text = false;  // false: the publication date stands in
  std::string location_id;      // a linked place (key into Document::entities), empty if none
  std::vector<Span> evidence;   // the verb and the pattern words that gave the code
  std::string pattern;          // the dictionary pattern that matched ("* OFFER TO HOST")
  double confidence = 0.0;      // in [0, 1]
  std::string method;           // "dictionary" or "fallback"
  // The tone of the event's sentence (its words, its VADER compound), set by the "tone" stage;
  // nullopt when not scored.
  std::optional<Tone> tone;
  bool operator==(const Event&) const = default;
};

// Something the "checks" stage found wrong in the article: a headline the body does not support
// or contradicts, or a statement that contradicts the gazetteer.
struct Flag {
  std::string kind;            // "headline-unsupported", "headline-contradicted", "gazetteer-contradiction"
  std::string message;         // human-readable: what is claimed and what the evidence says
  std::vector<Span> evidence;  // the claim first, then the words that contradict or fail to support it
  double confidence = 0.0;     // in [0, 1]
  bool operator==(const Flag&) const = default;
};

// A topic of the article, from the "topics" stage: an IPTC Media Topic with the default model.
struct Topic {
  std::string id;      // "medtop:16000000"
  std::string label;   // "conflict, war and peace"
  int level = 1;       // 1: top level; 2: its subtopics; ...
  double score = 0.0;  // in [0, 1]: the model's probability of the topic, its subtopics' included
  bool operator==(const Topic&) const = default;
};

// A failure inside one stage, recorded against the article.
struct StageIssue {
  std::string stage;
  std::string message;
  bool operator==(const StageIssue&) const = default;
};

struct Document {
  // Metadata.
  std::string id;  // caller-chosen identifier (e.g. "file.jsonl:12")
  std::string url;
  std::string source;  // outlet or domain
  std::string title;
  // The article's language: as read, the language the record declares (BCP 47 primary subtag,
  // "fr"), empty when it declares none; after the "language" stage, the identified ISO 639-1 code
  // ("zh", "ru"; "und" when undecidable, see src/nlp/language.h).
  std::string language;
  std::optional<std::chrono::year_month_day> published;
  std::string license;      // licence of the text, if known
  std::string attribution;  // who to credit, if known
  std::vector<std::string> categories;

  // Analysed text: title + "\n\n" + body. `body_offset` is where the body starts.
  std::string text;
  uint32_t body_offset = 0;

  // Annotations.
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  std::vector<Mention> mentions;
  std::vector<Entity> entities;  // unique by id
  std::vector<TimeExpression> times;
  std::vector<Event> events;
  std::vector<Flag> flags;
  std::vector<Topic> topics;  // by level, then score (best first)
  std::vector<StageIssue> issues;
  std::optional<Tone> tone;  // the article's tone ("tone" stage); nullopt when not scored

  std::string_view slice(Span s) const { return std::string_view(text).substr(s.begin, s.size()); }
  std::string_view body() const { return std::string_view(text).substr(body_offset); }
  // Index of the sentence containing byte `offset` (the last sentence starting
  // at or before it), or 0 when there are no sentences.
  uint32_t sentence_at(uint32_t offset) const;
  // Returns the entity with that id, or nullptr.
  const Entity* find_entity(std::string_view id) const;
  // Adds `e` unless an entity with the same id exists. Returns the stored entity.
  const Entity& add_entity(Entity e);

  bool operator==(const Document&) const = default;
};

// Builds a Document from a headline and body. Requires valid UTF-8 (callers
// validate with utf8::validate first).
Document make_document(std::string title, std::string_view body);

std::string_view to_string(EntityKind k) noexcept;
// The kind named by to_string(), or nullopt.
std::optional<EntityKind> entity_kind_from(std::string_view name) noexcept;
std::string_view to_string(TokenKind k) noexcept;
std::string_view to_string(TimeGranularity g) noexcept;
std::string_view to_string(TimeType t) noexcept;
std::string_view to_string(EventModality m) noexcept;

}  // namespace caspian
