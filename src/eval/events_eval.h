// `caspian eval events`: scores the event coder on PETRARCH validation records
// (UniversalPetrarch's PETR2_GSR_validation.xml, PETRARCH-2's PETR.UnitTest.records.xml).
//
// Each record's raw <Text> goes through the whole pipeline (tokenize, pos, parse, timex, gazetteer,
// ner, events), never the parse the file supplies, and the coded (code, source, target) triples are
// scored as UniversalPetrarch's validation.py does: a coded event is correct when a gold event of
// the record has the same code, source and target strings; a record with `noevents` gold counts one
// correct answer when nothing is coded, else one miss and every coded event is extra.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "caspian/pipeline.h"
#include "caspian/result.h"

namespace caspian::events {

struct GoldEvent {
  std::string code;
  std::string source;
  std::string target;
};

// One <Sentence> record of a validation file.
struct ValidationRecord {
  std::string id;
  std::string category;
  std::string date;      // as written: YYYYMMDD (or YYMMDD)
  bool evaluate = true;  // evaluate="false" / sentence="false" records are skipped
  std::string text;      // the <Text>, lines joined with spaces, entities decoded
  std::vector<GoldEvent> gold;
  bool noevents = false;  // <EventCoding noevents="True">
  std::string error;      // <EventCoding error="..."> (the record tests an input error)
  size_t line = 0;        // where the record starts
};

// Reads the records line by line, as validation.py does (the files are not well-formed XML: a
// self-closed <Sentence/> is followed by its children). Fails with the line of a malformed record.
[[nodiscard]] Result<std::vector<ValidationRecord>> read_validation_records(std::string_view text,
                                                                            std::string_view origin);

struct EventsReport {
  std::string file;
  size_t records = 0;  // scored
  size_t skipped = 0;  // not for evaluation, or testing an input error
  size_t gold = 0;     // gold answers (events, plus one per noevents record)
  size_t coded = 0;    // coded events
  size_t correct = 0;
  size_t extra = 0;         // coded events not in the gold
  size_t correct_root = 0;  // ... with the root code (two digits) in place of the code
  size_t extra_root = 0;
  size_t exact = 0;                  // records coded exactly: every gold answer and nothing else
  size_t crashed = 0;                // records whose analysis reported a stage failure
  double seconds = 0.0;              // wall time of the pipeline over the records
  size_t sentences = 0;              // sentences the pipeline found in the records
  std::vector<std::string> details;  // per record, with `verbose`
};

// Scores `pipeline` (which must end with the "events" stage) on the file.
[[nodiscard]] Result<EventsReport> evaluate_events(const Pipeline& pipeline,
                                                   const std::filesystem::path& file, bool verbose);
[[nodiscard]] std::string format_report(const EventsReport& r);

}  // namespace caspian::events
