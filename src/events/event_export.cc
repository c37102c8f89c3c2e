#include "caspian/event_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "caspian/json.h"
#include "events/actor_code.h"

namespace caspian {

namespace {

// The outlet of an article: its source, else its URL's host, else the article itself.
std::string outlet(const StoredEvent& e) {
  if (!e.source.empty()) return e.source;
  const auto scheme = e.url.find("://");
  if (scheme != std::string::npos) {
    const auto host_end = e.url.find('/', scheme + 3);
    return e.url.substr(scheme + 3,
                        host_end == std::string::npos ? std::string::npos : host_end - scheme - 3);
  }
  return fmt::format("article:{}", e.article_id);
}

// Text for a TSV field: tabs and line breaks become spaces.
std::string tsv_field(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

// Text for a CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  return fmt::format("{:g}", v);
}

// The columns of the tsv/csv/jsonl export, in order.
constexpr std::string_view kColumns[] = {"date",
                                         "date_granularity",
                                         "source",
                                         "source_text",
                                         "target",
                                         "target_text",
                                         "code",
                                         "base_code",
                                         "root_code",
                                         "plover_type",
                                         "plover_mode",
                                         "quad_class",
                                         "goldstein",
                                         "modality",
                                         "negated",
                                         "location_id",
                                         "location",
                                         "lat",
                                         "lon",
                                         "confidence",
                                         "method",
                                         "num_mentions",
                                         "num_sources",
                                         "num_articles",
                                         "article_id",
                                         "url",
                                         "published",
                                         "sentence",
                                         "pattern",
                                         "source_entity",
                                         "target_entity",
                                         "story_id",
                                         "story_articles",
                                         "story_sources",
                                         "tone",
                                         "avg_tone"};

// Columns written as JSON numbers in "jsonl" (null when empty).
const std::set<std::string_view> kNumericColumns = {
    "quad_class",     "goldstein",     "lat",          "lon",        "confidence",
    "num_mentions",   "num_sources",   "num_articles", "article_id", "story_id",
    "story_articles", "story_sources", "tone",         "avg_tone"};

std::vector<std::string> row_of(const EventGroup& g) {
  const StoredEvent& s = *g.first;
  const Event& e = s.record.event;
  const auto coord = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.5f}", *v) : std::string();
  };
  return {e.date,
          std::string(to_string(e.date_granularity)),
          e.source.code,
          s.record.source_text,
          e.target.code,
          s.record.target_text,
          e.code,
          e.base_code,
          e.root_code,
          e.plover_type,
          e.plover_mode,
          std::to_string(e.quad_class),
          number(e.goldstein),
          std::string(to_string(e.modality)),
          e.negated ? "true" : "false",
          e.location_id,
          s.location ? s.location->name : std::string(),
          s.location ? coord(s.location->lat) : std::string(),
          s.location ? coord(s.location->lon) : std::string(),
          fmt::format("{:.2f}", e.confidence),
          e.method,
          std::to_string(g.mentions),
          std::to_string(g.sources),
          std::to_string(g.articles),
          std::to_string(s.article_id),
          s.url,
          s.published ? format_date(*s.published) : std::string(),
          s.record.sentence_text,
          e.pattern,
          e.source.entity_id,
          e.target.entity_id,
          g.story_id == 0 ? std::string() : std::to_string(g.story_id),
          std::to_string(g.story_articles),
          std::to_string(g.story_sources),
          e.tone ? fmt::format("{:.4f}", e.tone->avg_tone) : std::string(),
          g.avg_tone ? fmt::format("{:.4f}", *g.avg_tone) : std::string()};
}

// ISO 3166-1 alpha-2 -> FIPS 10-4, and the ISO alpha-3 codes that are countries.
struct CountryCodes {
  std::unordered_map<std::string, std::string> fips_of_iso2;
  std::set<std::string, std::less<>> iso3;
};

Result<CountryCodes> load_country_codes(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "events" / "fips_countries.tsv";
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path.string()));
  CountryCodes c;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    if (++line_no == 1 || line.empty()) continue;  // header
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    const auto t3 = t2 == std::string::npos ? t2 : line.find('\t', t2 + 1);
    if (t3 == std::string::npos) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: expected 4 columns", path.string(), line_no));
    }
    c.fips_of_iso2[line.substr(0, t1)] = line.substr(t1 + 1, t2 - t1 - 1);
    c.iso3.insert(line.substr(t2 + 1, t3 - t2 - 1));
  }
  return c;
}

// GDELT's actor fields from a CAMEO actor code: code, country, known group, three role types.
struct GdeltActor {
  std::string code;
  std::string country;
  std::string known_group;
  std::vector<std::string> types;
};

GdeltActor gdelt_actor(std::string_view code, const CountryCodes& cc) {
  GdeltActor a;
  if (events::is_role_only(code)) code.remove_prefix(events::kUnknownCountry.size());
  a.code = std::string(code);
  size_t pos = 0;
  if (code.size() >= events::kActorPartLength && cc.iso3.contains(code.substr(0, events::kActorPartLength))) {
    a.country = std::string(code.substr(0, events::kActorPartLength));
    pos = events::kActorPartLength;
  }
  // International and non-governmental organisations: the part after IGO/NGO/NGM/MNC names them.
  static const std::set<std::string_view> kGroupPrefixes = {"IGO", "NGO", "NGM", "MNC"};
  if (code.size() >= pos + 2 * events::kActorPartLength &&
      kGroupPrefixes.contains(code.substr(pos, events::kActorPartLength))) {
    a.known_group = std::string(code.substr(pos + events::kActorPartLength, events::kActorPartLength));
    a.types.emplace_back(code.substr(pos, events::kActorPartLength));
    pos += 2 * events::kActorPartLength;
  }
  constexpr size_t kTypes = 3;
  for (; pos + events::kActorPartLength <= code.size() && a.types.size() < kTypes;
       pos += events::kActorPartLength) {
    a.types.emplace_back(code.substr(pos, events::kActorPartLength));
  }
  a.types.resize(kTypes);
  return a;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The event's day as YYYYMMDD: its own when it names one, else the publication date when that
// falls in the event's month or year, else the first day of that period.
std::string gdelt_day(const StoredEvent& s) {
  const std::string& d = s.record.event.date;
  constexpr size_t kYear = 4;
  constexpr size_t kMonth = 7;
  constexpr size_t kDay = 10;
  const bool digits =
      std::all_of(d.begin(), d.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
  if (!digits) return "";  // an unanchored date ("XXXX-07-10")
  if (d.size() >= kDay && d[kYear] == '-' && d[kMonth] == '-') {
    return d.substr(0, kYear) + d.substr(kYear + 1, 2) + d.substr(kMonth + 1, 2);
  }
  if (s.published) {
    const std::string p = format_date(*s.published);
    if (d.empty() || p.starts_with(d))
      return p.substr(0, kYear) + p.substr(kYear + 1, 2) + p.substr(kMonth + 1, 2);
  }
  if (d.size() >= kMonth && d[kYear] == '-') return d.substr(0, kYear) + d.substr(kYear + 1, 2) + "01";
  if (d.size() >= kYear) return d.substr(0, kYear) + "0101";
  return "";
}

// "2025-08-20T10:11:12Z" -> "20250820101112".
std::string gdelt_timestamp(std::string_view iso) {
  std::string out;
  for (const char c : iso) {
    if (c >= '0' && c <= '9') out += c;
  }
  constexpr size_t kDigits = 14;
  out.resize(kDigits, '0');
  return out;
}

// GDELT's eight geography fields (Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long,
// FeatureID) of an entity with coordinates: type 1 for a country (its FIPS code as FeatureID, as
// GDELT writes), 4 (world city) for any other place (its GeoNames id); type 0 and blanks for an
// entity without coordinates (people, organisations) or none.
std::vector<std::string> gdelt_geo(const std::optional<Entity>& place, const CountryCodes& cc) {
  if (!place || !place->lat || !place->lon) return {"0", "", "", "", "", "", "", ""};
  const Entity& l = *place;
  const bool country_level = l.kind == EntityKind::kCountry;
  const auto fips = cc.fips_of_iso2.find(l.country);
  const std::string country = fips == cc.fips_of_iso2.end() ? std::string() : fips->second;
  std::string feature = l.id;
  if (const auto colon = feature.find(':'); colon != std::string::npos) feature = feature.substr(colon + 1);
  return {country_level ? "1" : "4",
          l.name,
          country,
          country,
          "",
          fmt::format("{:.4f}", *l.lat),
          fmt::format("{:.4f}", *l.lon),
          country_level ? country : feature};
}

// AvgTone with GDELT's precision; 0, as GDELT writes for no tone, when no reporting article was
// scored (stores written before the "tone" stage).
std::string gdelt_tone(const std::optional<double>& avg_tone) {
  if (!avg_tone) return "0";
  const std::string s = fmt::format("{:.4f}", *avg_tone);
  return s == "-0.0000" ? "0.0000" : s;
}

std::string gdelt_row(const EventGroup& g, const CountryCodes& cc) {
  const StoredEvent& s = *g.first;
  const Event& e = s.record.event;
  std::vector<std::string> f;
  f.push_back(std::to_string(s.event_id));
  const std::string day = gdelt_day(s);
  constexpr size_t kDayDigits = 8;
  if (day.size() == kDayDigits) {
    const int year = std::stoi(day.substr(0, 4));
    const int month = std::stoi(day.substr(4, 2));
    const int dom = std::stoi(day.substr(6, 2));
    // GDELT's FractionDate: YYYY + (MONTH * 30 + DAY) / 365.
    constexpr double kDaysPerMonth = 30.0;
    constexpr double kDaysPerYear = 365.0;
    f.insert(f.end(), {day, day.substr(0, 6), day.substr(0, 4),
                       fmt::format("{:.4f}", year + (month * kDaysPerMonth + dom) / kDaysPerYear)});
  } else {
    f.insert(f.end(), {"", "", "", ""});
  }
  for (const auto& [code, text] :
       {std::pair{e.source.code, s.record.source_text}, std::pair{e.target.code, s.record.target_text}}) {
    const GdeltActor a = gdelt_actor(code, cc);
    f.insert(f.end(),
             {a.code, upper(text), a.country, a.known_group, "", "", "", a.types[0], a.types[1], a.types[2]});
  }
  // Events of the headline or the lead sentence stand for the article's main event.
  constexpr uint32_t kRootSentences = 2;
  f.push_back(e.sentence < kRootSentences ? "1" : "0");
  f.insert(f.end(), {e.code, e.base_code, e.root_code, std::to_string(e.quad_class), number(e.goldstein),
                     std::to_string(g.mentions), std::to_string(g.story_sources),
                     std::to_string(g.story_articles), gdelt_tone(g.avg_tone)});
  // Actor geography: the place an actor's words are linked to (a country, a city); GDELT's blanks
  // (type 0) for actors that are no place (people, organisations, roles).
  for (const auto* place : {&s.source_entity, &s.target_entity}) {
    const std::vector<std::string> geo = gdelt_geo(*place, cc);
    f.insert(f.end(), geo.begin(), geo.end());
  }
  const std::vector<std::string> action = gdelt_geo(s.location, cc);
  f.insert(f.end(), action.begin(), action.end());
  f.push_back(gdelt_timestamp(s.ingested_at));
  f.push_back(s.url.empty() ? fmt::format("caspian:article/{}", s.article_id) : s.url);
  std::string line;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i > 0) line += '\t';
    line += tsv_field(f[i]);
  }
  return line + "\n";
}

}  // namespace

Result<EventFormat> parse_event_format(std::string_view name) {
  if (name == "tsv") return EventFormat::kTsv;
  if (name == "csv") return EventFormat::kCsv;
  if (name == "jsonl") return EventFormat::kJsonl;
  if (name == "gdelt") return EventFormat::kGdelt;
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("unknown event format '{}' (tsv, csv, jsonl, gdelt)", name));
}

std::string_view cameo_root_name(std::string_view root) {
  static constexpr std::array<std::string_view, 20> kRoots = {"Make public statement",
                                                              "Appeal",
                                                              "Express intent to cooperate",
                                                              "Consult",
                                                              "Engage in diplomatic cooperation",
                                                              "Engage in material cooperation",
                                                              "Provide aid",
                                                              "Yield",
                                                              "Investigate",
                                                              "Demand",
                                                              "Disapprove",
                                                              "Reject",
                                                              "Threaten",
                                                              "Protest",
                                                              "Exhibit force posture",
                                                              "Reduce relations",
                                                              "Coerce",
                                                              "Assault",
                                                              "Fight",
                                                              "Use unconventional mass violence"};
  if (root.size() != 2 || root[0] < '0' || root[0] > '2' || root[1] < '0' || root[1] > '9') return {};
  const int n = (root[0] - '0') * 10 + (root[1] - '0');
  return n >= 1 && n <= 20 ? kRoots[static_cast<size_t>(n - 1)] : std::string_view();
}

std::vector<EventGroup> group_events(const std::vector<StoredEvent>& events) {
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, size_t> index;
  std::vector<EventGroup> groups;
  std::vector<std::set<std::string>> outlets;
  std::vector<std::set<int64_t>> articles;
  std::vector<std::map<int64_t, std::pair<int64_t, int64_t>>> stories;  // story -> (articles, sources)
  std::vector<std::pair<double, int>> tones;  // per group: the sum of its articles' tones, and how many
  for (const StoredEvent& s : events) {
    const Event& e = s.record.event;
    const Key key{e.date, e.source.code, e.target.code, e.code, e.location_id};
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) {
      groups.push_back({&s, 0, 0, 0, 0, 0, 0, std::nullopt});
      outlets.emplace_back();
      articles.emplace_back();
      stories.emplace_back();
      tones.emplace_back(0.0, 0);
    }
    EventGroup& g = groups[it->second];
    if (s.event_id < g.first->event_id) g.first = &s;
    ++g.mentions;
    outlets[it->second].insert(outlet(s));
    if (articles[it->second].insert(s.article_id).second && s.record.article_tone) {
      tones[it->second].first += s.record.article_tone->avg_tone;
      ++tones[it->second].second;
    }
    if (s.story_id != 0) stories[it->second][s.story_id] = {s.story_articles, s.story_sources};
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    EventGroup& g = groups[i];
    g.sources = static_cast<int64_t>(outlets[i].size());
    g.articles = static_cast<int64_t>(articles[i].size());
    if (tones[i].second > 0) g.avg_tone = tones[i].first / tones[i].second;
    g.story_id = g.first->story_id;
    // Stories are disjoint, so their articles add up; their sources may overlap, so the largest
    // story's count is a floor. Never fewer than the identical reports themselves.
    int64_t story_articles = 0;
    int64_t story_sources = 0;
    for (const auto& [id, counts] : stories[i]) {
      story_articles += counts.first;
      story_sources = std::max(story_sources, counts.second);
    }
    g.story_articles = std::max(g.articles, story_articles);
    g.story_sources = std::max(g.sources, story_sources);
  }
  return groups;
}

Result<std::string> format_events(const std::vector<EventGroup>& groups, EventFormat format,
                                  const std::filesystem::path& data_dir) {
  std::string out;
  switch (format) {
    case EventFormat::kTsv:
    case EventFormat::kCsv: {
      const char sep = format == EventFormat::kTsv ? '\t' : ',';
      const auto field = [&](std::string_view v) {
        return format == EventFormat::kTsv ? tsv_field(v) : csv_field(v);
      };
      for (size_t i = 0; i < std::size(kColumns); ++i) {
        if (i > 0) out += sep;
        out += kColumns[i];
      }
      out += '\n';
      for (const EventGroup& g : groups) {
        const std::vector<std::string> row = row_of(g);
        for (size_t i = 0; i < row.size(); ++i) {
          if (i > 0) out += sep;
          out += field(row[i]);
        }
        out += '\n';
      }
      return out;
    }
    case EventFormat::kJsonl:
      for (const EventGroup& g : groups) {
        const std::vector<std::string> row = row_of(g);
        out += '{';
        for (size_t i = 0; i < row.size(); ++i) {
          if (i > 0) out += ',';
          out += json_string(kColumns[i]);
          out += ':';
          const std::string_view column = kColumns[i];
          if (column == "negated") {
            out += row[i];  // true or false
          } else if (kNumericColumns.contains(column)) {
            out += row[i].empty() ? "null" : row[i];
          } else {
            out += json_string(row[i]);
          }
        }
        out += "}\n";
      }
      return out;
    case EventFormat::kGdelt: {
      auto cc = load_country_codes(data_dir);
      if (!cc.ok()) return cc.status();
      for (const EventGroup& g : groups) out += gdelt_row(g, *cc);
      return out;
    }
  }
  return out;
}

}  // namespace caspian
