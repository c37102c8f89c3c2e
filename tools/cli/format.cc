#include "format.h"

#include <fmt/format.h>

#include <map>

namespace caspian::cli {

namespace {

std::string coords(const Entity& e) {
  if (!e.lat || !e.lon) return {};
  return fmt::format(" ({:.4f}, {:.4f})", *e.lat, *e.lon);
}

}  // namespace

std::string format_text(const Document& doc) {
  std::string out;
  out += fmt::format("Headline:  {}\n", doc.title.empty() ? "(none)" : doc.title);
  if (doc.published) out += fmt::format("Published: {}\n", format_date(*doc.published));
  if (!doc.url.empty()) out += fmt::format("URL:       {}\n", doc.url);
  if (!doc.source.empty()) out += fmt::format("Source:    {}\n", doc.source);
  if (!doc.license.empty()) out += fmt::format("Licence:   {}\n", doc.license);
  out += fmt::format("Text:      {} bytes, {} sentences, {} tokens\n", doc.text.size(), doc.sentences.size(),
                     doc.tokens.size());
  if (doc.tone) {
    out += fmt::format("Tone:      {:+.2f} ({:.2f}% positive, {:.2f}% negative words), compound {:+.3f}\n",
                       doc.tone->avg_tone, doc.tone->positive, doc.tone->negative, doc.tone->compound);
  }

  // Group mentions by entity kind, then by entity, in order of first mention.
  const std::vector<std::pair<EntityKind, const char*>> sections = {
      {EntityKind::kCountry, "Countries"},          {EntityKind::kPlace, "Places"},
      {EntityKind::kFeature, "Features"},           {EntityKind::kPerson, "People"},
      {EntityKind::kOrganization, "Organisations"}, {EntityKind::kMisc, "Other names"}};
  for (const auto& [kind, label] : sections) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Mention*>> by_entity;
    for (const Mention& m : doc.mentions) {
      if (m.kind != kind) continue;
      const std::string key = m.entity_id.empty() ? std::string(doc.slice(m.span)) : m.entity_id;
      if (by_entity[key].empty()) order.push_back(key);
      by_entity[key].push_back(&m);
    }
    if (order.empty()) continue;
    out += fmt::format("\n{}:\n", label);
    for (const std::string& key : order) {
      const auto& ms = by_entity[key];
      const Entity* e = doc.find_entity(key);
      std::string surfaces;
      std::map<std::string, int> seen;
      for (const Mention* m : ms) {
        std::string s(doc.slice(m->span));
        if (seen[s]++ == 0) surfaces += (surfaces.empty() ? "" : ", ") + s;
      }
      out += fmt::format("  {:<34} {}{}{}  x{}  [{}]\n", e != nullptr ? e->name : key, key,
                         e != nullptr && !e->country.empty() ? " " + e->country : "",
                         e != nullptr ? coords(*e) : "", ms.size(), ms.front()->method);
      out += fmt::format("  {:<34} as: {}\n", "", surfaces);
    }
  }
  if (!doc.times.empty()) {
    out += "\nTime expressions:\n";
    for (const TimeExpression& t : doc.times) {
      out += fmt::format("  {:<28} -> {:<12} {:<9} {}{}  (sentence {})\n",
                         fmt::format("\"{}\"", doc.slice(t.span)), t.value, to_string(t.granularity),
                         t.mod.empty() ? "" : "mod=" + t.mod,
                         t.anchored ? " (relative to publication date)" : "", t.sentence);
    }
  }
  if (!doc.events.empty()) {
    out += "\nEvents (CAMEO code, source -> target, PLOVER, date, place):\n";
    for (const Event& e : doc.events) {
      out += fmt::format(
          "  {:<5} {} -> {}  {}{}{}  {}{}{}  (sentence {}, confidence {:.2f})\n", e.code, e.source.code,
          e.target.code, e.plover_type.empty() ? "-" : e.plover_type,
          e.plover_mode.empty() ? "" : "/" + e.plover_mode,
          e.modality == EventModality::kAsserted ? "" : fmt::format(" [{}]", to_string(e.modality)),
          e.date.empty() ? "date unknown" : e.date, e.date_from_text || e.date.empty() ? "" : " (published)",
          e.location_id.empty() ? "" : " at " + e.location_id, e.sentence, e.confidence);
      out += fmt::format("        \"{}\" -> \"{}\"; {}{}\n", doc.slice(e.source.span),
                         doc.slice(e.target.span), e.pattern, e.negated ? " (negated)" : "");
    }
  }
  if (!doc.flags.empty()) {
    out += "\nFlags:\n";
    for (const Flag& f : doc.flags) {
      out += fmt::format("  [{}] {} (confidence {:.2f})\n", f.kind, f.message, f.confidence);
      for (const Span& s : f.evidence) out += fmt::format("        \"{}\"\n", doc.slice(s));
    }
  }
  if (!doc.issues.empty()) {
    out += "\nIssues:\n";
    for (const StageIssue& i : doc.issues) out += fmt::format("  [{}] {}\n", i.stage, i.message);
  }
  return out;
}

std::string format_hits(const std::vector<SearchHit>& hits) {
  std::string out;
  int rank = 0;
  for (const SearchHit& h : hits) {
    ++rank;
    out += fmt::format("{:>2}. #{} {} {}\n", rank, h.article_id,
                       h.published ? format_date(*h.published) : "----------",
                       h.title.empty() ? "(no headline)" : h.title);
    if (!h.source.empty() || !h.url.empty())
      out += fmt::format("    {}{}{}\n", h.source, h.source.empty() || h.url.empty() ? "" : "  ", h.url);
    std::string snippet = h.snippet;
    for (char& c : snippet) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    out += fmt::format("    {}\n", snippet);
  }
  return out;
}

}  // namespace caspian::cli
