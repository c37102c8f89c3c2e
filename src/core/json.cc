#include "caspian/json.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

namespace caspian {

namespace {

using nlohmann::json;

constexpr std::array kEntityKinds = {EntityKind::kCountry, EntityKind::kPlace,        EntityKind::kFeature,
                                     EntityKind::kPerson,  EntityKind::kOrganization, EntityKind::kMisc};
constexpr std::array kTokenKinds = {TokenKind::kWord,   TokenKind::kNumber, TokenKind::kPunct,
                                    TokenKind::kSymbol, TokenKind::kUrl,    TokenKind::kEmail,
                                    TokenKind::kOther};
constexpr std::array kGranularities = {
    TimeGranularity::kDay,     TimeGranularity::kWeek,    TimeGranularity::kMonth,
    TimeGranularity::kQuarter, TimeGranularity::kSeason,  TimeGranularity::kYear,
    TimeGranularity::kDecade,  TimeGranularity::kCentury, TimeGranularity::kUnknown};
constexpr std::array kTimeTypes = {TimeType::kDate, TimeType::kDuration, TimeType::kSet};

// Maps a name back to its enum value using the to_string() of each candidate.
template <class E, size_t N>
E enum_from(const std::array<E, N>& all, std::string_view name, const char* what) {
  for (E e : all) {
    if (to_string(e) == name) return e;
  }
  throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
}

json span_json(const Document& doc, Span s) {
  return {{"begin", s.begin}, {"end", s.end}, {"text", std::string(doc.slice(s))}};
}

Span span_from(const json& j) {
  return {j.at("begin").get<uint32_t>(), j.at("end").get<uint32_t>()};
}

std::string str_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return (it == j.end() || it->is_null()) ? std::string() : it->get<std::string>();
}

}  // namespace

Result<std::chrono::year_month_day> parse_iso_date(std::string_view s) {
  constexpr size_t kIsoDateLength = 10;  // YYYY-MM-DD
  auto bad = [&] {
    return Status(ErrorCode::kInvalidArgument, fmt::format("'{}' is not an ISO 8601 date (YYYY-MM-DD)", s));
  };
  if (s.size() < kIsoDateLength || s[4] != '-' || s[7] != '-') return bad();
  if (s.size() > kIsoDateLength && s[kIsoDateLength] != 'T' && s[kIsoDateLength] != ' ') return bad();
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  auto parse = [](std::string_view part, auto& out) {
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && p == part.data() + part.size();
  };
  if (!parse(s.substr(0, 4), y) || !parse(s.substr(5, 2), m) || !parse(s.substr(8, 2), d)) return bad();
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return bad();
  return ymd;
}

std::string format_date(std::chrono::year_month_day d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string json_string(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string to_json(const Document& doc, int indent) {
  json j;
  j["schema_version"] = kSchemaVersion;
  j["id"] = doc.id;
  j["url"] = doc.url;
  j["source"] = doc.source;
  j["title"] = doc.title;
  j["language"] = doc.language;
  j["published"] = doc.published ? json(format_date(*doc.published)) : json(nullptr);
  j["license"] = doc.license;
  j["attribution"] = doc.attribution;
  j["categories"] = doc.categories;
  j["text"] = doc.text;
  j["body_offset"] = doc.body_offset;

  json sentences = json::array();
  for (const Sentence& s : doc.sentences) {
    json o = span_json(doc, s.span);
    o["first_token"] = s.first_token;
    o["token_count"] = s.token_count;
    sentences.push_back(std::move(o));
  }
  j["sentences"] = std::move(sentences);

  json tokens = json::array();
  for (const Token& t : doc.tokens) {
    json o = span_json(doc, t.span);
    o["kind"] = to_string(t.kind);
    o["space_after"] = t.space_after;
    tokens.push_back(std::move(o));
  }
  j["tokens"] = std::move(tokens);

  json entities = json::array();
  for (const Entity& e : doc.entities) {
    json o = {{"id", e.id}, {"kind", to_string(e.kind)}, {"name", e.name}, {"country", e.country}};
    o["lat"] = e.lat ? json(*e.lat) : json(nullptr);
    o["lon"] = e.lon ? json(*e.lon) : json(nullptr);
    o["population"] = e.population;
    o["feature_code"] = e.feature_code;
    entities.push_back(std::move(o));
  }
  j["entities"] = std::move(entities);

  json mentions = json::array();
  for (const Mention& m : doc.mentions) {
    json o = span_json(doc, m.span);
    o["sentence"] = m.sentence;
    o["kind"] = to_string(m.kind);
    o["entity_id"] = m.entity_id;
    o["method"] = m.method;
    o["evidence"] = m.evidence;
    o["confidence"] = m.confidence;
    mentions.push_back(std::move(o));
  }
  j["mentions"] = std::move(mentions);

  json times = json::array();
  for (const TimeExpression& t : doc.times) {
    json o = span_json(doc, t.span);
    o["sentence"] = t.sentence;
    o["type"] = to_string(t.type);
    o["value"] = t.value;
    o["granularity"] = to_string(t.granularity);
    o["mod"] = t.mod;
    o["anchored"] = t.anchored;
    times.push_back(std::move(o));
  }
  j["times"] = std::move(times);

  json issues = json::array();
  for (const StageIssue& i : doc.issues) issues.push_back({{"stage", i.stage}, {"message", i.message}});
  j["issues"] = std::move(issues);

  // The text is valid UTF-8 by the Document contract; replace rather than
  // throw should a stage ever break that.
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

Result<Document> from_json(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (!j.is_object()) return Status(ErrorCode::kParseError, "analysis JSON must be an object");
    const int version = j.value("schema_version", 0);
    if (version != kSchemaVersion) {
      return Status(ErrorCode::kUnsupportedVersion,
                    fmt::format("analysis schema_version {} is not supported (this build reads {})", version,
                                kSchemaVersion));
    }
    Document doc;
    doc.id = str_or_empty(j, "id");
    doc.url = str_or_empty(j, "url");
    doc.source = str_or_empty(j, "source");
    doc.title = str_or_empty(j, "title");
    doc.language = str_or_empty(j, "language");
    if (auto p = str_or_empty(j, "published"); !p.empty()) {
      auto d = parse_iso_date(p);
      if (!d.ok()) return d.status();
      doc.published = *d;
    }
    doc.license = str_or_empty(j, "license");
    doc.attribution = str_or_empty(j, "attribution");
    doc.categories = j.value("categories", std::vector<std::string>{});
    doc.text = j.at("text").get<std::string>();
    doc.body_offset = j.value("body_offset", 0U);
    const auto limit = static_cast<uint32_t>(doc.text.size());
    auto checked = [&](Span s) {
      if (s.begin > s.end || s.end > limit) {
        throw std::out_of_range(
            fmt::format("span [{}, {}) outside the text ({} bytes)", s.begin, s.end, limit));
      }
      return s;
    };
    if (doc.body_offset > limit) throw std::out_of_range("body_offset outside the text");
    for (const json& o : j.value("sentences", json::array())) {
      doc.sentences.push_back(
          {checked(span_from(o)), o.at("first_token").get<uint32_t>(), o.at("token_count").get<uint32_t>()});
    }
    for (const json& o : j.value("tokens", json::array())) {
      doc.tokens.push_back({checked(span_from(o)),
                            enum_from(kTokenKinds, o.at("kind").get<std::string>(), "token kind"),
                            o.value("space_after", true)});
    }
    for (const json& o : j.value("entities", json::array())) {
      Entity e;
      e.id = o.at("id").get<std::string>();
      e.kind = enum_from(kEntityKinds, o.at("kind").get<std::string>(), "entity kind");
      e.name = str_or_empty(o, "name");
      e.country = str_or_empty(o, "country");
      if (o.contains("lat") && !o["lat"].is_null()) e.lat = o["lat"].get<double>();
      if (o.contains("lon") && !o["lon"].is_null()) e.lon = o["lon"].get<double>();
      e.population = o.value("population", int64_t{0});
      e.feature_code = str_or_empty(o, "feature_code");
      doc.entities.push_back(std::move(e));
    }
    for (const json& o : j.value("mentions", json::array())) {
      Mention m;
      m.span = checked(span_from(o));
      m.sentence = o.value("sentence", 0U);
      m.kind = enum_from(kEntityKinds, o.at("kind").get<std::string>(), "entity kind");
      m.entity_id = str_or_empty(o, "entity_id");
      m.method = str_or_empty(o, "method");
      m.evidence = str_or_empty(o, "evidence");
      m.confidence = o.value("confidence", 0.0);
      doc.mentions.push_back(std::move(m));
    }
    for (const json& o : j.value("times", json::array())) {
      TimeExpression t;
      t.span = checked(span_from(o));
      t.sentence = o.value("sentence", 0U);
      t.type = enum_from(kTimeTypes, o.at("type").get<std::string>(), "time type");
      t.value = str_or_empty(o, "value");
      t.granularity = enum_from(kGranularities, o.at("granularity").get<std::string>(), "granularity");
      t.mod = str_or_empty(o, "mod");
      t.anchored = o.value("anchored", false);
      doc.times.push_back(std::move(t));
    }
    for (const json& o : j.value("issues", json::array())) {
      doc.issues.push_back({str_or_empty(o, "stage"), str_or_empty(o, "message")});
    }
    return doc;
  } catch (const std::exception& e) {
    // nlohmann reports malformed input by exception; turn it into a value here,
    // at the boundary, so callers see a Status.
    return Status(ErrorCode::kParseError, e.what());
  }
}

}  // namespace caspian
