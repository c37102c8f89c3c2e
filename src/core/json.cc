#include "caspian/json.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "caspian/utf8.h"

namespace caspian {

namespace {

using nlohmann::json;

constexpr std::array kTokenKinds = {TokenKind::kWord,   TokenKind::kNumber, TokenKind::kPunct,
                                    TokenKind::kSymbol, TokenKind::kUrl,    TokenKind::kEmail,
                                    TokenKind::kOther};
constexpr std::array kGranularities = {
    TimeGranularity::kDay,     TimeGranularity::kWeek,    TimeGranularity::kMonth,
    TimeGranularity::kQuarter, TimeGranularity::kSeason,  TimeGranularity::kYear,
    TimeGranularity::kDecade,  TimeGranularity::kCentury, TimeGranularity::kUnknown};
constexpr std::array kTimeTypes = {TimeType::kDate, TimeType::kDuration, TimeType::kSet};
constexpr std::array kModalities = {EventModality::kAsserted, EventModality::kSaid,
                                    EventModality::kIntends,  EventModality::kOffered,
                                    EventModality::kPlanned,  EventModality::kDenied};

// Maps a name back to its enum value using the to_string() of each candidate.
template <class E, size_t N>
E enum_from(const std::array<E, N>& all, std::string_view name, const char* what) {
  for (E e : all) {
    if (to_string(e) == name) return e;
  }
  throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
}

EntityKind entity_kind(const json& o) {
  const auto name = o.at("kind").get<std::string>();
  const auto kind = entity_kind_from(name);
  if (!kind) throw std::invalid_argument(fmt::format("unknown entity kind '{}'", name));
  return *kind;
}

Span span_from(const json& j) {
  return {j.at("begin").get<uint32_t>(), j.at("end").get<uint32_t>()};
}

std::string str_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return (it == j.end() || it->is_null()) ? std::string() : it->get<std::string>();
}

// The token's "upos", Upos::kNone when absent. Throws std::invalid_argument for a tag outside UD's 17.
Upos upos_of(const json& o) {
  const std::string name = str_or_empty(o, "upos");
  if (name.empty()) return Upos::kNone;
  const std::optional<Upos> upos = upos_from(name);
  if (!upos) throw std::invalid_argument(fmt::format("unknown upos '{}'", name));
  return *upos;
}

// The tone object at `key` of `o` (written by write_tone()), or nullopt when there is none. Throws on
// malformed input.
std::optional<Tone> tone_from(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::nullopt;
  const json& t = *it;
  Tone tone;
  tone.avg_tone = t.at("avg_tone").get<double>();
  tone.positive = t.at("positive").get<double>();
  tone.negative = t.at("negative").get<double>();
  tone.compound = t.at("compound").get<double>();
  tone.words = t.at("words").get<uint32_t>();
  return tone;
}

// Reads an event written by write_event(); `checked` validates its spans. Throws on malformed input.
template <class Checked>
Event event_from(const json& o, Checked checked) {
  Event e;
  e.sentence = o.value("sentence", 0U);
  const auto actor = [&](const char* key) {
    EventActor a;
    if (const auto it = o.find(key); it != o.end() && it->is_object()) {
      a.span = checked(span_from(*it));
      a.code = str_or_empty(*it, "code");
      a.entity_id = str_or_empty(*it, "entity_id");
    }
    return a;
  };
  e.source = actor("source");
  e.target = actor("target");
  e.code = str_or_empty(o, "code");
  e.base_code = str_or_empty(o, "base_code");
  e.root_code = str_or_empty(o, "root_code");
  e.plover_type = str_or_empty(o, "plover_type");
  e.plover_mode = str_or_empty(o, "plover_mode");
  e.quad_class = o.value("quad_class", 0);
  e.goldstein = o.value("goldstein", 0.0);
  e.negated = o.value("negated", false);
  e.modality = enum_from(kModalities, o.value("modality", std::string("asserted")), "event modality");
  e.date = str_or_empty(o, "date");
  e.date_granularity =
      enum_from(kGranularities, o.value("date_granularity", std::string("unknown")), "granularity");
  e.date_from_text = o.value("date_from_text", false);
  e.location_id = str_or_empty(o, "location_id");
  for (const json& s : o.value("evidence", json::array())) e.evidence.push_back(checked(span_from(s)));
  e.pattern = str_or_empty(o, "pattern");
  e.confidence = o.value("confidence", 0.0);
  e.method = str_or_empty(o, "method");
  e.tone = tone_from(o, "tone");
  return e;
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

namespace {

// A streaming JSON writer. Hand-written because serialising through
// nlohmann::json builds a tree of maps first and took over half of the time
// of `caspian ingest` (callgrind); this appends straight to one string.
// Pretty mode puts each member of the outer object, and each element of an
// array inside it, on a line of its own, with inner objects on one line.
class JsonWriter {
 public:
  JsonWriter(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view k) {
    separate();
    append_string(k);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
  }
  void value(std::string_view v) {
    separate();
    append_string(v);
  }
  void value(const std::string& v) { value(std::string_view(v)); }
  void value(const char* v) { value(std::string_view(v)); }
  void value(bool v) {
    separate();
    out_ += v ? "true" : "false";
  }
  void value(double v) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", v);
  }
  template <class Int>
  requires std::is_integral_v<Int>
  void value(Int v) {
    separate();
    char buf[kMaxIntChars];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<size_t>(end - buf));
  }
  void null() {
    separate();
    out_ += "null";
  }
  template <class T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (pretty_ && !empty && first_.size() < kLineDepth) newline();
    out_ += c;
  }
  // Writes the comma and line break before a member or element.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += pretty_ && first_.size() > kLineDepth ? ", " : ",";
    first_.back() = false;
    if (pretty_ && first_.size() <= kLineDepth) newline();
  }
  void newline() {
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
  }
  void append_string(std::string_view s) {
    // Document text is valid UTF-8 by contract; should a stage ever break
    // that, write U+FFFD rather than invalid JSON.
    std::string repaired;
    if (utf8::find_invalid(s)) {
      size_t pos = 0;
      while (pos < s.size()) {
        const auto bad = utf8::find_invalid(s.substr(pos));
        if (!bad) {
          repaired.append(s.substr(pos));
          break;
        }
        repaired.append(s.substr(pos, *bad));
        repaired += "\xEF\xBF\xBD";
        pos += *bad + 1;
      }
      s = repaired;
    }
    out_ += '"';
    // Copy runs that need no escaping in one append.
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= kFirstPrintable && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        default: {
          constexpr std::string_view kHex = "0123456789abcdef";
          constexpr unsigned kNibble = 4;
          constexpr unsigned kNibbleMask = 0xF;
          out_ += "\\u00";
          out_ += kHex[c >> kNibble];
          out_ += kHex[c & kNibbleMask];
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  static constexpr size_t kMaxIntChars = 24;  // enough for any 64-bit integer
  static constexpr size_t kLineDepth = 2;     // nesting depth whose items get lines of their own
  static constexpr unsigned char kFirstPrintable = 0x20;
  std::string& out_;
  bool pretty_;
  bool after_key_ = false;
  std::vector<bool> first_;  // per open container: nothing written in it yet
};

void write_span(JsonWriter& w, const Document& doc, Span s) {
  w.member("begin", s.begin);
  w.member("end", s.end);
  w.member("text", doc.slice(s));
}

// Writes `key` with the tone as an object, or nothing when there is none.
void write_tone(JsonWriter& w, std::string_view key, const std::optional<Tone>& t) {
  if (!t) return;
  w.key(key);
  w.begin_object();
  w.member("avg_tone", t->avg_tone);
  w.member("positive", t->positive);
  w.member("negative", t->negative);
  w.member("compound", t->compound);
  w.member("words", t->words);
  w.end_object();
}

void write_event(JsonWriter& w, const Document& doc, const Event& e) {
  w.member("sentence", e.sentence);
  const auto actor = [&](const char* key, const EventActor& a) {
    w.key(key);
    w.begin_object();
    write_span(w, doc, a.span);
    w.member("code", a.code);
    w.member("entity_id", a.entity_id);
    w.end_object();
  };
  actor("source", e.source);
  actor("target", e.target);
  w.member("code", e.code);
  w.member("base_code", e.base_code);
  w.member("root_code", e.root_code);
  w.member("plover_type", e.plover_type);
  w.member("plover_mode", e.plover_mode);
  w.member("quad_class", e.quad_class);
  w.member("goldstein", e.goldstein);
  w.member("negated", e.negated);
  w.member("modality", to_string(e.modality));
  w.member("date", e.date);
  w.member("date_granularity", to_string(e.date_granularity));
  w.member("date_from_text", e.date_from_text);
  w.member("location_id", e.location_id);
  w.key("evidence");
  w.begin_array();
  for (const Span& s : e.evidence) {
    w.begin_object();
    write_span(w, doc, s);
    w.end_object();
  }
  w.end_array();
  w.member("pattern", e.pattern);
  w.member("confidence", e.confidence);
  w.member("method", e.method);
  write_tone(w, "tone", e.tone);
}

}  // namespace

std::string to_json(const Document& doc, int indent) {
  std::string out;
  out.reserve(doc.text.size() * 4 + 1024);
  JsonWriter w(out, indent >= 0);
  w.begin_object();
  w.member("schema_version", kSchemaVersion);
  w.member("id", doc.id);
  w.member("url", doc.url);
  w.member("source", doc.source);
  w.member("title", doc.title);
  w.member("language", doc.language);
  w.key("published");
  doc.published ? w.value(format_date(*doc.published)) : w.null();
  w.member("license", doc.license);
  w.member("attribution", doc.attribution);
  w.key("categories");
  w.begin_array();
  for (const std::string& c : doc.categories) w.value(c);
  w.end_array();
  w.member("text", doc.text);
  w.member("body_offset", doc.body_offset);

  w.key("sentences");
  w.begin_array();
  for (const Sentence& s : doc.sentences) {
    w.begin_object();
    write_span(w, doc, s.span);
    w.member("first_token", s.first_token);
    w.member("token_count", s.token_count);
    w.end_object();
  }
  w.end_array();

  w.key("tokens");
  w.begin_array();
  for (const Token& t : doc.tokens) {
    w.begin_object();
    write_span(w, doc, t.span);
    w.member("kind", to_string(t.kind));
    w.member("space_after", t.space_after);
    if (t.upos != Upos::kNone) w.member("upos", to_string(t.upos));
    if (!t.xpos.empty()) w.member("xpos", t.xpos);
    if (!t.deprel.empty()) {
      w.member("head", t.head);
      w.member("deprel", t.deprel);
    }
    w.end_object();
  }
  w.end_array();

  w.key("entities");
  w.begin_array();
  for (const Entity& e : doc.entities) {
    w.begin_object();
    w.member("id", e.id);
    w.member("kind", to_string(e.kind));
    w.member("name", e.name);
    w.member("country", e.country);
    w.key("lat");
    e.lat ? w.value(*e.lat) : w.null();
    w.key("lon");
    e.lon ? w.value(*e.lon) : w.null();
    w.member("population", e.population);
    w.member("feature_code", e.feature_code);
    w.end_object();
  }
  w.end_array();

  w.key("mentions");
  w.begin_array();
  for (const Mention& m : doc.mentions) {
    w.begin_object();
    write_span(w, doc, m.span);
    w.member("sentence", m.sentence);
    w.member("kind", to_string(m.kind));
    w.member("entity_id", m.entity_id);
    w.member("method", m.method);
    w.member("evidence", m.evidence);
    w.member("confidence", m.confidence);
    w.end_object();
  }
  w.end_array();

  w.key("times");
  w.begin_array();
  for (const TimeExpression& t : doc.times) {
    w.begin_object();
    write_span(w, doc, t.span);
    w.member("sentence", t.sentence);
    w.member("type", to_string(t.type));
    w.member("value", t.value);
    w.member("granularity", to_string(t.granularity));
    w.member("mod", t.mod);
    w.member("anchored", t.anchored);
    w.end_object();
  }
  w.end_array();

  w.key("events");
  w.begin_array();
  for (const Event& e : doc.events) {
    w.begin_object();
    write_event(w, doc, e);
    w.end_object();
  }
  w.end_array();

  w.key("flags");
  w.begin_array();
  for (const Flag& f : doc.flags) {
    w.begin_object();
    w.member("kind", f.kind);
    w.member("message", f.message);
    w.key("evidence");
    w.begin_array();
    for (const Span& s : f.evidence) {
      w.begin_object();
      write_span(w, doc, s);
      w.end_object();
    }
    w.end_array();
    w.member("confidence", f.confidence);
    w.end_object();
  }
  w.end_array();

  w.key("topics");
  w.begin_array();
  for (const Topic& t : doc.topics) {
    w.begin_object();
    w.member("id", t.id);
    w.member("label", t.label);
    w.member("level", t.level);
    w.member("score", t.score);
    w.end_object();
  }
  w.end_array();

  write_tone(w, "tone", doc.tone);

  w.key("issues");
  w.begin_array();
  for (const StageIssue& i : doc.issues) {
    w.begin_object();
    w.member("stage", i.stage);
    w.member("message", i.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
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
      Token& t = doc.tokens.emplace_back();
      t.span = checked(span_from(o));
      t.kind = enum_from(kTokenKinds, o.at("kind").get<std::string>(), "token kind");
      t.space_after = o.value("space_after", true);
      t.upos = upos_of(o);
      t.xpos = str_or_empty(o, "xpos");
      t.head = o.value("head", uint32_t{0});
      t.deprel = str_or_empty(o, "deprel");
      t.rel = base_relation(t.deprel);
    }
    for (const json& o : j.value("entities", json::array())) {
      Entity e;
      e.id = o.at("id").get<std::string>();
      e.kind = entity_kind(o);
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
      m.kind = entity_kind(o);
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
    for (const json& o : j.value("events", json::array())) doc.events.push_back(event_from(o, checked));
    for (const json& o : j.value("flags", json::array())) {
      Flag f;
      f.kind = str_or_empty(o, "kind");
      f.message = str_or_empty(o, "message");
      for (const json& s : o.value("evidence", json::array())) f.evidence.push_back(checked(span_from(s)));
      f.confidence = o.value("confidence", 0.0);
      doc.flags.push_back(std::move(f));
    }
    for (const json& o : j.value("topics", json::array())) {
      doc.topics.push_back({str_or_empty(o, "id"), str_or_empty(o, "label"), o.value("level", 1),
                            o.value("score", 0.0)});
    }
    for (const json& o : j.value("issues", json::array())) {
      doc.issues.push_back({str_or_empty(o, "stage"), str_or_empty(o, "message")});
    }
    doc.tone = tone_from(j, "tone");
    return doc;
  } catch (const std::exception& e) {
    // nlohmann reports malformed input by exception; turn it into a value here,
    // at the boundary, so callers see a Status.
    return Status(ErrorCode::kParseError, e.what());
  }
}

std::string event_to_json(const Document& doc, const Event& e) {
  std::string out;
  JsonWriter w(out, false);
  w.begin_object();
  write_event(w, doc, e);
  w.member("sentence_text", e.sentence < doc.sentences.size() ? doc.slice(doc.sentences[e.sentence].span)
                                                              : std::string_view());
  write_tone(w, "article_tone", doc.tone);
  w.end_object();
  return out;
}

Result<EventRecord> event_from_json(std::string_view text) {
  try {
    const json o = json::parse(text);
    if (!o.is_object()) return Status(ErrorCode::kParseError, "event JSON must be an object");
    EventRecord r;
    r.event = event_from(o, [](Span s) {
      if (s.begin > s.end) throw std::out_of_range("span with begin after end");
      return s;
    });
    const auto text_of = [&](const char* key) {
      const auto it = o.find(key);
      return it != o.end() && it->is_object() ? str_or_empty(*it, "text") : std::string();
    };
    r.source_text = text_of("source");
    r.target_text = text_of("target");
    r.sentence_text = str_or_empty(o, "sentence_text");
    r.article_tone = tone_from(o, "article_tone");
    return r;
  } catch (const std::exception& e) {
    return Status(ErrorCode::kParseError, e.what());
  }
}

}  // namespace caspian
