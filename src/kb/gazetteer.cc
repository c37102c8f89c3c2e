#include "kb/gazetteer.h"

#include <fmt/format.h>
#include <utf8proc.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "caspian/utf8.h"

namespace caspian::kb {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagicPrefix = "#caspian-gazetteer-";
constexpr size_t kReadChunk = size_t{1} << 16;
// Multi-valued fields are joined with these.
constexpr char kListSeparator = '|';
constexpr char kCodeSeparator = ',';

// Reads a whole file, transparently inflating gzip (gzread passes plain
// files through unchanged).
Result<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Status(ErrorCode::kNotFound, fmt::format("gazetteer file '{}' not found", path.string()));
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status(ErrorCode::kIoError, fmt::format("cannot open '{}'", path.string()));
  std::string out;
  std::array<char, kReadChunk> buf{};
  int n = 0;
  while ((n = gzread(file, buf.data(), static_cast<unsigned>(buf.size()))) > 0) out.append(buf.data(), n);
  int errnum = Z_OK;
  const char* message = gzerror(file, &errnum);
  const bool failed = n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END);
  std::string why = failed && message != nullptr ? message : "";
  gzclose(file);
  if (failed)
    return Status(ErrorCode::kCorrupt, fmt::format("'{}': cannot decompress: {}", path.string(), why));
  return out;
}

// Splits `s` on `sep`; empty input gives no fields.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// One gazetteer TSV file: checks the magic line and hands out data rows with
// their line numbers so errors can name them.
class TsvReader {
 public:
  static Result<TsvReader> open(const fs::path& path, std::string_view kind, size_t columns) {
    auto text = read_file(path);
    if (!text.ok()) return text.status();
    TsvReader r(path, std::move(text).value(), columns);
    CASPIAN_RETURN_IF_ERROR(r.check_header(kind));
    return r;
  }

  // Next data row (comment lines are skipped); false at the end.
  bool next(std::vector<std::string_view>& fields) {
    while (pos_ < text_.size()) {
      const size_t end = std::min(text_.find('\n', pos_), text_.size());
      std::string_view line(text_.data() + pos_, end - pos_);
      pos_ = end + 1;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line.front() == '#') continue;
      fields = split(line, '\t');
      return true;
    }
    return false;
  }

  Status corrupt(std::string_view what) const {
    return Status(ErrorCode::kCorrupt, fmt::format("{}:{}: {}", path_.string(), line_, what));
  }
  Status check_columns(const std::vector<std::string_view>& fields) const {
    if (fields.size() == columns_) return Status::Ok();
    return corrupt(fmt::format("expected {} tab-separated fields, got {}", columns_, fields.size()));
  }

 private:
  TsvReader(fs::path path, std::string text, size_t columns)
      : path_(std::move(path)), text_(std::move(text)), columns_(columns) {}

  Status check_header(std::string_view kind) {
    const size_t end = std::min(text_.find('\n'), text_.size());
    const std::string_view first(text_.data(), end);
    pos_ = end + 1;
    line_ = 1;
    const std::string magic = fmt::format("{}{}\t", kMagicPrefix, kind);
    if (first.substr(0, magic.size()) != magic) {
      return corrupt(fmt::format("missing header '{}<version>'", magic));
    }
    int version = 0;
    const std::string_view v = first.substr(magic.size());
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || p != v.data() + v.size())
      return corrupt(fmt::format("bad format version '{}'", v));
    if (version != kGazetteerFormatVersion) {
      return Status(ErrorCode::kUnsupportedVersion,
                    fmt::format("{}:1: gazetteer format version {} is not supported (this build reads {})",
                                path_.string(), version, kGazetteerFormatVersion));
    }
    return Status::Ok();
  }

  fs::path path_;
  std::string text_;
  size_t columns_ = 0;
  size_t pos_ = 0;
  size_t line_ = 0;
};

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Parses an optional coordinate ("" -> nullopt); false if malformed.
bool parse_optional(std::string_view s, std::optional<double>& out) {
  if (s.empty()) return true;
  double v = 0;
  if (!parse_number(s, v)) return false;
  out = v;
  return true;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool is_dropped_punct(char32_t cp) {
  // Periods and apostrophes vanish from keys ("U.S." -> "us", "Sana'a" -> "sanaa").
  return cp == U'.' || cp == U'\'' || cp == U'\u2019' || cp == U'\u2018' || cp == U'\u02BC' ||
         cp == U'\u02BB' || cp == U'`';
}

}  // namespace

std::string Gazetteer::key(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  auto emit_space = [&] { pending_space = !out.empty(); };
  const bool ascii =
      std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    // Hand-written fast path: most names are ASCII and this runs for every
    // gazetteer name at load time and every candidate span at link time.
    for (char c : name) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      } else if (!is_dropped_punct(static_cast<char32_t>(c))) {
        emit_space();
      }
    }
    return out;
  }
  // General path: utf8proc folds case, decomposes and strips accents.
  utf8proc_uint8_t* raw = nullptr;
  const auto opts = static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                                   UTF8PROC_STRIPMARK | UTF8PROC_STABLE | UTF8PROC_IGNORE);
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(name.data()),
                                          static_cast<utf8proc_ssize_t>(name.size()), &raw, opts);
  if (n < 0) return std::string(name);
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(raw, &std::free);
  const std::string_view folded(reinterpret_cast<const char*>(raw), static_cast<size_t>(n));
  size_t pos = 0;
  while (pos < folded.size()) {
    const char32_t cp = utf8::decode(folded, pos);
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    const bool alnum = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
    if (alnum) {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      utf8::append(out, cp);
    } else if (!is_dropped_punct(cp)) {
      emit_space();
    }
  }
  return out;
}

void Gazetteer::add_name(std::string_view name, NameRef ref) {
  std::string k = key(name);
  if (k.empty()) return;
  max_key_words_ = std::max(max_key_words_, static_cast<size_t>(std::count(k.begin(), k.end(), ' ') + 1));
  auto& refs = names_[std::move(k)];
  for (const NameRef& r : refs) {
    if (r.type == ref.type && r.index == ref.index) return;
  }
  refs.push_back(ref);
}

Result<std::unique_ptr<Gazetteer>> Gazetteer::load(const fs::path& dir) {
  std::unique_ptr<Gazetteer> g(new Gazetteer());
  // Places first: countries refer to their capitals by GeoNames id.
  CASPIAN_RETURN_IF_ERROR(g->load_places(dir / "places.tsv.gz"));
  CASPIAN_RETURN_IF_ERROR(g->load_countries(dir / "countries.tsv"));
  CASPIAN_RETURN_IF_ERROR(g->load_subdivisions(dir / "subdivisions.tsv"));
  CASPIAN_RETURN_IF_ERROR(g->load_features(dir / "features.tsv"));
  CASPIAN_RETURN_IF_ERROR(g->load_ambiguous(dir / "ambiguous.tsv"));
  return g;
}

Status Gazetteer::load_places(const fs::path& path) {
  constexpr size_t kColumns = 9;
  constexpr size_t kExpectedPlaces = 50000;
  auto reader = TsvReader::open(path, "places", kColumns);
  if (!reader.ok()) return reader.status();
  places_.reserve(kExpectedPlaces);
  names_.reserve(2 * kExpectedPlaces);
  place_by_id_.reserve(kExpectedPlaces);
  std::vector<std::string_view> f;
  while (reader->next(f)) {
    CASPIAN_RETURN_IF_ERROR(reader->check_columns(f));
    Place p;
    if (!parse_number(f[0], p.geonameid) || !parse_number(f[5], p.population) || !parse_number(f[6], p.lat) ||
        !parse_number(f[7], p.lon) || f[1].empty() || f[2].size() != 2) {
      return reader->corrupt("malformed place row");
    }
    p.name = f[1];
    p.country = f[2];
    p.admin1 = f[3];
    p.feature_code = f[4];
    const auto index = static_cast<uint32_t>(places_.size());
    if (!place_by_id_.emplace(p.geonameid, index).second) {
      return reader->corrupt(fmt::format("duplicate geonameid {}", p.geonameid));
    }
    add_name(p.name, {NameType::kPlace, index});
    for (std::string_view alias : split(f[8], kListSeparator))
      add_name(alias, {NameType::kPlaceAlias, index});
    places_.push_back(std::move(p));
  }
  return Status::Ok();
}

Status Gazetteer::load_countries(const fs::path& path) {
  constexpr size_t kColumns = 13;
  auto reader = TsvReader::open(path, "countries", kColumns);
  if (!reader.ok()) return reader.status();
  std::vector<std::string_view> f;
  while (reader->next(f)) {
    CASPIAN_RETURN_IF_ERROR(reader->check_columns(f));
    Country c;
    c.alpha2 = f[0];
    c.alpha3 = f[1];
    c.name = f[2];
    c.official = f[3];
    c.capital = f[4];
    if (c.alpha2.size() != 2 || c.alpha3.size() != 3 || c.name.empty() ||
        (!f[5].empty() && !parse_number(f[5], c.capital_place)) || !parse_optional(f[6], c.lat) ||
        !parse_optional(f[7], c.lon)) {
      return reader->corrupt("malformed country row");
    }
    if (c.capital_place != 0 && place_by_id_.find(c.capital_place) == place_by_id_.end()) {
      return reader->corrupt(fmt::format("capital {} is not in places.tsv.gz", c.capital_place));
    }
    c.subregion = f[8];
    for (std::string_view b : split(f[9], kCodeSeparator)) c.borders.emplace_back(b);
    const auto index = static_cast<uint32_t>(countries_.size());
    country_by_code_[c.alpha2] = index;
    country_by_code_[c.alpha3] = index;
    add_name(c.name, {NameType::kCountryName, index});
    for (std::string_view n : split(f[10], kListSeparator)) add_name(n, {NameType::kCountryName, index});
    for (std::string_view n : split(f[11], kListSeparator)) add_name(n, {NameType::kCountryAdjective, index});
    for (std::string_view n : split(f[12], kListSeparator)) add_name(n, {NameType::kCountryAcronym, index});
    countries_.push_back(std::move(c));
  }
  return Status::Ok();
}

Status Gazetteer::load_subdivisions(const fs::path& path) {
  constexpr size_t kColumns = 7;
  auto reader = TsvReader::open(path, "subdivisions", kColumns);
  if (!reader.ok()) return reader.status();
  std::vector<std::string_view> f;
  while (reader->next(f)) {
    CASPIAN_RETURN_IF_ERROR(reader->check_columns(f));
    Subdivision s;
    s.code = f[0];
    s.name = f[1];
    s.country = f[2];
    s.type = f[3];
    if (s.code.size() < 4 || s.name.empty() || s.country.size() != 2 || !parse_optional(f[4], s.lat) ||
        !parse_optional(f[5], s.lon)) {
      return reader->corrupt("malformed subdivision row");
    }
    const auto index = static_cast<uint32_t>(subdivisions_.size());
    add_name(s.name, {NameType::kSubdivision, index});
    for (std::string_view n : split(f[6], kListSeparator)) add_name(n, {NameType::kSubdivision, index});
    subdivisions_.push_back(std::move(s));
  }
  return Status::Ok();
}

Status Gazetteer::load_features(const fs::path& path) {
  constexpr size_t kColumns = 7;
  constexpr std::string_view kIdPrefix = "feature:";
  auto reader = TsvReader::open(path, "features", kColumns);
  if (!reader.ok()) return reader.status();
  std::vector<std::string_view> f;
  while (reader->next(f)) {
    CASPIAN_RETURN_IF_ERROR(reader->check_columns(f));
    Feature x;
    x.id = f[0];
    x.name = f[1];
    x.type = f[2];
    if (!x.id.starts_with(kIdPrefix) || x.name.empty() || !parse_number(f[3], x.lat) ||
        !parse_number(f[4], x.lon)) {
      return reader->corrupt("malformed feature row");
    }
    for (std::string_view cc : split(f[5], kCodeSeparator)) x.countries.emplace_back(cc);
    const auto index = static_cast<uint32_t>(features_.size());
    add_name(x.name, {NameType::kFeature, index});
    for (std::string_view n : split(f[6], kListSeparator)) add_name(n, {NameType::kFeature, index});
    features_.push_back(std::move(x));
  }
  return Status::Ok();
}

Status Gazetteer::load_ambiguous(const fs::path& path) {
  constexpr size_t kColumns = 2;
  auto reader = TsvReader::open(path, "ambiguous", kColumns);
  if (!reader.ok()) return reader.status();
  std::vector<std::string_view> f;
  while (reader->next(f)) {
    CASPIAN_RETURN_IF_ERROR(reader->check_columns(f));
    Ambiguity a = Ambiguity::kNone;
    if (f[1] == "word") {
      a = Ambiguity::kCommonWord;
    } else if (f[1] == "person") {
      a = Ambiguity::kPersonName;
    } else {
      return reader->corrupt(fmt::format("unknown ambiguity class '{}'", f[1]));
    }
    ambiguous_[key(f[0])] = a;
  }
  return Status::Ok();
}

std::span<const NameRef> Gazetteer::lookup(std::string_view k) const {
  // unordered_map<std::string> has no heterogeneous find in C++20 without a
  // transparent hash; candidate keys are short, so the copy is cheap.
  auto it = names_.find(std::string(k));
  if (it == names_.end()) return {};
  return it->second;
}

Ambiguity Gazetteer::ambiguity(std::string_view k) const {
  auto it = ambiguous_.find(std::string(k));
  return it == ambiguous_.end() ? Ambiguity::kNone : it->second;
}

const Country* Gazetteer::country_by_code(std::string_view code) const {
  auto it = country_by_code_.find(upper_ascii(code));
  return it == country_by_code_.end() ? nullptr : &countries_[it->second];
}

const Place* Gazetteer::place_by_id(uint32_t geonameid) const {
  auto it = place_by_id_.find(geonameid);
  return it == place_by_id_.end() ? nullptr : &places_[it->second];
}

const Place* Gazetteer::capital_of(const Country& country) const {
  return country.capital_place == 0 ? nullptr : place_by_id(country.capital_place);
}

std::string_view Gazetteer::country_of(const NameRef& ref) const {
  switch (ref.type) {
    case NameType::kCountryName:
    case NameType::kCountryAdjective:
    case NameType::kCountryAcronym:
      return countries_[ref.index].alpha2;
    case NameType::kPlace:
    case NameType::kPlaceAlias:
      return places_[ref.index].country;
    case NameType::kSubdivision:
      return subdivisions_[ref.index].country;
    case NameType::kFeature: {
      const Feature& f = features_[ref.index];
      return f.countries.size() == 1 ? std::string_view(f.countries.front()) : std::string_view();
    }
  }
  return {};
}

Entity Gazetteer::entity(const NameRef& ref) const {
  Entity e;
  switch (ref.type) {
    case NameType::kCountryName:
    case NameType::kCountryAdjective:
    case NameType::kCountryAcronym: {
      const Country& c = countries_[ref.index];
      e.id = "iso3166:" + c.alpha3;
      e.kind = EntityKind::kCountry;
      e.name = c.name;
      e.country = c.alpha2;
      e.lat = c.lat;
      e.lon = c.lon;
      break;
    }
    case NameType::kPlace:
    case NameType::kPlaceAlias: {
      const Place& p = places_[ref.index];
      e.id = fmt::format("geonames:{}", p.geonameid);
      e.kind = EntityKind::kPlace;
      e.name = p.name;
      e.country = p.country;
      e.lat = p.lat;
      e.lon = p.lon;
      e.population = p.population;
      e.feature_code = p.feature_code;
      break;
    }
    case NameType::kSubdivision: {
      const Subdivision& s = subdivisions_[ref.index];
      e.id = "iso3166-2:" + s.code;
      e.kind = EntityKind::kPlace;
      e.name = s.name;
      e.country = s.country;
      e.lat = s.lat;
      e.lon = s.lon;
      e.feature_code = "ADM1";  // GeoNames' code for a first-order administrative division
      break;
    }
    case NameType::kFeature: {
      const Feature& f = features_[ref.index];
      e.id = f.id;
      e.kind = EntityKind::kFeature;
      e.name = f.name;
      e.country = std::string(country_of(ref));
      e.lat = f.lat;
      e.lon = f.lon;
      break;
    }
  }
  return e;
}

}  // namespace caspian::kb
