// Route matching for every stub role: a request's method and path against a table whose path
// templates hold {name} segments. Segments compare exactly; {name} matches one non-empty segment. A
// route whose template has no parameter wins over one that matches through parameters; otherwise
// table order. A path some route has with other methods only is told apart from an unknown path
// (405 with Allow against 404). A row is any type with `method` and `path` strings.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tc::stub {

using PathParams = std::map<std::string, std::string>;

// The parameters when `path` fits `templ`, nullopt otherwise.
std::optional<PathParams> fit_path(const std::string& templ, const std::string& path);
// `templ` with its {name} segments replaced by `params` (percent-encoded); unknown names stay.
std::string fill_path(const std::string& templ, const PathParams& params);
// The values of `templ`'s {name} segments in `params`, in the order the template names them.
std::vector<std::string> params_in_order(const std::string& templ, const PathParams& params);

template <class Row>
struct RouteMatch {
  const Row* route = nullptr;        // the row for method and path, or nullptr
  std::vector<std::string> allowed;  // the methods of the rows that have this path, in table order (empty: unknown path)
  PathParams params;                 // {name} -> segment, for the matched row
};

template <class Row>
RouteMatch<Row> match_route(const std::vector<Row>& rows, const std::string& method, const std::string& path) {
  RouteMatch<Row> best;
  for (const auto& row : rows) {
    auto params = fit_path(row.path, path);
    if (!params) continue;
    bool listed = false;
    for (const auto& m : best.allowed) listed = listed || m == row.method;
    if (!listed) best.allowed.push_back(row.method);
    if (row.method != method) continue;
    const bool literal = row.path.find('{') == std::string::npos;
    const bool best_literal = best.route != nullptr && best.route->path.find('{') == std::string::npos;
    if (best.route == nullptr || (literal && !best_literal)) {
      best.route = &row;
      best.params = std::move(*params);
    }
  }
  return best;
}

}  // namespace tc::stub
