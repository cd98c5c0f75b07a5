// The gateway's route table (contract G4, G5): a request's method and path are matched against the
// fixtures' routes, whose path templates hold {name} segments. A path that some route has but not
// with this method is told apart from an unknown path (405 against 404). Pure functions.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "common/fixtures.h"

namespace tc::stub::gateway {

struct RouteMatch {
  const Route* route = nullptr;                // the route for method and path, or nullptr
  bool path_known = false;                     // some route has this path (whatever its method)
  std::map<std::string, std::string> params;   // {name} -> segment, for the matched route
};

// Segments are compared exactly; a {name} segment matches any one non-empty segment. A route whose
// template has no parameter wins over one that matches through parameters; otherwise table order.
RouteMatch match_route(const std::vector<Route>& routes, const std::string& method, const std::string& path);

// The backend path of a matched route: its `upstream` template (the route's own path when empty)
// with {name} segments replaced by the request's values (percent-encoded).
std::string upstream_path(const Route& route, const std::map<std::string, std::string>& params);

}  // namespace tc::stub::gateway
