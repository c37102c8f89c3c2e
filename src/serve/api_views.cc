// The API's aggregate views (contract in serve/api_views.h).
#include "serve/api_views.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>

#include "caspian/event_export.h"
#include "caspian/json.h"

namespace caspian::api {
namespace {

using QuadCounts = std::array<int64_t, 4>;
constexpr std::array<std::string_view, 4> kQuadNames = {"verbal_cooperation", "material_cooperation",
                                                        "verbal_conflict", "material_conflict"};
// How many counterparts and CAMEO roots an entity's profile lists.
constexpr size_t kProfileTop = 10;
// How many edges the network returns at most: beyond this a graph drawn in a browser is a hairball.
constexpr size_t kMaxEdges = 2000;

std::string quad_json(const QuadCounts& q) {
  return fmt::format(R"({{"{}": {}, "{}": {}, "{}": {}, "{}": {}}})", kQuadNames[0], q[0], kQuadNames[1],
                     q[1], kQuadNames[2], q[2], kQuadNames[3], q[3]);
}

void count_quad(QuadCounts& q, int quad_class) {
  if (quad_class >= 1 && quad_class <= static_cast<int>(q.size())) ++q[static_cast<size_t>(quad_class - 1)];
}

std::string number_or_null(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : "null";
}

std::string entity_json(const Entity& e) {
  return fmt::format(
      R"({{"id": {}, "kind": {}, "name": {}, "country": {}, "lat": {}, "lon": {}, "population": {}, "feature_code": {}}})",
      json_string(e.id), json_string(to_string(e.kind)), json_string(e.name), json_string(e.country),
      number_or_null(e.lat), number_or_null(e.lon), e.population, json_string(e.feature_code));
}

// The event query with at most kMaxScannedEvents + 1 events, and whether the store held more.
Result<std::pair<std::vector<StoredEvent>, bool>> scan_events(Store& store, EventQuery q) {
  q.limit = kMaxScannedEvents + 1;
  CASPIAN_ASSIGN_OR_RETURN(std::vector<StoredEvent> events, store.events(q));
  const bool truncated = events.size() > static_cast<size_t>(kMaxScannedEvents);
  if (truncated) events.resize(static_cast<size_t>(kMaxScannedEvents));
  return std::pair{std::move(events), truncated};
}

// A name for an actor: its linked entity's, else its CAMEO code.
struct ActorTally {
  std::string code;
  std::string entity_id;
  std::string name;
  int64_t events = 0;
};

void tally_actor(std::unordered_map<std::string, ActorTally>& tallies, const EventActor& a,
                 const std::optional<Entity>& linked) {
  const std::string key = a.entity_id.empty() ? a.code : a.entity_id;
  if (key.empty()) return;
  ActorTally& t = tallies[key];
  if (t.code.empty()) t.code = a.code;
  if (t.entity_id.empty()) t.entity_id = a.entity_id;
  if (t.name.empty() && linked) t.name = linked->name;
  ++t.events;
}

std::vector<ActorTally> top_tallies(const std::unordered_map<std::string, ActorTally>& tallies, size_t n) {
  std::vector<ActorTally> out;
  out.reserve(tallies.size());
  for (const auto& [key, t] : tallies) out.push_back(t);
  std::sort(out.begin(), out.end(), [](const ActorTally& a, const ActorTally& b) {
    return a.events != b.events ? a.events > b.events : a.code < b.code;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

// A node's label: the country's name for a bare country code (ARM: "Armenia"), else the code with
// the first entity it was linked to ("ARMGOV · Nikol Pashinyan"): a role code names an office, not
// the one person seen in it.
std::string node_label(const ActorTally& t) {
  constexpr size_t kCountryCodeLength = 3;
  if (t.name.empty()) return t.code;
  if (t.code.size() == kCountryCodeLength && t.entity_id.starts_with("iso3166:")) return t.name;
  return fmt::format("{} · {}", t.code, t.name);
}

}  // namespace

Result<SearchQuery> article_query(const Params& p) {
  SearchQuery q;
  q.text = p.get("q");
  q.entity_ids = p.all("entity");
  q.topic = p.get("topic");
  q.language = p.get("language");
  CASPIAN_ASSIGN_OR_RETURN(q.since, p.date("since"));
  CASPIAN_ASSIGN_OR_RETURN(q.until, p.date("until"));
  return q;
}

Result<EventQuery> event_query(const Params& p) {
  EventQuery q;
  q.actors = p.all("actor");
  q.code = p.get("code");
  const std::string root = p.get("root");
  if (!q.code.empty() && (q.code.size() > 4 || !all_digits(q.code)))
    return bad_parameter("code", "a CAMEO code prefix of 1 to 4 digits");
  if (!root.empty()) {
    if (cameo_root_name(root).empty()) return bad_parameter("root", "a CAMEO root, 01 to 20");
    if (!q.code.empty() && !q.code.starts_with(root) && !root.starts_with(q.code))
      return bad_parameter("root", fmt::format("root {} and code {} cannot both hold", root, q.code));
    if (q.code.size() < root.size()) q.code = root;
  }
  const std::string quad = p.get("quad_class");
  if (!quad.empty()) {
    if (quad.size() != 1 || quad[0] < '1' || quad[0] > '4')
      return bad_parameter("quad_class", "1 (verbal cooperation) to 4 (material conflict)");
    q.quad_class = quad[0] - '0';
  }
  q.place = p.get("place");
  const std::vector<std::string> entities = p.all("entity");
  if (entities.size() > 1) return bad_parameter("entity", "given more than once (events take one entity)");
  if (!entities.empty()) q.entity_id = entities[0];
  q.topic = p.get("topic");
  CASPIAN_ASSIGN_OR_RETURN(q.since, p.date("since"));
  CASPIAN_ASSIGN_OR_RETURN(q.until, p.date("until"));
  return q;
}

Result<ApiResponse> entity_profile(Store& store, const Params& p, std::string_view id, int max_limit) {
  CASPIAN_RETURN_IF_ERROR(p.only({"since", "until", "limit"}));
  SearchQuery sq;
  sq.entity_ids = {std::string(id)};
  CASPIAN_ASSIGN_OR_RETURN(sq.since, p.date("since"));
  CASPIAN_ASSIGN_OR_RETURN(sq.until, p.date("until"));
  CASPIAN_ASSIGN_OR_RETURN(sq.limit, p.limit(max_limit, 20));
  CASPIAN_ASSIGN_OR_RETURN(std::optional<EntityStat> stat, store.entity(id));
  if (!stat) return ApiError::not_found(fmt::format("no entity {}", id));
  CASPIAN_ASSIGN_OR_RETURN(std::vector<TimelineDay> days, store.timeline(sq));
  CASPIAN_ASSIGN_OR_RETURN(std::vector<EntityStat> co, store.mentioned_entities(sq, std::nullopt));
  EventQuery eq;
  eq.entity_id = std::string(id);
  eq.since = sq.since;
  eq.until = sq.until;
  CASPIAN_ASSIGN_OR_RETURN(auto scanned, scan_events(store, eq));
  const auto& [events, truncated] = scanned;
  QuadCounts as_source{}, as_target{}, at_place{};
  std::unordered_map<std::string, ActorTally> counterparts;
  std::map<std::string, int64_t> roots;
  for (const StoredEvent& e : events) {
    const Event& ev = e.record.event;
    if (ev.source.entity_id == id) {
      count_quad(as_source, ev.quad_class);
      tally_actor(counterparts, ev.target, e.target_entity);
    }
    if (ev.target.entity_id == id) {
      count_quad(as_target, ev.quad_class);
      tally_actor(counterparts, ev.source, e.source_entity);
    }
    if (ev.location_id == id) count_quad(at_place, ev.quad_class);
    if (ev.source.entity_id == id || ev.target.entity_id == id) ++roots[ev.root_code];
  }
  std::string out =
      fmt::format(R"({{"entity": {}, "mentions": {}, "articles": {}, "first_seen": {}, "last_seen": {}, )",
                  entity_json(stat->entity), stat->mentions, stat->articles,
                  days.empty() ? "null" : json_string(format_date(days.front().day)),
                  days.empty() ? "null" : json_string(format_date(days.back().day)));
  out += R"("mentions_by_day": [)";
  for (size_t i = 0; i < days.size(); ++i)
    out += fmt::format(R"({}{{"day": "{}", "articles": {}}})", i ? ", " : "", format_date(days[i].day),
                       days[i].articles);
  out += R"(], "co_occurring": [)";
  for (size_t i = 0; i < co.size(); ++i)
    out += fmt::format(R"({}{{"entity": {}, "articles": {}, "mentions": {}}})", i ? ", " : "",
                       entity_json(co[i].entity), co[i].articles, co[i].mentions);
  out +=
      fmt::format(R"(], "events": {{"as_source": {}, "as_target": {}, "at_place": {}, "truncated": {}}}, )",
                  quad_json(as_source), quad_json(as_target), quad_json(at_place), truncated);
  out += R"("counterparts": [)";
  const std::vector<ActorTally> top = top_tallies(counterparts, kProfileTop);
  for (size_t i = 0; i < top.size(); ++i)
    out += fmt::format(R"({}{{"code": {}, "entity_id": {}, "name": {}, "events": {}}})", i ? ", " : "",
                       json_string(top[i].code), json_string(top[i].entity_id), json_string(top[i].name),
                       top[i].events);
  std::vector<std::pair<std::string, int64_t>> by_root(roots.begin(), roots.end());
  std::stable_sort(by_root.begin(), by_root.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (by_root.size() > kProfileTop) by_root.resize(kProfileTop);
  out += R"(], "top_roots": [)";
  for (size_t i = 0; i < by_root.size(); ++i)
    out += fmt::format(R"({}{{"root": {}, "name": {}, "events": {}}})", i ? ", " : "",
                       json_string(by_root[i].first), json_string(cameo_root_name(by_root[i].first)),
                       by_root[i].second);
  return json_response(out + "]}");
}

Result<ApiResponse> timeline(Store& store, const Params& p) {
  CASPIAN_RETURN_IF_ERROR(p.only({"q", "entity", "topic", "language", "since", "until"}));
  CASPIAN_ASSIGN_OR_RETURN(SearchQuery q, article_query(p));
  auto days = store.timeline(q);
  if (!days.ok()) {
    if (!q.text.empty()) return bad_parameter("q", days.status().message());
    return days.status();
  }
  int64_t articles = 0;
  QuadCounts events{};
  std::string out = R"({"days": [)";
  for (size_t i = 0; i < days->size(); ++i) {
    const TimelineDay& d = (*days)[i];
    articles += d.articles;
    for (size_t k = 0; k < events.size(); ++k) events[k] += d.events[k];
    out += fmt::format(R"({}{{"day": "{}", "articles": {}, "events": {}}})", i ? ", " : "",
                       format_date(d.day), d.articles, quad_json(d.events));
  }
  out += fmt::format(R"(], "totals": {{"articles": {}, "events": {}}}}})", articles, quad_json(events));
  return json_response(std::move(out));
}

Result<ApiResponse> network(Store& store, const Params& p, int max_nodes) {
  std::vector<std::string_view> allowed(kEventParams.begin(), kEventParams.end());
  allowed.push_back("limit");
  CASPIAN_RETURN_IF_ERROR(p.only(allowed));
  CASPIAN_ASSIGN_OR_RETURN(EventQuery q, event_query(p));
  CASPIAN_ASSIGN_OR_RETURN(int limit, p.limit(max_nodes, 50));
  CASPIAN_ASSIGN_OR_RETURN(auto scanned, scan_events(store, q));
  const auto& [events, truncated] = scanned;
  struct Edge {
    int64_t events = 0;
    double goldstein = 0;
    QuadCounts quad{};
    std::set<int64_t> articles;
  };
  std::map<std::pair<std::string, std::string>, Edge> edges;
  std::unordered_map<std::string, ActorTally> nodes;
  for (const StoredEvent& e : events) {
    const Event& ev = e.record.event;
    if (ev.source.code.empty() || ev.target.code.empty() || ev.source.code == ev.target.code) continue;
    Edge& edge = edges[{ev.source.code, ev.target.code}];
    ++edge.events;
    edge.goldstein += ev.goldstein;
    count_quad(edge.quad, ev.quad_class);
    edge.articles.insert(e.article_id);
    // Nodes are CAMEO codes (KAZGOV and KAZ are two actors); the entity names them.
    EventActor source = ev.source, target = ev.target;
    source.entity_id.clear();
    target.entity_id.clear();
    tally_actor(nodes, source, e.source_entity);
    tally_actor(nodes, target, e.target_entity);
    if (nodes[ev.source.code].entity_id.empty()) nodes[ev.source.code].entity_id = ev.source.entity_id;
    if (nodes[ev.target.code].entity_id.empty()) nodes[ev.target.code].entity_id = ev.target.entity_id;
  }
  const std::vector<ActorTally> top = top_tallies(nodes, static_cast<size_t>(limit));
  std::set<std::string> kept;
  std::string out = R"({"nodes": [)";
  for (size_t i = 0; i < top.size(); ++i) {
    kept.insert(top[i].code);
    out += fmt::format(R"({}{{"id": {}, "label": {}, "entity_id": {}, "events": {}}})", i ? ", " : "",
                       json_string(top[i].code), json_string(node_label(top[i])),
                       json_string(top[i].entity_id), top[i].events);
  }
  std::vector<const std::pair<const std::pair<std::string, std::string>, Edge>*> shown;
  for (const auto& entry : edges) {
    if (kept.contains(entry.first.first) && kept.contains(entry.first.second)) shown.push_back(&entry);
  }
  std::stable_sort(shown.begin(), shown.end(),
                   [](const auto* a, const auto* b) { return a->second.events > b->second.events; });
  const bool edges_cut = shown.size() > kMaxEdges;
  if (edges_cut) shown.resize(kMaxEdges);
  out += R"(], "edges": [)";
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto& [key, edge] = *shown[i];
    out += fmt::format(
        R"({}{{"source": {}, "target": {}, "events": {}, "articles": {}, "goldstein": {:.2f}, "quad_classes": {}}})",
        i ? ", " : "", json_string(key.first), json_string(key.second), edge.events, edge.articles.size(),
        edge.goldstein / static_cast<double>(edge.events), quad_json(edge.quad));
  }
  out += fmt::format(R"(], "events_scanned": {}, "truncated": {}}})", events.size(), truncated || edges_cut);
  return json_response(std::move(out));
}

Result<ApiResponse> map(Store& store, const Params& p, int max_places) {
  std::vector<std::string_view> allowed(kEventParams.begin(), kEventParams.end());
  allowed.insert(allowed.end(), {"limit", "layer"});
  CASPIAN_RETURN_IF_ERROR(p.only(allowed));
  CASPIAN_ASSIGN_OR_RETURN(EventQuery q, event_query(p));
  CASPIAN_ASSIGN_OR_RETURN(int limit, p.limit(max_places, max_places));
  const std::string layer = p.get("layer", "all");
  if (layer != "all" && layer != "events" && layer != "places")
    return bad_parameter("layer", "one of all, events, places");
  std::vector<std::string> features;
  bool truncated = false;
  const auto point = [](const Entity& e, std::string_view layer_name, std::string properties) {
    return fmt::format(
        R"({{"type": "Feature", "id": {}, "geometry": {{"type": "Point", "coordinates": [{}, {}]}}, "properties": {{"layer": "{}", "entity": {}, {}}}}})",
        json_string(e.id), *e.lon, *e.lat, layer_name, entity_json(e), properties);
  };
  if (layer != "places") {
    CASPIAN_ASSIGN_OR_RETURN(auto scanned, scan_events(store, q));
    truncated = scanned.second;
    struct Place {
      Entity entity;
      int64_t events = 0;
      QuadCounts quad{};
      std::set<int64_t> articles;
      std::string first, last;
    };
    std::map<std::string, Place> places;
    for (const StoredEvent& e : scanned.first) {
      if (!e.location || !e.location->lat || !e.location->lon) continue;
      Place& pl = places[e.location->id];
      if (pl.events == 0) pl.entity = *e.location;
      ++pl.events;
      count_quad(pl.quad, e.record.event.quad_class);
      pl.articles.insert(e.article_id);
      const std::string& date = e.record.event.date;
      if (!date.empty() && (pl.first.empty() || date < pl.first)) pl.first = date;
      if (!date.empty() && date > pl.last) pl.last = date;
    }
    std::vector<const Place*> sorted;
    for (const auto& [id, pl] : places) sorted.push_back(&pl);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Place* a, const Place* b) { return a->events > b->events; });
    if (sorted.size() > static_cast<size_t>(limit)) sorted.resize(static_cast<size_t>(limit));
    for (const Place* pl : sorted) {
      features.push_back(
          point(pl->entity, "events",
                fmt::format(
                    R"("events": {}, "articles": {}, "quad_classes": {}, "first_date": {}, "last_date": {})",
                    pl->events, pl->articles.size(), quad_json(pl->quad),
                    pl->first.empty() ? "null" : json_string(pl->first),
                    pl->last.empty() ? "null" : json_string(pl->last))));
    }
  }
  if (layer != "events") {
    // Places named in the articles of the date range, topic and entity (the event-only filters do
    // not select articles).
    SearchQuery sq;
    sq.since = q.since;
    sq.until = q.until;
    sq.topic = q.topic;
    if (!q.entity_id.empty()) sq.entity_ids = {q.entity_id};
    sq.limit = limit;
    for (const EntityKind kind : {EntityKind::kCountry, EntityKind::kPlace, EntityKind::kFeature}) {
      CASPIAN_ASSIGN_OR_RETURN(std::vector<EntityStat> named, store.mentioned_entities(sq, kind));
      for (const EntityStat& st : named) {
        if (!st.entity.lat || !st.entity.lon) continue;
        features.push_back(point(st.entity, "places",
                                 fmt::format(R"("articles": {}, "mentions": {})", st.articles, st.mentions)));
      }
    }
  }
  std::string out = R"({"type": "FeatureCollection", "features": [)";
  for (size_t i = 0; i < features.size(); ++i) out += (i ? ", " : "") + features[i];
  out += fmt::format(R"(], "truncated": {}}})", truncated);
  ApiResponse r = json_response(std::move(out));
  r.content_type = "application/geo+json";
  return r;
}

}  // namespace caspian::api
