#include "caspian/document.h"

#include <algorithm>

namespace caspian {

uint32_t Document::sentence_at(uint32_t offset) const {
  if (sentences.empty()) return 0;
  auto it = std::upper_bound(sentences.begin(), sentences.end(), offset,
                             [](uint32_t off, const Sentence& s) { return off < s.span.begin; });
  if (it == sentences.begin()) return 0;
  return static_cast<uint32_t>(std::distance(sentences.begin(), it) - 1);
}

const Entity* Document::find_entity(std::string_view entity_id) const {
  for (const Entity& e : entities) {
    if (e.id == entity_id) return &e;
  }
  return nullptr;
}

const Entity& Document::add_entity(Entity e) {
  for (const Entity& existing : entities) {
    if (existing.id == e.id) return existing;
  }
  entities.push_back(std::move(e));
  return entities.back();
}

Document make_document(std::string title, std::string_view body) {
  Document doc;
  doc.title = std::move(title);
  if (!doc.title.empty()) {
    doc.text = doc.title;
    doc.text += "\n\n";
  }
  doc.body_offset = static_cast<uint32_t>(doc.text.size());
  doc.text.append(body);
  return doc;
}

std::string_view to_string(EntityKind k) noexcept {
  switch (k) {
    case EntityKind::kCountry:
      return "country";
    case EntityKind::kPlace:
      return "place";
    case EntityKind::kFeature:
      return "feature";
    case EntityKind::kPerson:
      return "person";
    case EntityKind::kOrganization:
      return "organization";
    case EntityKind::kMisc:
      return "misc";
  }
  return "misc";
}

std::string_view to_string(TokenKind k) noexcept {
  switch (k) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kPunct:
      return "punct";
    case TokenKind::kSymbol:
      return "symbol";
    case TokenKind::kUrl:
      return "url";
    case TokenKind::kEmail:
      return "email";
    case TokenKind::kOther:
      return "other";
  }
  return "other";
}

std::string_view to_string(TimeGranularity g) noexcept {
  switch (g) {
    case TimeGranularity::kDay:
      return "day";
    case TimeGranularity::kWeek:
      return "week";
    case TimeGranularity::kMonth:
      return "month";
    case TimeGranularity::kQuarter:
      return "quarter";
    case TimeGranularity::kSeason:
      return "season";
    case TimeGranularity::kYear:
      return "year";
    case TimeGranularity::kDecade:
      return "decade";
    case TimeGranularity::kCentury:
      return "century";
    case TimeGranularity::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(TimeType t) noexcept {
  switch (t) {
    case TimeType::kDate:
      return "date";
    case TimeType::kDuration:
      return "duration";
    case TimeType::kSet:
      return "set";
  }
  return "date";
}

std::string_view to_string(EventModality m) noexcept {
  switch (m) {
    case EventModality::kAsserted:
      return "asserted";
    case EventModality::kSaid:
      return "said";
    case EventModality::kIntends:
      return "intends";
    case EventModality::kOffered:
      return "offered";
    case EventModality::kPlanned:
      return "planned";
    case EventModality::kDenied:
      return "denied";
  }
  return "asserted";
}

std::optional<EntityKind> entity_kind_from(std::string_view name) noexcept {
  for (const EntityKind k : {EntityKind::kCountry, EntityKind::kPlace, EntityKind::kFeature,
                             EntityKind::kPerson, EntityKind::kOrganization, EntityKind::kMisc}) {
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace caspian
