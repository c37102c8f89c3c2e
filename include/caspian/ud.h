// Universal Dependencies vocabularies as enums: the 17 universal part-of-speech tags and the 37
// universal (base) dependency relations of UD v2 (universaldependencies.org/u/pos,
// universaldependencies.org/u/dep). Stages that read tags and trees compare these, not strings.
//
// Thread safety: pure functions over static tables; safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace caspian {

// A universal part-of-speech tag; kNone until the "pos" stage runs.
enum class Upos : uint8_t {
  kNone,
  kAdj,
  kAdp,
  kAdv,
  kAux,
  kCconj,
  kDet,
  kIntj,
  kNoun,
  kNum,
  kPart,
  kPron,
  kPropn,
  kPunct,
  kSconj,
  kSym,
  kVerb,
  kX,
};

// A universal dependency relation without its language-specific subtype ("nmod" for
// "nmod:poss"); kNone until the "parse" stage runs, kOther for a label outside UD v2's 37.
enum class UdRel : uint8_t {
  kNone,
  kOther,
  kAcl,
  kAdvcl,
  kAdvmod,
  kAmod,
  kAppos,
  kAux,
  kCase,
  kCc,
  kCcomp,
  kClf,
  kCompound,
  kConj,
  kCop,
  kCsubj,
  kDep,
  kDet,
  kDiscourse,
  kDislocated,
  kExpl,
  kFixed,
  kFlat,
  kGoeswith,
  kIobj,
  kList,
  kMark,
  kNmod,
  kNsubj,
  kNummod,
  kObj,
  kObl,
  kOrphan,
  kParataxis,
  kPunct,
  kReparandum,
  kRoot,
  kVocative,
  kXcomp,
};

// The tag as CoNLL-U writes it ("NOUN"); "" for kNone.
[[nodiscard]] std::string_view to_string(Upos u) noexcept;
// The tag named `name` ("NOUN"), or nullopt for anything else (case matters, as in CoNLL-U).
[[nodiscard]] std::optional<Upos> upos_from(std::string_view name) noexcept;

// The relation as CoNLL-U writes it ("nsubj"); "" for kNone and kOther.
[[nodiscard]] std::string_view to_string(UdRel r) noexcept;
// The universal relation of a full label: "nmod:poss" and "nmod" give kNmod, "" gives kNone, a
// label outside UD v2 ("neg", "NSUBJ") gives kOther.
[[nodiscard]] UdRel base_relation(std::string_view label) noexcept;

}  // namespace caspian
