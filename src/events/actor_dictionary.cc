#include "events/actor_dictionary.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "caspian/utf8.h"
#include "events/dictionary_text.h"

namespace caspian::events {

namespace {

std::string_view strip_comment(std::string_view line) {
  const auto hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// The regular English plural of a folded noun.
std::string plural(std::string_view w) {
  std::string p(w);
  if (w.empty()) return p;
  const auto ends = [&](std::string_view s) {
    return w.size() >= s.size() && w.substr(w.size() - s.size()) == s;
  };
  if (ends("s") || ends("x") || ends("z") || ends("sh") || ends("ch")) return p + "es";
  if (w.size() > 1 && w.back() == 'y' && !is_vowel(w[w.size() - 2])) return p.substr(0, p.size() - 1) + "ies";
  return p + "s";
}

}  // namespace

std::vector<std::string> dictionary_words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  for (const char c : name) {
    if (c == '_' || c == ' ' || c == '\t') {
      if (!current.empty()) words.push_back(utf8::fold(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) words.push_back(utf8::fold(current));
  return words;
}

Day ActorDictionary::day_of(int year, unsigned month, unsigned day) {
  const std::chrono::sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
  return static_cast<Day>(d.time_since_epoch().count());
}

std::optional<Day> ActorDictionary::parse_day(std::string_view digits) {
  constexpr size_t kShort = 6;  // YYMMDD
  constexpr size_t kLong = 8;   // YYYYMMDD
  if (digits.size() != kShort && digits.size() != kLong) return std::nullopt;
  int value = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  constexpr int kHundred = 100;
  const auto day = static_cast<unsigned>(value % kHundred);
  const auto month = static_cast<unsigned>(value / kHundred % kHundred);
  int year = value / (kHundred * kHundred);
  if (digits.size() == kShort) {
    constexpr int kPivot = 30;  // PETRARCH's two-digit years: 00-30 are 20xx, 31-99 19xx
    year += year <= kPivot ? 2000 : 1900;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return day_of(year, month, day);
}

std::string ActorEntry::code_on(Day day) const {
  const DatedCode* best = nullptr;
  const DatedCode* undated = nullptr;
  for (const DatedCode& c : codes) {
    if (!c.dated) {
      undated = &c;
    } else if (day >= c.from && day <= c.until) {
      const auto width = [](const DatedCode& d) { return int64_t{d.until} - d.from; };
      if (best == nullptr || width(c) < width(*best)) best = &c;
    }
  }
  if (best != nullptr) return best->code;
  return undated != nullptr ? undated->code : std::string();
}

void ActorDictionary::PhraseIndex::add(std::vector<std::string> words, uint32_t entry) {
  if (words.empty()) return;
  auto& list = by_first[words.front()];
  for (Phrase& p : list) {
    if (p.words == words) {  // a later file overrides the name
      p.entry = entry;
      return;
    }
  }
  const auto pos =
      std::find_if(list.begin(), list.end(), [&](const Phrase& p) { return p.words.size() < words.size(); });
  list.insert(pos, Phrase{std::move(words), entry});
}

template <class Accept>
std::pair<size_t, uint32_t> ActorDictionary::PhraseIndex::longest(std::span<const std::string> words,
                                                                  Accept accept) const {
  if (words.empty()) return {0, 0};
  const auto it = by_first.find(words.front());
  if (it == by_first.end()) return {0, 0};
  for (const Phrase& p : it->second) {  // longest first
    if (p.words.size() > words.size()) continue;
    if (std::equal(p.words.begin(), p.words.end(), words.begin()) && accept(p.entry))
      return {p.words.size(), p.entry};
  }
  return {0, 0};
}

Status ActorDictionary::add_actor_file(const std::filesystem::path& path) {
  auto text = read_text_file(path, "actor dictionary");
  if (!text.ok()) return text.status();
  return add_actors(*text, path.string());
}

Status ActorDictionary::add_actors(std::string_view text, std::string_view origin) {
  std::vector<std::vector<std::string>> names;  // of the entry being read
  ActorEntry entry;
  const auto finish = [&] {
    if (!entry.name.empty() && !entry.codes.empty()) {
      const auto id = static_cast<uint32_t>(actors_.size());
      actors_.push_back(std::move(entry));
      for (auto& n : names) actor_names_.add(std::move(n), id);
    }
    entry = ActorEntry();
    names.clear();
  };
  // Reads the "[CODE ...]" groups of `s` into the entry.
  const auto read_codes = [&](std::string_view s, size_t line_no) -> Status {
    while (true) {
      const auto open = s.find('[');
      if (open == std::string_view::npos) return Status();
      const auto close = s.find(']', open);
      const auto bad = [&](std::string_view what) {
        return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", origin, line_no, what));
      };
      if (close == std::string_view::npos) return bad("'[' without ']'");
      if (entry.name.empty()) return bad("a code before any actor name");
      const std::string_view inside = trim(s.substr(open + 1, close - open - 1));
      s = s.substr(close + 1);
      const auto space = inside.find_first_of(" \t");
      DatedCode c;
      c.code = std::string(inside.substr(0, space));
      if (c.code.empty()) return bad("an empty code");
      if (space != std::string_view::npos) {
        const std::string_view range = trim(inside.substr(space));
        c.dated = true;
        bool ok = true;
        // Spaces inside a range are tolerated ("[HOB < 950601]", "[HOBGOV 19950601 - 19990815]").
        if (range.front() == '>') {
          const auto d = parse_day(trim(range.substr(1)));
          ok = d.has_value();
          if (ok) c.from = *d;
        } else if (range.front() == '<') {
          const auto d = parse_day(trim(range.substr(1)));
          ok = d.has_value();
          if (ok) c.until = *d;
        } else {
          const auto dash = range.find('-');
          const auto from =
              dash == std::string_view::npos ? std::nullopt : parse_day(trim(range.substr(0, dash)));
          const auto until =
              dash == std::string_view::npos ? std::nullopt : parse_day(trim(range.substr(dash + 1)));
          ok = from.has_value() && until.has_value();
          if (ok) {
            c.from = *from;
            c.until = *until;
          }
        }
        // The PETRARCH files hold a few mistyped dates ("9008223"): such a role is left out
        // rather than made undated, which would turn it into the fallback.
        if (!ok) {
          ++skipped_codes_;
          continue;
        }
      }
      entry.codes.push_back(std::move(c));
    }
  };
  Status st = for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    const std::string_view line = trim(strip_comment(raw));
    if (line.empty()) return Status();
    if (line.front() == '[') return read_codes(line, line_no);
    if (line.front() == '+') {
      if (entry.name.empty()) {
        return Status(ErrorCode::kParseError,
                      fmt::format("{}:{}: a synonym before any actor name", origin, line_no));
      }
      const auto open = line.find('[');
      auto words = dictionary_words(trim(line.substr(1, open == std::string_view::npos ? open : open - 1)));
      if (!words.empty()) names.push_back(std::move(words));
      return open == std::string_view::npos ? Status() : read_codes(line.substr(open), line_no);
    }
    finish();
    const auto open = line.find('[');
    const std::string_view name = trim(line.substr(0, open));
    entry.name = std::string(name);
    auto words = dictionary_words(name);
    if (words.empty())
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: an empty actor name", origin, line_no));
    names.push_back(std::move(words));
    return open == std::string_view::npos ? Status() : read_codes(line.substr(open), line_no);
  });
  if (!st.ok()) return st;
  finish();
  return Status();
}

Status ActorDictionary::add_agent_file(const std::filesystem::path& path) {
  auto text = read_text_file(path, "agent dictionary");
  if (!text.ok()) return text.status();
  return add_agents(*text, path.string());
}

Status ActorDictionary::add_agents(std::string_view text, std::string_view origin) {
  std::unordered_map<std::string, std::vector<std::string>> sets;  // "!PERSON!" -> alternatives
  return for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    const std::string_view line = trim(strip_comment(raw));
    if (line.empty()) return Status();
    const auto bad = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", origin, line_no, what));
    };
    if (line.front() == '!' && line.find('=') != std::string_view::npos) {
      const auto eq = line.find('=');
      std::vector<std::string> alternatives;
      std::string_view rest = line.substr(eq + 1);
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view alt = trim(rest.substr(0, comma));
        if (!alt.empty()) alternatives.emplace_back(alt);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
      sets[std::string(trim(line.substr(0, eq)))] = std::move(alternatives);
      return Status();
    }
    const auto open = line.find('[');
    // As in PETRARCH, a line without a code is not an agent ("ISLAMIC_EXTREMIST" in
    // Phoenix.agents.txt); "}" closes a code too ("[~ENV}").
    if (open == std::string_view::npos) return Status();
    const auto close = line.find_first_of("]}", open);
    if (close == std::string_view::npos) return bad("'[' without ']'");
    std::string_view code = trim(line.substr(open + 1, close - open - 1));
    AgentEntry agent;
    if (!code.empty() && code.front() == '~') {
      code.remove_prefix(1);
    } else if (!code.empty() && code.back() == '~') {
      code.remove_suffix(1);
      agent.prefix = true;
    }
    if (code.empty()) return bad("an empty agent code");
    agent.code = std::string(code);
    std::string_view name = trim(line.substr(0, open));
    std::vector<std::string> plurals;
    bool explicit_plurals = false;
    if (const auto brace = name.find('{'); brace != std::string_view::npos) {
      const auto end = name.find('}', brace);
      if (end == std::string_view::npos) return bad("'{' without '}'");
      explicit_plurals = true;
      std::string_view list = name.substr(brace + 1, end - brace - 1);
      while (!list.empty()) {
        const auto sp = list.find_first_of(" \t");
        const std::string_view p = trim(list.substr(0, sp));
        if (!p.empty()) plurals.emplace_back(p);
        if (sp == std::string_view::npos) break;
        list = list.substr(sp + 1);
      }
      name = trim(name.substr(0, brace));
    }
    // Expands one "!SET!" reference (the files use at most one per name).
    std::vector<std::string> forms{std::string(name)};
    if (const auto bang = name.find('!'); bang != std::string_view::npos) {
      const auto bang2 = name.find('!', bang + 1);
      if (bang2 == std::string_view::npos) return bad("an unterminated !SET! reference");
      const std::string set_name(name.substr(bang, bang2 - bang + 1));
      const auto it = sets.find(set_name);
      if (it == sets.end()) return bad(fmt::format("unknown substitution set {}", set_name));
      forms.clear();
      for (const std::string& alt : it->second) {
        forms.push_back(std::string(name.substr(0, bang)) + alt + std::string(name.substr(bang2 + 1)));
      }
    }
    const auto id = static_cast<uint32_t>(agents_.size());
    agents_.push_back(std::move(agent));
    for (const std::string& form : forms) {
      auto words = dictionary_words(form);
      if (words.empty()) continue;
      if (!explicit_plurals) {
        auto p = words;
        p.back() = plural(p.back());
        agent_names_.add(std::move(p), id);
      }
      agent_names_.add(std::move(words), id);
    }
    for (const std::string& p : plurals) agent_names_.add(dictionary_words(p), id);
    return Status();
  });
}

NameMatch ActorDictionary::match_actor(std::span<const std::string> words, Day day) const {
  const auto [n, id] =
      actor_names_.longest(words, [&](uint32_t e) { return !actors_[e].code_on(day).empty(); });
  if (n == 0) return {};
  return {n, &actors_[id], nullptr};
}

NameMatch ActorDictionary::match_agent(std::span<const std::string> words) const {
  const auto [n, id] = agent_names_.longest(words, [](uint32_t) { return true; });
  if (n == 0) return {};
  return {n, nullptr, &agents_[id]};
}

}  // namespace caspian::events
