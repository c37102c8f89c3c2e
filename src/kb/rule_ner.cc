// The "rule_ner" stage: a pure rule-based recogniser of people,
// organisations and named events/agreements/routes ("misc"). Mentions carry
// method "rules" and lower confidences than the gazetteer's.
//
// Rules, in order (each word belongs to at most one new mention):
//  1. Titles: "President", "Prime Minister", "Dr.", "Secretary of State", ...
//     followed by 1-4 capitalised words -> person ("Nikol Pashinyan").
//  2. Heads: a run of capitalised words ending in an organisation head
//     ("Times", "Ministry", "Bank", ...) or a misc head ("Route", "Accord"),
//     optionally extended by "of/for/on ..." ("Ministry of Foreign Affairs",
//     "Bank of America") -> organisation or misc.
//  3. Structure: 2-4 capitalised words starting with a known given name, or
//     with a hyphenated part ("Kassym-Jomart Tokayev"), or ending in a
//     common surname suffix ("-yan", "-ov", "-enko") -> person.
//  4. Acronyms: NATO, OSCE, CSTO, ... (and other all-caps words not known to
//     be something else) -> organisation.
//  5. Repeats: later (or earlier, e.g. in the headline) mentions of a
//     person's surname ("Pashinyan") or of a found name link to the same entity.
// Title-case headlines carry no capitalisation signal, so only rules 4-5 run there.
//
// Contract with the "gazetteer" stage, which runs first: this stage REMOVES
// the gazetteer's place and feature mentions lying strictly inside a longer
// organisation, misc or person name it emits ("Astana" in "The Astana Times",
// "Caspian" in a route name), country mentions strictly inside an
// organisation/misc name unless they open it ("America" in "Bank of
// America", but "Kazakh" in "Kazakh Foreign Ministry" stays), and place
// mentions whose span is exactly a surname it links to a person. It never
// removes anything else, and it never emits a span that partly overlaps a
// gazetteer mention it keeps.
//
// Thread safety: process() only reads the stage's immutable state.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "kb/gazetteer.h"
#include "kb/lexicon.h"
#include "kb/text_scan.h"
#include "pipeline/stages.h"

namespace caspian::stages {

namespace {

using kb::Gap;
using kb::Gazetteer;
using kb::Word;
namespace lex = kb::lexicon;

constexpr size_t kMaxPersonWords = 4;
constexpr size_t kMinPersonWords = 2;
constexpr size_t kMinAcronymLetters = 2;
constexpr size_t kMaxAcronymLetters = 6;
constexpr size_t kMaxRepeatWords = 8;
constexpr size_t kShoutingLetters = 3;
constexpr size_t kMaxUnknownAcronymLetters = 4;  // longer all-caps words are mostly shouted words or names
constexpr int kTitleWord = -2;  // owner_ mark: a title word before a person's name  // all-caps neighbours
                                // this long mean an all-caps line

constexpr double kTitlePersonConfidence = 0.8;
constexpr double kGivenNameConfidence = 0.7;
constexpr double kStructureConfidence = 0.6;
constexpr double kSurnameConfidence = 0.65;
constexpr double kRepeatConfidence = 0.7;
constexpr double kOrgHeadConfidence = 0.7;
constexpr double kMiscHeadConfidence = 0.65;
constexpr double kKnownAcronymConfidence = 0.8;
constexpr double kUnknownAcronymConfidence = 0.5;

struct Found {
  size_t first = 0;  // word indices, inclusive
  size_t last = 0;
  Span span;
  EntityKind kind = EntityKind::kMisc;
  std::string id;
  std::string name;
  std::string evidence;
  double confidence = 0;
};

std::string id_prefix(EntityKind kind) {
  switch (kind) {
    case EntityKind::kPerson:
      return "person:";
    case EntityKind::kOrganization:
      return "org:";
    default:
      return "misc:";
  }
}

class RuleNer final : public Stage {
 public:
  std::string_view name() const noexcept override { return "rule_ner"; }
  Status process(Document& doc) const override;
};

// Per-document working state.
class Recogniser {
 public:
  explicit Recogniser(Document& doc)
      : doc_(doc), words_(kb::scan_words(doc)), owner_(words_.size(), -1), gaz_(words_.size(), -1) {
    for (size_t m = 0; m < doc_.mentions.size(); ++m) {
      const Mention& mention = doc_.mentions[m];
      if (mention.method != "gazetteer") continue;
      // Words are sorted and disjoint: start at the first one ending after the mention begins.
      auto it = std::partition_point(words_.begin(), words_.end(),
                                     [&](const Word& w) { return w.span.end <= mention.span.begin; });
      for (; it != words_.end() && it->span.begin < mention.span.end; ++it) {
        gaz_[static_cast<size_t>(it - words_.begin())] = static_cast<int>(m);
      }
    }
  }

  void run() {
    titles();
    heads();
    structures();
    acronyms();
    repeats();
    commit();
  }

 private:
  bool free(size_t i) const { return owner_[i] < 0; }
  bool signal(size_t i) const { return !words_[i].title_case_line; }
  // "al-Maliki", "bin-Salman", "van-Dijk": a lower-case particle joined to a capitalised name.
  bool particle_prefixed(const Word& w) const {
    if (!w.hyphenated || w.capitalised) return false;
    const std::string_view s = doc_.slice(w.span);
    const size_t dash = s.find('-');
    if (dash == std::string_view::npos || dash + 1 >= s.size()) return false;
    const char next = s[dash + 1];
    return lex::is_name_connector(Gazetteer::key(s.substr(0, dash))) && next >= 'A' && next <= 'Z';
  }

  // A single word the gazetteer linked to a place (not a country), which a
  // person's name may absorb after its first word ("Bruce Edwards Ivins").
  bool place_word(size_t i) const {
    if (gaz_[i] < 0) return false;
    const Mention& m = doc_.mentions[static_cast<size_t>(gaz_[i])];
    return m.kind == EntityKind::kPlace && m.span == words_[i].span;
  }

  // A word that can be part of a person's name (`inner`: not its first word).
  bool name_word(size_t i, bool inner = false) const {
    if (inner && place_word(i)) {
      const Word& w = words_[i];
      return free(i) && kb::is_name_shaped(w) && lex::head_kind(w.key) == lex::Head::kNone;
    }
    const Word& w = words_[i];
    const bool initial = w.key.size() == 1 && w.capitalised && w.period_after;  // "Jane Q. Doe"
    return free(i) && (kb::is_name_shaped(w) || particle_prefixed(w) || initial) &&
           !lex::is_function_word(w.key) && !lex::is_calendar_word(w.key) &&
           lex::head_kind(w.key) == lex::Head::kNone && lex::match_title(words_, i) == 0 && gaz_[i] < 0;
  }
  bool joined(size_t i) const { return i < words_.size() && words_[i].gap == Gap::kSpace; }

  std::string surface(size_t first, size_t last) const {
    return std::string(doc_.slice({words_[first].span.begin, words_[last].span.end}));
  }

  void add(size_t first, size_t last, EntityKind kind, std::string evidence, double confidence) {
    Found f;
    f.first = first;
    f.last = last;
    f.span = {words_[first].span.begin, words_[last].span.end};
    f.kind = kind;
    f.name = surface(first, last);
    // "The Astana Times" -> org:astana-times
    size_t slug_first = first;
    if (words_[first].key == "the" && first < last) ++slug_first;
    f.id = id_prefix(kind) + kb::slugify(surface(slug_first, last));
    f.evidence = std::move(evidence);
    f.confidence = confidence;
    for (size_t i = first; i <= last; ++i) owner_[i] = static_cast<int>(found_.size());
    found_.push_back(std::move(f));
  }

  // Extends a person's name from `first` over up to kMaxPersonWords name words
  // and particles ("bin", "van"); returns the last word or npos.
  size_t person_extent(size_t first) const {
    if (!name_word(first)) return std::string::npos;
    size_t last = first;
    size_t count = 1;
    while (count < kMaxPersonWords && !words_[last].possessive) {
      size_t next = last + 1;
      if (next < words_.size() && joined(next) && lex::is_name_connector(words_[next].key) &&
          !words_[next].capitalised && next + 1 < words_.size() && joined(next + 1) &&
          name_word(next + 1, true) && words_[next].key != "of" && words_[next].key != "and" &&
          words_[next].key != "the" && words_[next].key != "for" && words_[next].key != "on" &&
          words_[next].key != "in") {
        ++next;  // particle
      }
      if (next >= words_.size() || !joined(next) || !name_word(next, true)) break;
      last = next;
      ++count;
    }
    return last;
  }

  void titles() {
    for (size_t i = 0; i < words_.size(); ++i) {
      if (!signal(i) || !free(i)) continue;
      const size_t n = lex::match_title(words_, i);
      if (n == 0) continue;
      size_t start = i + n;
      // "Minister of Health Hatem El-Gabaly": skip the portfolio.
      if (start + 1 < words_.size() && joined(start) &&
          (words_[start].key == "of" || words_[start].key == "for")) {
        size_t k = start + 1;
        while (k < words_.size() && joined(k) &&
               (lex::is_portfolio_word(words_[k].key) || (words_[k].key == "and" && k > start + 1))) {
          ++k;
        }
        if (k > start + 1) start = k;
      }
      if (start >= words_.size() || !joined(start)) continue;
      const size_t last = person_extent(start);
      if (last == std::string::npos) continue;
      // A lower-case title ("foreign minister Jeyhun Bayramov") needs a full name.
      if (!words_[i].capitalised && last == start) continue;
      add(start, last, EntityKind::kPerson, fmt::format("title '{}'", surface(i, start - 1)),
          kTitlePersonConfidence);
      for (size_t k = i; k < start; ++k) owner_[k] = kTitleWord;
      i = last;
    }
  }

  // A gazetteer mention covering exactly words [first, last] or a part of them.
  bool only_places(size_t first, size_t last) const {
    for (size_t i = first; i <= last; ++i) {
      if (gaz_[i] < 0) return false;
    }
    return true;
  }

  void heads() {
    size_t i = 0;
    while (i < words_.size()) {
      // A stretch of capitalised words joined by spaces.
      if (!signal(i) || !free(i) || !words_[i].capitalised) {
        ++i;
        continue;
      }
      size_t b = i;
      while (b + 1 < words_.size() && joined(b + 1) && words_[b + 1].capitalised && free(b + 1) &&
             !words_[b].possessive) {
        ++b;
      }
      const size_t a = i;
      i = b + 1;
      size_t h = std::string::npos;
      for (size_t k = a; k <= b; ++k) {
        if (lex::head_kind(words_[k].key) != lex::Head::kNone && !words_[k].all_caps) h = k;
      }
      if (h == std::string::npos) continue;
      // Start: skip sentence-opening function words and titles; keep a
      // mid-sentence "The" ("of The Astana Times").
      size_t s = a;
      while (s < h) {
        const Word& w = words_[s];
        const bool keep_the = w.key == "the" && !w.sentence_initial;
        if (keep_the) break;
        if (lex::is_function_word(w.key) || lex::is_calendar_word(w.key)) {
          ++s;
        } else if (const size_t t = lex::match_title(words_, s); t > 0 && s + t <= h) {
          s += t;
        } else {
          break;
        }
      }
      // Never start inside a gazetteer mention that begins before `s`.
      if (gaz_[s] >= 0 && doc_.mentions[static_cast<size_t>(gaz_[s])].span.begin < words_[s].span.begin)
        continue;
      size_t e = h;
      if (h == b) e = extend_of(h);
      const size_t content = e - s + 1 - (words_[s].key == "the" ? 1 : 0);
      if (content < 2) continue;
      // A country or feature name that happens to end in a head ("Russian Federation").
      if (gaz_[s] >= 0 && gaz_[s] == gaz_[e]) {
        const Mention& m = doc_.mentions[static_cast<size_t>(gaz_[s])];
        if (m.span.begin == words_[s].span.begin && m.span.end == words_[e].span.end) continue;
      }
      // Never end inside a gazetteer mention that goes on after `e`.
      if (gaz_[e] >= 0 && doc_.mentions[static_cast<size_t>(gaz_[e])].span.end > words_[e].span.end) continue;
      const lex::Head kind = lex::head_kind(words_[h].key);
      const bool org = kind == lex::Head::kOrganization;
      add(s, e, org ? EntityKind::kOrganization : EntityKind::kMisc,
          fmt::format("{} head '{}'", org ? "organisation" : "named event/agreement/route", surface(h, h)),
          org ? kOrgHeadConfidence : kMiscHeadConfidence);
    }
  }

  // "Ministry" + " of Foreign Affairs"; "Bank" + " of America". Returns the new last word.
  size_t extend_of(size_t h) {
    size_t e = h;
    bool first_segment = true;
    size_t p = h + 1;
    while (p + 1 < words_.size() && joined(p) && !words_[p].capitalised && !words_[e].possessive) {
      const std::string& c = words_[p].key;
      const bool opener =
          c == "of" || c == "for" || c == "on" || (!first_segment && (c == "and" || c == "in"));
      if (!opener) break;
      size_t q = p + 1;
      if (words_[q].key == "the" && !words_[q].capitalised && q + 1 < words_.size() && joined(q + 1)) ++q;
      if (!joined(q) || !words_[q].capitalised || !free(q)) break;
      size_t r = q;
      while (r + 1 < words_.size() && joined(r + 1) && words_[r + 1].capitalised && free(r + 1) &&
             !words_[r].possessive) {
        ++r;
      }
      if (only_places(q, r) && !(first_segment && lex::head_takes_place(words_[h].key))) break;
      // "... of Health and the WHO": an acronym starts another name.
      bool all_caps = true;
      for (size_t k = q; k <= r; ++k) all_caps = all_caps && words_[k].all_caps;
      if (all_caps) break;
      // Do not swallow a person ("of President Tokayev").
      if (lex::match_title(words_, q) > 0) break;
      e = r;
      first_segment = false;
      p = r + 1;
    }
    return e;
  }

  void structures() {
    size_t i = 0;
    while (i < words_.size()) {
      if (!signal(i) || !name_word(i) || !words_[i].capitalised) {
        ++i;
        continue;
      }
      if (lex::is_portfolio_word(words_[i].key)) {  // "... of Health Hatem Mostafa El-Gabaly"
        ++i;
        continue;
      }
      const size_t last = person_extent(i);
      const size_t count = last - i + 1;
      // Only a whole stretch: a capitalised word right after it means a longer name.
      const bool longer = last + 1 < words_.size() && joined(last + 1) && words_[last + 1].capitalised &&
                          !words_[last].possessive;
      const bool before = i > 0 && joined(i) && words_[i - 1].capitalised &&
                          !words_[i - 1].sentence_initial && !lex::is_function_word(words_[i - 1].key) &&
                          owner_[i - 1] < 0 && gaz_[i - 1] < 0;
      if (count < kMinPersonWords || count > kMaxPersonWords || longer || before) {
        i = last + 1;
        continue;
      }
      std::string evidence;
      double confidence = kStructureConfidence;
      if (lex::is_given_name(words_[i].key)) {
        evidence = fmt::format("given name '{}'", surface(i, i));
        confidence = kGivenNameConfidence;
      } else if (words_[i].hyphenated || words_[last].hyphenated) {
        evidence = "capitalised name with a hyphenated part";
      } else if (lex::has_surname_suffix(words_[last].key)) {
        evidence = fmt::format("surname ending of '{}'", surface(last, last));
      }
      if (!evidence.empty()) add(i, last, EntityKind::kPerson, std::move(evidence), confidence);
      i = last + 1;
    }
  }

  bool shouting(size_t i) const {
    auto loud = [&](size_t k) {
      return words_[k].all_caps && words_[k].key.size() >= kShoutingLetters &&
             !lex::is_org_acronym(doc_.slice(words_[k].span));
    };
    return (i > 0 && words_[i].gap != Gap::kBreak && loud(i - 1)) ||
           (i + 1 < words_.size() && words_[i + 1].gap != Gap::kBreak && loud(i + 1));
  }

  // "KIRBY:" in a transcript.
  bool speaker_label(size_t i) const {
    const uint32_t end = words_[i].span.end;
    return end < doc_.text.size() && doc_.text[end] == ':';
  }

  void acronyms() {
    for (size_t i = 0; i < words_.size(); ++i) {
      const Word& w = words_[i];
      if (!free(i) || !w.all_caps || gaz_[i] >= 0) continue;
      const std::string_view s = doc_.slice(w.span);
      // A dotted form ("U.N.") counts only for acronyms known to expand.
      std::string compact;
      for (char ch : s) {
        if (ch != '.') compact += ch;
      }
      const auto expansion = lex::org_acronym_expansion(compact);
      const bool dotted = compact.size() != s.size();
      if (compact.size() < kMinAcronymLetters || compact.size() > kMaxAcronymLetters ||
          s.find('-') != std::string_view::npos || (dotted && !expansion)) {
        continue;
      }
      if (expansion) {
        add(i, i, EntityKind::kOrganization, fmt::format("acronym of {}", *expansion), kKnownAcronymConfidence);
        Found& org = found_.back();
        org.name = std::string(*expansion);
        org.id = id_prefix(EntityKind::kOrganization) + kb::slugify(*expansion);
      } else if (lex::is_org_acronym(s)) {
        add(i, i, EntityKind::kOrganization, "known organisation acronym", kKnownAcronymConfidence);
      } else if (!lex::is_non_org_acronym(s) && !shouting(i) && !w.title_case_line &&
                 w.key.size() <= kMaxUnknownAcronymLetters && !speaker_label(i) &&
                 std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
        // "(CSTO)" right after a found organisation names that organisation.
        const std::string_view before = doc_.slice({i > 0 ? words_[i - 1].span.end : 0, w.span.begin});
        add(i, i, EntityKind::kOrganization, "all-caps acronym", kUnknownAcronymConfidence);
        if (i > 0 && owner_[i - 1] >= 0 && before.find('(') != std::string_view::npos) {
          Found& org = found_.back();
          const Found& full = found_[static_cast<size_t>(owner_[i - 1])];
          if (full.kind == EntityKind::kOrganization) {
            org.id = full.id;
            org.name = full.name;
            org.evidence = fmt::format("acronym of {}", full.name);
            org.confidence = kKnownAcronymConfidence;
          }
        }
      }
    }
  }

  void repeats() {
    // Full names (as key sequences) and person surnames found so far.
    std::unordered_map<std::string, size_t> names;     // joined key -> found index
    std::unordered_map<std::string, size_t> surnames;  // last-word key -> found index
    std::unordered_map<std::string, int> surname_owners;
    const size_t found_before = found_.size();
    for (size_t f = 0; f < found_before; ++f) {
      const Found& x = found_[f];
      std::string k;
      for (size_t i = x.first; i <= x.last; ++i) {
        if (i == x.first && words_[i].key == "the") continue;
        if (!k.empty()) k.push_back(' ');
        k += words_[i].key;
      }
      if (x.first != x.last || x.kind != EntityKind::kOrganization) names.emplace(k, f);
      if (x.kind == EntityKind::kPerson && x.first != x.last) {
        const std::string& sk = words_[x.last].key;
        if (surname_owners[sk]++ == 0)
          surnames.emplace(sk, f);
        else if (found_[surnames[sk]].id != x.id)
          surnames.erase(sk);  // two people share it
      }
    }
    for (size_t i = 0; i < words_.size(); ++i) {
      if (!free(i) || !words_[i].capitalised) continue;
      // Longest repeat of a whole found name first.
      std::string k;
      size_t best_last = std::string::npos;
      size_t best_found = 0;
      for (size_t j = i; j < words_.size() && j < i + kMaxRepeatWords; ++j) {
        if (j > i && (!joined(j) || words_[j - 1].possessive)) break;
        if (!free(j) || !(words_[j].capitalised || lex::is_name_connector(words_[j].key))) break;
        if (!k.empty()) k.push_back(' ');
        k += words_[j].key;
        if (auto it = names.find(k); it != names.end()) {
          best_last = j;
          best_found = it->second;
        }
      }
      if (best_last != std::string::npos && !partly_overlaps_gazetteer(i, best_last)) {
        const Found src = found_[best_found];  // a copy: add() may reallocate found_
        add(i, best_last, src.kind, fmt::format("same name as '{}'", src.name), kRepeatConfidence);
        found_.back().id = src.id;
        found_.back().name = src.name;
        i = best_last;
        continue;
      }
      if (!kb::is_name_shaped(words_[i])) continue;
      auto it = surnames.find(words_[i].key);
      if (it == surnames.end()) continue;
      // A gazetteer place exactly on the surname yields to the person (see the contract).
      if (gaz_[i] >= 0) {
        const Mention& m = doc_.mentions[static_cast<size_t>(gaz_[i])];
        if (m.kind != EntityKind::kPlace || m.span != words_[i].span) continue;
        remove_.push_back(static_cast<size_t>(gaz_[i]));
      }
      const Found src = found_[it->second];  // a copy: add() may reallocate found_
      add(i, i, EntityKind::kPerson, fmt::format("surname of {}", src.name), kSurnameConfidence);
      found_.back().id = src.id;
      found_.back().name = src.name;
    }
  }

  bool partly_overlaps_gazetteer(size_t first, size_t last) const {
    const Span s{words_[first].span.begin, words_[last].span.end};
    for (size_t i = first; i <= last; ++i) {
      if (gaz_[i] < 0) continue;
      const Span m = doc_.mentions[static_cast<size_t>(gaz_[i])].span;
      if (m.begin < s.begin || m.end > s.end) return true;
    }
    return false;
  }

  void commit() {
    // Gazetteer mentions strictly inside a found name (see the contract above).
    for (const Found& f : found_) {
      for (size_t m = 0; m < doc_.mentions.size(); ++m) {
        const Mention& g = doc_.mentions[m];
        if (g.method != "gazetteer") continue;
        const bool inside = g.span.begin >= f.span.begin && g.span.end <= f.span.end && !(g.span == f.span);
        if (!inside) continue;
        const bool place = g.kind == EntityKind::kPlace || g.kind == EntityKind::kFeature;
        const bool inner_country =
            g.kind == EntityKind::kCountry && f.kind != EntityKind::kPerson && g.span.begin != f.span.begin &&
            !(words_[f.first].key == "the" && g.span.begin == words_[f.first + 1].span.begin);
        if (place || inner_country) remove_.push_back(m);
      }
    }
    std::sort(remove_.begin(), remove_.end());
    remove_.erase(std::unique(remove_.begin(), remove_.end()), remove_.end());
    for (auto it = remove_.rbegin(); it != remove_.rend(); ++it) {
      doc_.mentions.erase(doc_.mentions.begin() + static_cast<std::ptrdiff_t>(*it));
    }
    std::stable_sort(found_.begin(), found_.end(),
                     [](const Found& a, const Found& b) { return a.span.begin < b.span.begin; });
    for (Found& f : found_) {
      Entity e;
      e.id = f.id;
      e.kind = f.kind;
      e.name = f.name;
      doc_.add_entity(std::move(e));
      Mention m;
      m.span = f.span;
      m.sentence = doc_.sentence_at(f.span.begin);
      m.kind = f.kind;
      m.entity_id = std::move(f.id);
      m.method = "rules";
      m.evidence = std::move(f.evidence);
      m.confidence = f.confidence;
      doc_.mentions.push_back(std::move(m));
    }
  }

  Document& doc_;
  std::vector<Word> words_;
  std::vector<int> owner_;  // index into found_ of the name covering each word, or -1
  std::vector<int> gaz_;    // index into doc_.mentions of a gazetteer mention over each word, or -1
  std::vector<Found> found_;
  std::vector<size_t> remove_;  // gazetteer mentions to drop
};

Status RuleNer::process(Document& doc) const {
  Recogniser(doc).run();
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Stage>> make_rule_ner(Resources& /*res*/) {
  return std::unique_ptr<Stage>(std::make_unique<RuleNer>());
}

}  // namespace caspian::stages
