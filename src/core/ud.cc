#include "caspian/ud.h"

#include <array>
#include <utility>

namespace caspian {
namespace {

// Indexed by the enum's value; the order of the enums above.
constexpr std::array<std::string_view, 18> kUposNames = {"",      "ADJ",   "ADP",   "ADV", "AUX",  "CCONJ",
                                                         "DET",   "INTJ",  "NOUN",  "NUM", "PART", "PRON",
                                                         "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"};

constexpr std::array<std::string_view, 39> kRelNames = {
    "",       "",          "acl",       "advcl",      "advmod",   "amod",     "appos", "aux",
    "case",   "cc",        "ccomp",     "clf",        "compound", "conj",     "cop",   "csubj",
    "dep",    "det",       "discourse", "dislocated", "expl",     "fixed",    "flat",  "goeswith",
    "iobj",   "list",      "mark",      "nmod",       "nsubj",    "nummod",   "obj",   "obl",
    "orphan", "parataxis", "punct",     "reparandum", "root",     "vocative", "xcomp"};

static_assert(kUposNames.size() == static_cast<size_t>(Upos::kX) + 1);
static_assert(kRelNames.size() == static_cast<size_t>(UdRel::kXcomp) + 1);

}  // namespace

std::string_view to_string(Upos u) noexcept {
  const auto i = static_cast<size_t>(u);
  return i < kUposNames.size() ? kUposNames[i] : std::string_view();
}

std::optional<Upos> upos_from(std::string_view name) noexcept {
  if (name.empty()) return std::nullopt;
  for (size_t i = 1; i < kUposNames.size(); ++i) {
    if (kUposNames[i] == name) return static_cast<Upos>(i);
  }
  return std::nullopt;
}

std::string_view to_string(UdRel r) noexcept {
  const auto i = static_cast<size_t>(r);
  return i < kRelNames.size() ? kRelNames[i] : std::string_view();
}

UdRel base_relation(std::string_view label) noexcept {
  if (label.empty()) return UdRel::kNone;
  const std::string_view base = label.substr(0, label.find(':'));
  for (size_t i = 2; i < kRelNames.size(); ++i) {
    if (kRelNames[i] == base) return static_cast<UdRel>(i);
  }
  return UdRel::kOther;
}

}  // namespace caspian
