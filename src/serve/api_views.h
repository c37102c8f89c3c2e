// The API's aggregate views: the event filter every event route shares, an entity's profile, the
// timeline, the actor network and the map (routes in docs/api.md, schemas in
// data/serve/openapi.json).
//
// Thread safety: each function uses only the Store it is given (one request's lease).
#pragma once

#include <array>
#include <string_view>

#include "caspian/result.h"
#include "caspian/serve.h"
#include "caspian/store.h"
#include "serve/api_util.h"

namespace caspian::api {

// How many stored events one aggregate request reads at most: the network and the map of a
// narrower filter are the answer to more (the example corpus stores 3,939 events, read in
// well under a second). A view that reached it says so ("truncated": true).
inline constexpr int kMaxScannedEvents = 200000;

// The article parameters of search and timeline: q, entity*, topic, language, since, until (limit,
// offset and order left at their defaults). Errors: bad_parameter naming a bad date.
[[nodiscard]] Result<SearchQuery> article_query(const Params& p);

// The event parameters: actor*, code, root, quad_class, place, entity, topic, since, until.
// Errors: bad_parameter naming the first bad one.
[[nodiscard]] Result<EventQuery> event_query(const Params& p);
// The parameter names event_query reads, for Params::only.
inline constexpr std::array<std::string_view, 9> kEventParams = {
    "actor", "code", "root", "quad_class", "place", "entity", "topic", "since", "until"};

// GET /api/v1/entities/{id}: the entity, its mentions per day, the entities it co-occurs with, its
// events by QuadClass as source, target and place, and its most frequent counterparts.
[[nodiscard]] Result<ApiResponse> entity_profile(Store& store, const Params& p, std::string_view id,
                                                 int max_limit);
// GET /api/v1/timeline: articles and events by QuadClass per day for a search.
[[nodiscard]] Result<ApiResponse> timeline(Store& store, const Params& p);
// GET /api/v1/network: actors as nodes, their directed interactions as weighted edges.
[[nodiscard]] Result<ApiResponse> network(Store& store, const Params& p, int max_nodes);
// GET /api/v1/map: event places and mentioned places as a GeoJSON FeatureCollection.
[[nodiscard]] Result<ApiResponse> map(Store& store, const Params& p, int max_places);

}  // namespace caspian::api
