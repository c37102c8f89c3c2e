#include "events/verb_dictionary.h"

#include <fmt/format.h>

#include <string_view>
#include <unordered_set>

#include "caspian/utf8.h"
#include "events/actor_dictionary.h"
#include "events/dictionary_text.h"

namespace caspian::events {

namespace {

// Cuts a "#" comment; a "#" inside brackets is part of a code ("[###]" in PETRARCH's test files).
std::string_view strip_comment(std::string_view line) {
  bool in_code = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '[') in_code = true;
    if (line[i] == ']') in_code = false;
    if (line[i] == '#' && !in_code) return line.substr(0, i);
  }
  return line;
}

bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// The regular forms of a folded verb: -s, -ed, -ing (PETRARCH generates these when no irregular
// forms are listed).
std::vector<std::string> regular_forms(const std::string& v) {
  std::vector<std::string> forms{v};
  if (v.empty()) return forms;
  const auto ends = [&](std::string_view s) {
    return v.size() >= s.size() && v.compare(v.size() - s.size(), s.size(), s) == 0;
  };
  const bool consonant_y = v.size() > 1 && v.back() == 'y' && !is_vowel(v[v.size() - 2]);
  const std::string stem_y = consonant_y ? v.substr(0, v.size() - 1) : v;
  if (ends("s") || ends("x") || ends("z") || ends("sh") || ends("ch") || ends("o")) {
    forms.push_back(v + "es");
  } else if (consonant_y) {
    forms.push_back(stem_y + "ies");
  } else {
    forms.push_back(v + "s");
  }
  if (v.back() == 'e') {
    forms.push_back(v + "d");
    if (!ends("ee"))
      forms.push_back(v.substr(0, v.size() - 1) + "ing");
    else
      forms.push_back(v + "ing");
  } else if (consonant_y) {
    forms.push_back(stem_y + "ied");
    forms.push_back(v + "ing");
  } else {
    forms.push_back(v + "ed");
    forms.push_back(v + "ing");
    // Consonant doubling after a single short vowel ("stop" -> "stopped"); both spellings are
    // indexed since the rule depends on stress ("visited", "admitted").
    constexpr size_t kMinDoubling = 3;
    if (v.size() >= kMinDoubling && !is_vowel(v.back()) && v.back() != 'w' && v.back() != 'x' &&
        v.back() != 'y' && is_vowel(v[v.size() - 2]) && !is_vowel(v[v.size() - 3])) {
      forms.push_back(v + v.back() + "ed");
      forms.push_back(v + v.back() + "ing");
    }
  }
  return forms;
}

// Splits "[042:043]" contents into the two codes; "---" is no code.
std::pair<std::string, std::string> split_code(std::string_view inside) {
  const auto norm = [](std::string_view c) { return c == "---" ? std::string() : std::string(c); };
  const auto colon = inside.find(':');
  if (colon == std::string_view::npos) return {norm(trim(inside)), std::string()};
  return {norm(trim(inside.substr(0, colon))), norm(trim(inside.substr(colon + 1)))};
}

}  // namespace

Result<VerbDictionary> VerbDictionary::load(const std::filesystem::path& path) {
  auto text = read_text_file(path, "verb dictionary");
  if (!text.ok()) return text.status();
  return parse(*text, path.string());
}

Result<VerbDictionary> VerbDictionary::parse(std::string_view text, std::string_view origin) {
  VerbDictionary d;
  enum class Section { kNone, kSynset, kBlock } section = Section::kNone;
  // Pattern items that name a synonym set are resolved after reading, as a set may be named
  // before it is defined.
  struct PendingSynset {
    uint32_t block;
    size_t pattern;
    bool after;
    size_t item;
    std::string name;
    size_t line;
  };
  std::vector<PendingSynset> pending;
  bool in_xml_comment = false;
  const Status read = for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    std::string_view line = raw;
    line = strip_comment(line);
    line = trim(line);
    if (line.empty()) return Status();
    // PETRARCH-2's validation dictionaries open with XML comment lines ("<!-- VERSION: 0.1 -->").
    if (in_xml_comment || line.starts_with("<!--")) {
      in_xml_comment = line.find("-->") == std::string_view::npos;
      return Status();
    }
    const auto bad = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", origin, line_no, what));
    };
    if (line.starts_with("---")) {
      // "---  VERB   [code]  ---"
      const auto open = line.find('[');
      const auto close = line.find(']', open == std::string_view::npos ? 0 : open);
      if (open == std::string_view::npos || close == std::string_view::npos)
        return bad("a verb block without [code]");
      VerbBlock b;
      b.head = std::string(trim(line.substr(3, open - 3)));
      std::tie(b.code, b.reverse_code) = split_code(line.substr(open + 1, close - open - 1));
      d.blocks_.push_back(std::move(b));
      section = Section::kBlock;
      return Status();
    }
    if (line.front() == '&' && section != Section::kBlock) {
      const std::string name(trim(line));
      d.synset_ids_[name] = static_cast<uint32_t>(d.synsets_.size());
      d.synsets_.emplace_back();
      section = Section::kSynset;
      return Status();
    }
    if (section == Section::kSynset) {
      if (line.front() != '+') return bad("a synonym-set member must start with '+'");
      SynsetMember m;
      const std::string_view word = trim(line.substr(1));
      m.exact = word.ends_with('_');
      m.words = dictionary_words(word);
      if (!m.words.empty()) d.synsets_.back().push_back(std::move(m));
      return Status();
    }
    if (section != Section::kBlock) return bad("text before the first synonym set or verb block");
    const auto block_id = static_cast<uint32_t>(d.blocks_.size() - 1);
    VerbBlock& block = d.blocks_.back();
    if (line.front() == '-') {
      const auto open = line.rfind('[');
      const auto close = line.find(']', open == std::string_view::npos ? 0 : open);
      if (open == std::string_view::npos || close == std::string_view::npos)
        return bad("a pattern without [code]");
      VerbPattern p;
      std::tie(p.code, p.target_code) = split_code(line.substr(open + 1, close - open - 1));
      const std::string_view body = trim(line.substr(1, open - 1));
      p.text = std::string(body);
      const auto star = body.find('*');
      if (star == std::string_view::npos) return bad("a pattern without '*' (the verb)");
      bool after = false;
      std::string_view rest = body;
      while (!rest.empty()) {
        const auto sp = rest.find_first_of(" \t");
        std::string_view tok = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : trim(rest.substr(sp));
        // Grouping marks only delimit phrases; the words inside are matched in order.
        while (!tok.empty() && (tok.front() == '(' || tok.front() == '{')) tok.remove_prefix(1);
        while (!tok.empty() && (tok.back() == ')' || tok.back() == '}')) tok.remove_suffix(1);
        if (tok.empty()) continue;
        auto& items = after ? p.after : p.before;
        PatternItem it;
        if (tok == "*") {
          after = true;
          continue;
        }
        if (tok == "$") {
          it.kind = PatternItem::Kind::kSource;
        } else if (tok == "+") {
          it.kind = PatternItem::Kind::kTarget;
        } else if (tok == "^" || tok == "%") {
          it.kind = PatternItem::Kind::kAny;
        } else if (tok.front() == '&') {
          it.kind = PatternItem::Kind::kSynset;
          pending.push_back(
              {block_id, block.patterns.size(), after, items.size(), std::string(tok), line_no});
          ++p.words;
        } else {
          it.exact = tok.ends_with('_');
          for (auto w : dictionary_words(tok)) {
            PatternItem word = it;
            word.word = std::move(w);
            items.push_back(std::move(word));
            ++p.words;
          }
          continue;
        }
        items.push_back(std::move(it));
      }
      block.patterns.push_back(std::move(p));
      return Status();
    }
    // A verb line: "WORD {FORMS} [code]" or "+MULTI_WORD {+FORMS_X} [code]".
    std::string_view rest = line;
    std::string code = block.code;
    std::string reverse_code = block.reverse_code;
    if (const auto open = rest.find('['); open != std::string_view::npos) {
      const auto close = rest.find(']', open);
      if (close == std::string_view::npos) return bad("'[' without ']'");
      std::tie(code, reverse_code) = split_code(rest.substr(open + 1, close - open - 1));
      rest = trim(rest.substr(0, open));
    }
    std::vector<std::string> listed;
    bool has_list = false;
    if (const auto brace = rest.find('{'); brace != std::string_view::npos) {
      const auto close = rest.find('}', brace);
      if (close == std::string_view::npos) return bad("'{' without '}'");
      has_list = true;
      std::string_view list = rest.substr(brace + 1, close - brace - 1);
      while (!list.empty()) {
        const auto sp = list.find_first_of(" \t");
        const std::string_view f = trim(list.substr(0, sp));
        if (!f.empty()) listed.emplace_back(f);
        if (sp == std::string_view::npos) break;
        list = trim(list.substr(sp));
      }
      rest = trim(rest.substr(0, brace));
    }
    const std::vector<std::string> line_words =
        dictionary_words(rest.starts_with('+') ? rest.substr(1) : rest);
    const std::string lemma = line_words.empty() ? std::string() : line_words.front();
    const auto add = [&](std::string_view written, bool regular) {
      std::string_view w = written;
      if (!w.empty() && w.front() == '+') w.remove_prefix(1);
      auto words = dictionary_words(w);
      if (words.empty()) return;
      VerbForm f{block_id, code, reverse_code, std::vector<std::string>(words.begin() + 1, words.end()),
                 lemma};
      const std::vector<std::string> forms =
          regular ? regular_forms(words.front()) : std::vector{words.front()};
      for (const std::string& form : forms) d.forms_[form].push_back(f);
    };
    add(rest, !has_list);
    for (const std::string& f : listed) add(f, false);
    return Status();
  });
  if (!read.ok()) return read;
  for (const PendingSynset& ps : pending) {
    const auto it = d.synset_ids_.find(ps.name);
    PatternItem& item = (ps.after ? d.blocks_[ps.block].patterns[ps.pattern].after
                                  : d.blocks_[ps.block].patterns[ps.pattern].before)[ps.item];
    if (it == d.synset_ids_.end()) {
      // As in PETRARCH, a pattern naming an undefined set keeps the name as a literal word, which
      // no text matches (CAMEO.2.0.txt names "&FIGHT_CRIM").
      item.kind = PatternItem::Kind::kWord;
      item.word = ps.name;
      item.exact = true;
      d.unknown_synsets_.push_back(fmt::format("{}:{}: {}", origin, ps.line, ps.name));
      continue;
    }
    item.synset = it->second;
  }
  if (d.blocks_.empty()) return Status(ErrorCode::kParseError, fmt::format("{}: no verb blocks", origin));
  return d;
}

std::span<const VerbForm> VerbDictionary::lookup(std::string_view word) const {
  const auto it = forms_.find(std::string(word));
  if (it == forms_.end()) return {};
  return it->second;
}

size_t VerbDictionary::pattern_count() const {
  size_t n = 0;
  for (const VerbBlock& b : blocks_) n += b.patterns.size();
  return n;
}

size_t VerbDictionary::match(const PatternItem& item, std::span<const std::string> words) const {
  if (words.empty()) return 0;
  // A stem matches a word that starts with it and adds at most a short ending ("attack" matches
  // "attacks", "attacked"), not any longer word.
  constexpr size_t kMaxEnding = 3;
  const auto word_matches = [](const std::string& pattern, const std::string& w, bool exact) {
    if (exact) return w == pattern;
    if (w.size() >= pattern.size() && w.size() <= pattern.size() + kMaxEnding && w.starts_with(pattern)) {
      // An inflection, not another word that happens to begin the same ("governor" is not
      // "governorate", "nation" not "national").
      static const std::unordered_set<std::string_view> kEndings = {"",   "s",   "es", "d", "ed", "ing",
                                                                    "er", "ers", "'s", "n", "en"};
      return kEndings.contains(std::string_view(w).substr(pattern.size()));
    }
    // "army" matches "armies".
    return pattern.ends_with('y') && w.size() == pattern.size() + 2 && w.ends_with("ies") &&
           w.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  };
  if (item.kind == PatternItem::Kind::kWord)
    return word_matches(item.word, words.front(), item.exact) ? 1 : 0;
  if (item.kind != PatternItem::Kind::kSynset || item.synset >= synsets_.size()) return 0;
  size_t best = 0;
  for (const SynsetMember& m : synsets_[item.synset]) {
    if (m.words.size() > words.size() || m.words.size() <= best) continue;
    bool ok = true;
    for (size_t i = 0; i < m.words.size() && ok; ++i) {
      ok = word_matches(m.words[i], words[i], i + 1 < m.words.size() || m.exact);
    }
    if (ok) best = m.words.size();
  }
  return best;
}

}  // namespace caspian::events
