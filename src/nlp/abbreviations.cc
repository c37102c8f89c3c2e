// The abbreviation list (see abbreviations.h).
#include "nlp/abbreviations.h"

#include <algorithm>
#include <iterator>

namespace caspian::nlp {

namespace {

// Marks the abbreviations the knowledge base's text scan treats as titles before names.
constexpr bool kTitle = true;

struct AbbrevEntry {
  std::string_view key;  // lower case, without the final period
  Abbrev kind;
  bool title = false;  // a title before a name ("Mr. Tokayev"): see is_title_abbreviation
};

// Sorted by key (checked at compile time below).
// clang-format off
constexpr AbbrevEntry kAbbreviations[] = {
    {"a.d", Abbrev::kFinal},         {"a.g", Abbrev::kFinal},         {"a.k.a", Abbrev::kNonFinal},
    {"a.m", Abbrev::kFinal},         {"adm", Abbrev::kNonFinal, kTitle},      {"al", Abbrev::kFinal},
    {"amb", Abbrev::kNonFinal},      {"approx", Abbrev::kNonFinal},   {"apr", Abbrev::kNonFinal},
    {"apt", Abbrev::kBeforeNumber},  {"art", Abbrev::kBeforeNumber},  {"assn", Abbrev::kFinal},
    {"atty", Abbrev::kNonFinal},     {"aug", Abbrev::kNonFinal},      {"ave", Abbrev::kFinal},
    {"b.c", Abbrev::kFinal},         {"bldg", Abbrev::kFinal},        {"blvd", Abbrev::kFinal},
    {"brig", Abbrev::kNonFinal},     {"bros", Abbrev::kFinal},        {"c", Abbrev::kBeforeNumber},
    {"ca", Abbrev::kBeforeNumber},   {"capt", Abbrev::kNonFinal, kTitle},     {"cdr", Abbrev::kNonFinal},
    {"cf", Abbrev::kNonFinal},       {"ch", Abbrev::kBeforeNumber},   {"cmdr", Abbrev::kNonFinal},
    {"co", Abbrev::kFinal},          {"col", Abbrev::kNonFinal, kTitle},      {"comdr", Abbrev::kNonFinal},
    {"corp", Abbrev::kFinal},        {"cos", Abbrev::kFinal},         {"cpl", Abbrev::kNonFinal},
    {"d.c", Abbrev::kFinal},         {"dec", Abbrev::kNonFinal},      {"dept", Abbrev::kFinal},
    {"det", Abbrev::kNonFinal},      {"dr", Abbrev::kNonFinal, kTitle},       {"drs", Abbrev::kNonFinal},
    {"e.g", Abbrev::kNonFinal},      {"e.u", Abbrev::kFinal},         {"esp", Abbrev::kNonFinal},
    {"esq", Abbrev::kFinal},         {"est", Abbrev::kBeforeNumber},  {"etc", Abbrev::kFinal},
    {"ext", Abbrev::kBeforeNumber},  {"feb", Abbrev::kNonFinal},      {"fig", Abbrev::kBeforeNumber},
    {"figs", Abbrev::kBeforeNumber}, {"fr", Abbrev::kNonFinal},       {"ft", Abbrev::kNonFinal, kTitle},
    {"gal", Abbrev::kFinal},         {"gen", Abbrev::kNonFinal, kTitle},      {"gov", Abbrev::kNonFinal, kTitle},
    {"govt", Abbrev::kFinal},        {"hon", Abbrev::kNonFinal},      {"hr", Abbrev::kFinal},
    {"hrs", Abbrev::kFinal},         {"i.e", Abbrev::kNonFinal},      {"inc", Abbrev::kFinal},
    {"incl", Abbrev::kNonFinal},     {"insp", Abbrev::kNonFinal},     {"intl", Abbrev::kFinal},
    {"jan", Abbrev::kNonFinal},      {"jr", Abbrev::kFinal, kTitle},          {"jul", Abbrev::kNonFinal},
    {"jun", Abbrev::kNonFinal},      {"l.a", Abbrev::kFinal},         {"lb", Abbrev::kFinal},
    {"lbs", Abbrev::kFinal},         {"lt", Abbrev::kNonFinal, kTitle},       {"ltd", Abbrev::kFinal},
    {"maj", Abbrev::kNonFinal, kTitle},      {"mar", Abbrev::kNonFinal},      {"max", Abbrev::kFinal},
    {"messrs", Abbrev::kNonFinal, kTitle},   {"mfg", Abbrev::kFinal},         {"min", Abbrev::kFinal},
    {"mlle", Abbrev::kNonFinal},     {"mme", Abbrev::kNonFinal},      {"mo", Abbrev::kFinal},
    {"mos", Abbrev::kFinal},         {"mr", Abbrev::kNonFinal, kTitle},       {"mrs", Abbrev::kNonFinal, kTitle},
    {"ms", Abbrev::kNonFinal, kTitle},       {"msgr", Abbrev::kNonFinal},     {"mt", Abbrev::kNonFinal, kTitle},
    {"n.b", Abbrev::kNonFinal},      {"n.v", Abbrev::kFinal},         {"n.y", Abbrev::kFinal},
    {"natl", Abbrev::kFinal},        {"no", Abbrev::kBeforeNumber, kTitle},   {"nos", Abbrev::kBeforeNumber},
    {"nov", Abbrev::kNonFinal},      {"nr", Abbrev::kBeforeNumber},   {"oct", Abbrev::kNonFinal},
    {"op", Abbrev::kBeforeNumber},   {"oz", Abbrev::kFinal},          {"p", Abbrev::kBeforeNumber},
    {"p.m", Abbrev::kFinal},         {"para", Abbrev::kBeforeNumber}, {"pg", Abbrev::kBeforeNumber},
    {"ph.d", Abbrev::kFinal},        {"plc", Abbrev::kFinal},         {"pp", Abbrev::kBeforeNumber},
    {"pres", Abbrev::kNonFinal},     {"prof", Abbrev::kNonFinal, kTitle},     {"ps", Abbrev::kNonFinal},
    {"pt", Abbrev::kFinal},          {"pvt", Abbrev::kNonFinal},      {"qt", Abbrev::kFinal},
    {"r.i.p", Abbrev::kFinal},       {"rep", Abbrev::kNonFinal, kTitle},      {"reps", Abbrev::kNonFinal},
    {"rev", Abbrev::kNonFinal, kTitle},      {"rm", Abbrev::kBeforeNumber},   {"rt", Abbrev::kNonFinal},
    {"s.a", Abbrev::kFinal},         {"sec", Abbrev::kBeforeNumber},  {"sen", Abbrev::kNonFinal, kTitle},
    {"sens", Abbrev::kNonFinal},     {"sep", Abbrev::kNonFinal},      {"sept", Abbrev::kNonFinal},
    {"sgt", Abbrev::kNonFinal, kTitle},      {"sq", Abbrev::kNonFinal},       {"sr", Abbrev::kFinal, kTitle},
    {"st", Abbrev::kNonFinal, kTitle},       {"sts", Abbrev::kNonFinal},      {"supt", Abbrev::kNonFinal},
    {"tbsp", Abbrev::kFinal},        {"tel", Abbrev::kBeforeNumber},  {"tsp", Abbrev::kFinal},
    {"u.a.e", Abbrev::kFinal},       {"u.k", Abbrev::kFinal},         {"u.n", Abbrev::kFinal},
    {"u.s", Abbrev::kFinal},         {"u.s.a", Abbrev::kFinal},       {"u.s.s.r", Abbrev::kFinal},
    {"univ", Abbrev::kFinal},        {"v", Abbrev::kNonFinal},        {"viz", Abbrev::kNonFinal},
    {"vol", Abbrev::kBeforeNumber},  {"vols", Abbrev::kBeforeNumber}, {"vs", Abbrev::kNonFinal, kTitle},
    {"wk", Abbrev::kFinal},          {"wks", Abbrev::kFinal},         {"yr", Abbrev::kFinal},
    {"yrs", Abbrev::kFinal},
};
// clang-format on
static_assert(std::ranges::is_sorted(kAbbreviations, {}, &AbbrevEntry::key));

const AbbrevEntry* find(std::string_view key) noexcept {
  const auto* it = std::ranges::lower_bound(kAbbreviations, key, {}, &AbbrevEntry::key);
  if (it != std::end(kAbbreviations) && it->key == key) return it;
  return nullptr;
}

}  // namespace

Abbrev listed_abbreviation(std::string_view key) noexcept {
  const AbbrevEntry* e = find(key);
  return e != nullptr ? e->kind : Abbrev::kNone;
}

bool is_title_abbreviation(std::string_view key) noexcept {
  const AbbrevEntry* e = find(key);
  return e != nullptr && e->title;
}

}  // namespace caspian::nlp
