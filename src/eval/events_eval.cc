#include "eval/events_eval.h"

#include <fmt/format.h>

#include <chrono>

#include "events/actor_dictionary.h"
#include "events/dictionary_text.h"

namespace caspian::events {

namespace {

// The value of attribute `name` in a tag line (`name="v"`, spaces allowed around '='), or "".
std::string attribute(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    const bool starts = pos > 0 && (tag[pos - 1] == ' ' || tag[pos - 1] == '\t');
    size_t p = pos + name.size();
    pos = p;
    if (!starts) continue;
    while (p < tag.size() && tag[p] == ' ') ++p;
    if (p >= tag.size() || tag[p] != '=') continue;
    ++p;
    while (p < tag.size() && tag[p] == ' ') ++p;
    if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\'')) continue;
    const char quote = tag[p];
    const auto end = tag.find(quote, p + 1);
    if (end == std::string_view::npos) return {};
    return std::string(tag.substr(p + 1, end - p - 1));
  }
  return {};
}

// Decodes the XML entities the files use.
std::string decode_entities(std::string_view s) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [name, c] : kEntities) {
        if (s.substr(i, name.size()) == name) {
          out += c;
          i += name.size() - 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += s[i];
  }
  return out;
}

// validation.py writes "~" for an empty actor and leaves attributes empty.
std::string actor_code(std::string code) {
  if (code.empty() || code == "~") return "---";
  return code;
}

}  // namespace

Result<std::vector<ValidationRecord>> read_validation_records(std::string_view text,
                                                              std::string_view origin) {
  std::vector<ValidationRecord> records;
  bool in_text = false;
  bool in_sentences = false;
  const Status read = for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    const std::string_view line = trim(raw);
    if (line.starts_with("<Sentences>")) in_sentences = true;
    if (!in_sentences) return Status();  // the header may quote tags in its comments
    if (in_text) {
      if (line.starts_with("</Text>")) {
        in_text = false;
        return Status();
      }
      std::string& t = records.back().text;
      if (!t.empty() && !line.empty()) t += ' ';
      t += decode_entities(line);
      return Status();
    }
    if (line.starts_with("<Sentence ")) {
      ValidationRecord r;
      r.id = attribute(line, "id");
      r.category = attribute(line, "category");
      r.date = attribute(line, "date");
      const std::string evaluate = attribute(line, "evaluate");
      const std::string sentence = attribute(line, "sentence");
      r.evaluate = evaluate != "false" && sentence != "false";
      r.line = line_no;
      records.push_back(std::move(r));
      return Status();
    }
    const auto bad = [&](std::string_view what) {
      return Status(ErrorCode::kParseError, fmt::format("{}:{}: {}", origin, line_no, what));
    };
    if (line.starts_with("<EventCoding")) {
      if (records.empty()) return bad("<EventCoding> before any <Sentence>");
      ValidationRecord& r = records.back();
      if (attribute(line, "noevents") == "True") {
        r.noevents = true;
      } else if (const std::string e = attribute(line, "error"); !e.empty()) {
        r.error = e;
      } else {
        const std::string code = attribute(line, "eventcode");
        if (code.empty()) return bad("<EventCoding> without eventcode, noevents or error");
        r.gold.push_back(
            {code, actor_code(attribute(line, "sourcecode")), actor_code(attribute(line, "targetcode"))});
      }
      return Status();
    }
    if (line.starts_with("<Text>")) {
      if (records.empty()) return bad("<Text> before any <Sentence>");
      in_text = true;
      const std::string_view rest = trim(line.substr(std::string_view("<Text>").size()));
      if (const auto close = rest.find("</Text>"); close != std::string_view::npos) {
        records.back().text = decode_entities(trim(rest.substr(0, close)));
        in_text = false;
      } else if (!rest.empty()) {
        records.back().text = decode_entities(rest);
      }
    }
    return Status();
  });
  if (!read.ok()) return read;
  if (in_text) return Status(ErrorCode::kParseError, fmt::format("{}: <Text> not closed at the end", origin));
  if (records.empty())
    return Status(ErrorCode::kParseError, fmt::format("{}: no <Sentence> records", origin));
  return records;
}

Result<EventsReport> evaluate_events(const Pipeline& pipeline, const std::filesystem::path& file,
                                     bool verbose) {
  auto text = read_text_file(file, "validation records");
  if (!text.ok()) return text.status();
  auto records = read_validation_records(*text, file.string());
  if (!records.ok()) return records.status();
  EventsReport r;
  r.file = file.string();
  std::chrono::steady_clock::duration spent{};
  for (const ValidationRecord& rec : *records) {
    if (!rec.evaluate || !rec.error.empty() || rec.text.empty()) {
      ++r.skipped;
      continue;
    }
    ++r.records;
    Document doc = make_document("", rec.text);
    doc.id = rec.id;
    // YYYYMMDD, or YYMMDD with the two-digit years of the actor dictionaries.
    if (const auto day = ActorDictionary::parse_day(rec.date)) {
      doc.published = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{*day}}};
    }
    const auto t0 = std::chrono::steady_clock::now();
    pipeline.run(doc);
    spent += std::chrono::steady_clock::now() - t0;
    r.sentences += doc.sentences.size();
    if (!doc.issues.empty()) ++r.crashed;
    std::vector<const Event*> coded;
    for (const Event& e : doc.events) {
      if (!e.negated) coded.push_back(&e);
    }
    const size_t gold_answers = rec.noevents ? 1 : rec.gold.size();
    r.gold += gold_answers;
    size_t found = 0;
    size_t found_root = 0;
    if (coded.empty()) {
      if (rec.noevents) {
        found = 1;
        found_root = 1;
      }
    } else {
      for (const Event* e : coded) {
        ++r.coded;
        bool hit = false;
        bool hit_root = false;
        for (const GoldEvent& g : rec.gold) {
          const bool actors = g.source == e->source.code && g.target == e->target.code;
          hit = hit || (actors && g.code == e->code);
          hit_root = hit_root || (actors && g.code.substr(0, 2) == e->root_code);
        }
        found += hit ? 1 : 0;
        found_root += hit_root ? 1 : 0;
        r.extra += hit ? 0 : 1;
        r.extra_root += hit_root ? 0 : 1;
      }
    }
    const size_t extra_here = coded.empty() ? 0 : coded.size() - found;
    r.exact += found == gold_answers && extra_here == 0 ? 1 : 0;
    r.correct += found;
    r.correct_root += found_root;
    if (verbose) {
      std::string line = fmt::format("{} ({} of {}):", rec.id, found, gold_answers);
      line += " gold";
      if (rec.noevents) line += " none";
      for (const GoldEvent& g : rec.gold) line += fmt::format(" {} {} {};", g.code, g.source, g.target);
      line += " coded";
      if (coded.empty()) line += " none";
      for (const Event* e : coded) {
        line += fmt::format(" {} {} {} [{}];", e->code, e->source.code, e->target.code, e->pattern);
      }
      r.details.push_back(std::move(line));
    }
  }
  r.seconds = std::chrono::duration<double>(spent).count();
  return r;
}

std::string format_report(const EventsReport& r) {
  const auto prf = [](size_t correct, size_t extra, size_t gold) {
    const double p =
        correct + extra == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(correct + extra);
    const double rec = gold == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(gold);
    const double f = p + rec == 0 ? 0.0 : 2 * p * rec / (p + rec);
    return fmt::format("precision {:.3f}  recall {:.3f}  F1 {:.3f}", p, rec, f);
  };
  std::string out = fmt::format("{}\n", r.file);
  for (const std::string& d : r.details) out += d + "\n";
  out += fmt::format(
      "records {} (skipped {}, coded exactly {}), gold answers {}, coded events {}, stage failures {}\n",
      r.records, r.skipped, r.exact, r.gold, r.coded, r.crashed);
  out += fmt::format("triples (code, source, target):    correct {:4}  extra {:4}  {}\n", r.correct, r.extra,
                     prf(r.correct, r.extra, r.gold));
  out += fmt::format("root code (2 digits), same actors: correct {:4}  extra {:4}  {}\n", r.correct_root,
                     r.extra_root, prf(r.correct_root, r.extra_root, r.gold));
  if (r.seconds > 0) {
    out += fmt::format("speed: {} sentences in {:.3f} s, {:.0f} sentences/s (whole pipeline, one thread)\n",
                       r.sentences, r.seconds, static_cast<double>(r.sentences) / r.seconds);
  }
  return out;
}

}  // namespace caspian::events
