// Evaluation of the timex recogniser against TimeML (TempEval-3 style).
//
// Reads TimeML files (TimeBank, AQUAINT, TempEval-3 platinum), takes the DCT
// (the TIMEX3 with functionInDocument="CREATION_TIME") as the anchor, strips
// the markup of the TEXT element (gold spans are computed on the stripped,
// entity-decoded text), runs find_time_expressions on it and scores:
//   * strict span match: identical extents;
//   * relaxed span match: overlapping extents (one-to-one, TempEval-3 style);
//   * value and type accuracy over the relaxed matches, and the TempEval-3
//     attribute F1 (precision over predictions, recall over gold).
// Type mapping: caspian has no TIME type; a predicted date whose value has a
// time of day ("2025-08-19T10:00", "...TMO") counts as TIME.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/document.h"
#include "caspian/result.h"

namespace caspian::nlp {

// One gold TIMEX3 of a TimeML document.
struct GoldTimex {
  Span span;         // byte range in TimemlDocument::text
  std::string type;  // DATE, TIME, DURATION, SET
  std::string value;
  std::string mod;
};

// The TEXT element of a TimeML file, markup removed.
struct TimemlDocument {
  std::string text;
  std::optional<std::chrono::year_month_day> dct;
  std::vector<GoldTimex> timexes;  // in text order
};

// Parses TimeML markup. Tolerant: unknown tags are dropped, unknown entities
// kept verbatim. Fails with kParseError when there is no TEXT element or a tag
// is not closed.
[[nodiscard]] Result<TimemlDocument> parse_timeml(std::string_view xml);

struct TimexMismatch {
  enum class Kind { kMissed, kSpurious, kWrongValue, kWrongType };
  Kind kind = Kind::kMissed;
  std::string file{};
  std::string gold_text{}, predicted_text{};
  std::string gold_value{}, predicted_value{};
  std::string gold_type{}, predicted_type{};
};

struct TimexEvalReport {
  size_t files = 0;
  size_t gold = 0;
  size_t predicted = 0;
  size_t strict_matches = 0;              // pairs with identical spans
  size_t relaxed_matches = 0;             // overlapping pairs (one-to-one)
  size_t value_correct = 0;               // among relaxed matches
  size_t type_correct = 0;                // among relaxed matches
  std::vector<TimexMismatch> mismatches;  // up to TimexEvalOptions::max_mismatches

  [[nodiscard]] double strict_precision() const;
  [[nodiscard]] double strict_recall() const;
  [[nodiscard]] double strict_f1() const;
  [[nodiscard]] double relaxed_precision() const;
  [[nodiscard]] double relaxed_recall() const;
  [[nodiscard]] double relaxed_f1() const;
  [[nodiscard]] double value_accuracy() const;  // value_correct / relaxed_matches
  [[nodiscard]] double type_accuracy() const;
  [[nodiscard]] double value_f1() const;  // TempEval-3 attribute F1
  [[nodiscard]] double type_f1() const;
};

struct TimexEvalOptions {
  size_t max_mismatches = 0;  // how many error examples to keep (0: none)
};

// Scores the recogniser on every *.tml file in `files_or_dirs` (directories
// are walked recursively, in sorted order).
// Errors: kNotFound for a missing path, kIoError for an unreadable file,
// kParseError (naming the file) for malformed TimeML, kEmptyInput when no
// .tml file was found.
// Thread safety: reentrant.
[[nodiscard]] Result<TimexEvalReport> evaluate_timeml(const std::vector<std::filesystem::path>& files_or_dirs,
                                                      const TimexEvalOptions& options = {});

// Scores one parsed document into `report` (its counts are added to).
void score_document(const TimemlDocument& doc, std::string_view file_name, const TimexEvalOptions& options,
                    TimexEvalReport& report);

// A human-readable table of the metrics (and mismatches, if kept).
[[nodiscard]] std::string format_report(const TimexEvalReport& report);

}  // namespace caspian::nlp
