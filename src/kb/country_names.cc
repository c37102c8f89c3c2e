#include "kb/country_names.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "caspian/utf8.h"
#include "core/lines.h"

namespace caspian::kb {

namespace {

constexpr std::string_view kMagic = "#caspian-gazetteer-country-names\t";
constexpr size_t kColumns = 3;

// One code point of folded text and the bytes of the original it stands for.
struct Folded {
  char32_t cp = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
};

bool is_space(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') return true;
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ZS;
}

char32_t fold_cp(char32_t cp) {
  if (cp == U'\u2019' || cp == U'\u02BC') return U'\'';  // typographic apostrophes
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

// Letters, marks and digits: what a whole word must not touch.
bool is_word(char32_t cp) {
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// Han, Kana, Hangul and Thai: scripts written without spaces between words.
bool is_unspaced(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0E7F) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3040 && cp <= 0x30FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF);
}

// Hangul: Korean puts spaces between words but attaches particles at their end ("러시아는"), so a
// name in it must start a word and may end inside one ("이란", Iran, is also the particle of
// "사랑이란").
bool is_hangul(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xAC00 && cp <= 0xD7AF);
}

// Katakana letters and the long-vowel mark (not the middle dot U+30FB, which separates names): a
// loanword is a whole run of them, so a name in katakana must be one ("タイ", Thailand, is not
// found in "タイトル").
bool is_katakana_letter(char32_t cp) {
  return (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC;
}

// Arabic one-letter proclitics: wa- (and), fa- (so), bi- (in), li- (for), ka- (like).
bool is_arabic_proclitic(char32_t cp) {
  return cp == U'\u0648' || cp == U'\u0641' || cp == U'\u0628' || cp == U'\u0644' || cp == U'\u0643';
}

// Russian case endings, cheap and closed: a name whose last letter is `final` may be written with
// that letter replaced by one of `endings` ("Россия" as "России", "Украина" as "Украины", "Китай"
// as "Китае"); final 0 stands for any consonant, which the endings follow ("Казахстан" as
// "Казахстана"). Only the name's last word is inflected ("Российской Федерации" is not found).
struct Inflection {
  char32_t final;
  std::u32string_view endings[6];
};
constexpr Inflection kRussianInflections[] = {
    {U'я', {U"и", U"ю", U"ей", U"ею", U"е"}},
    {U'а', {U"ы", U"е", U"у", U"ой", U"ою", U"и"}},
    {U'й', {U"я", U"ю", U"е", U"ем"}},
    {0, {U"а", U"у", U"е", U"ом"}},
};
// The shortest stem an ending may follow, in letters.
constexpr size_t kMinInflectedStem = 3;

bool is_russian_consonant(char32_t cp) {
  return cp >= U'а' && cp <= U'я' &&
         std::u32string_view(U"аеиоуыэюяйь").find(cp) == std::u32string_view::npos;
}

// The folded code points of `s` (valid UTF-8), white space runs made one space.
std::vector<Folded> fold_text(std::string_view s) {
  std::vector<Folded> out;
  out.reserve(s.size() / 2);
  size_t pos = 0;
  while (pos < s.size()) {
    const auto begin = static_cast<uint32_t>(pos);
    const char32_t cp = utf8::decode(s, pos);
    const auto end = static_cast<uint32_t>(pos);
    if (is_space(cp)) {
      if (!out.empty() && out.back().cp == U' ') {
        out.back().end = end;
        continue;
      }
      out.push_back({U' ', begin, end});
      continue;
    }
    out.push_back({fold_cp(cp), begin, end});
  }
  return out;
}

Status corrupt(std::string_view source, size_t line, std::string_view what) {
  return Status(ErrorCode::kCorrupt, fmt::format("{}:{}: {}", source, line, what));
}

}  // namespace

Result<CountryNames> CountryNames::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    return Status(exists ? ErrorCode::kIoError : ErrorCode::kNotFound,
                  fmt::format("{}: cannot open country names", path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIoError, fmt::format("{}: read failed", path.string()));
  return parse(text.str(), path.string());
}

Result<CountryNames> CountryNames::parse(std::string_view text, std::string_view source) {
  CountryNames names;
  const size_t first_end = std::min(text.find('\n'), text.size());
  std::string_view first = text.substr(0, first_end);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.substr(0, kMagic.size()) != kMagic) {
    return corrupt(source, 1, fmt::format("missing header '{}<version>'", kMagic));
  }
  const std::string_view v = first.substr(kMagic.size());
  int version = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return corrupt(source, 1, fmt::format("bad format version '{}'", v));
  }
  if (version != kCountryNamesFormatVersion) {
    return Status(ErrorCode::kUnsupportedVersion,
                  fmt::format("{}:1: country names format version {} is not supported (this build reads {})",
                              source, version, kCountryNamesFormatVersion));
  }
  const Status st = for_each_line(text, [&](size_t line_no, std::string_view line) -> Status {
    if (line_no == 1) return Status::Ok();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') return Status::Ok();
    const std::vector<std::string_view> f = split_tabs(line);
    if (f.size() != kColumns) {
      return corrupt(source, line_no,
                     fmt::format("expected {} tab-separated fields, got {}", kColumns, f.size()));
    }
    const std::string_view a2 = f[0];
    if (a2.size() != 2 || a2[0] < 'A' || a2[0] > 'Z' || a2[1] < 'A' || a2[1] > 'Z') {
      return corrupt(source, line_no, fmt::format("bad country code '{}'", a2));
    }
    if (f[1].empty() || f[2].empty()) return corrupt(source, line_no, "empty language or name");
    if (utf8::find_invalid(f[1]) || utf8::find_invalid(f[2]))
      return corrupt(source, line_no, "invalid UTF-8");
    const auto entry = static_cast<uint32_t>(names.entries_.size());
    names.entries_.push_back({std::string(a2), std::string(f[2])});
    names.add(f[1], entry);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return names;
}

void CountryNames::add(std::string_view language, uint32_t entry) {
  Trie& trie = by_language_[std::string(language)];
  uint32_t node = 0;
  bool any = false;
  for (const Folded& f : fold_text(entries_[entry].name)) {
    if (f.cp == U' ' && (!any)) continue;  // leading space
    any = true;
    const uint64_t key = (uint64_t{node} << 32) | f.cp;
    auto it = trie.edges.find(key);
    if (it == trie.edges.end()) {
      const auto child = static_cast<uint32_t>(trie.terminal.size());
      trie.terminal.push_back(-1);
      it = trie.edges.emplace(key, child).first;
    }
    node = it->second;
  }
  if (node == 0) return;  // nothing but spaces
  // The first row of a name wins (the file has each folded name once per language).
  if (trie.terminal[node] < 0) {
    trie.terminal[node] = static_cast<int32_t>(entry);
    ++trie.names;
  }
}

bool CountryNames::has_language(std::string_view language) const {
  return by_language_.count(std::string(language)) > 0;
}

size_t CountryNames::size(std::string_view language) const {
  const auto it = by_language_.find(std::string(language));
  return it == by_language_.end() ? 0 : it->second.names;
}

std::vector<CountryNameMatch> CountryNames::find(std::string_view language, std::string_view text) const {
  std::vector<CountryNameMatch> out;
  const auto lang = by_language_.find(std::string(language));
  if (lang == by_language_.end()) return out;
  const Trie& trie = lang->second;
  const bool arabic = language == "ar";
  const bool russian = language == "ru";
  const std::vector<Folded> t = fold_text(text);
  size_t i = 0;
  while (i < t.size()) {
    // A name in a spaced script starts a word (or, in Arabic, follows a proclitic that does).
    const char32_t prev = i == 0 ? U' ' : t[i - 1].cp;
    bool start_ok = i == 0 || !is_word(prev) ||
                    (is_unspaced(t[i].cp) && !is_hangul(t[i].cp) &&
                     !(is_katakana_letter(t[i].cp) && is_katakana_letter(prev)));
    if (!start_ok && arabic && is_arabic_proclitic(t[i - 1].cp)) start_ok = i == 1 || !is_word(t[i - 2].cp);
    if (!start_ok || t[i].cp == U' ') {
      ++i;
      continue;
    }
    uint32_t node = 0;
    int32_t best = -1;
    size_t best_end = i;
    // Whether `ending` follows t[0..from) and ends a word there; its end when so, else 0.
    const auto ending_at = [&](size_t from, std::u32string_view ending) -> size_t {
      if (ending.empty() || from + ending.size() > t.size()) return 0;
      for (size_t k = 0; k < ending.size(); ++k) {
        if (t[from + k].cp != ending[k]) return 0;
      }
      const size_t end = from + ending.size();
      return end == t.size() || !is_word(t[end].cp) ? end : 0;
    };
    const auto consider = [&](int32_t entry, size_t end) {
      if (entry >= 0 && end > best_end) {
        best = entry;
        best_end = end;
      }
    };
    for (size_t j = i; j < t.size(); ++j) {
      const auto it = trie.edges.find((uint64_t{node} << 32) | t[j].cp);
      if (it == trie.edges.end()) break;
      node = it->second;
      if (russian && j + 1 - i >= kMinInflectedStem) {
        for (const Inflection& inf : kRussianInflections) {
          int32_t entry = -1;
          if (inf.final == 0) {
            if (is_russian_consonant(t[j].cp)) entry = trie.terminal[node];
          } else if (const auto f = trie.edges.find((uint64_t{node} << 32) | inf.final);
                     f != trie.edges.end()) {
            entry = trie.terminal[f->second];
          }
          if (entry < 0) continue;
          for (std::u32string_view ending : inf.endings) consider(entry, ending_at(j + 1, ending));
        }
      }
      const int32_t entry = trie.terminal[node];
      if (entry < 0) continue;
      const char32_t next = j + 1 == t.size() ? U' ' : t[j + 1].cp;
      const bool end_ok = !is_word(next) || (is_unspaced(t[j].cp) &&
                                             !(is_katakana_letter(t[j].cp) && is_katakana_letter(next)));
      if (end_ok) consider(entry, j + 1);
    }
    if (best < 0) {
      ++i;
      continue;
    }
    const Entry& e = entries_[static_cast<size_t>(best)];
    out.push_back({Span{t[i].begin, t[best_end - 1].end}, e.alpha2, e.name});
    i = best_end;
  }
  return out;
}

}  // namespace caspian::kb
