// How a written scenario names what a probe sent: principals, tenants and items by their bindings'
// names ({{fx.…}}), headers and codes by the profile's (contract.…), values as YAML double-quoted
// scalars. Shared by the scenario writer and the flows, which are written in the same words.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "harness/explore/model.h"
#include "harness/explore/probe.h"

namespace tc::explore {

std::string q(const std::string& text);           // a YAML double-quoted scalar
std::string fx(const std::string& key);           // "{{fx.<key>}}"
std::string literal(const std::string& text);     // a template's string literal of `text`, quotes escaped
// A tenant id as the pack names it: its bindings' name, else the id itself; as an expression.
std::string tenant_text(const Model& model, const std::string& tenant);
std::string tenant_expr(const Model& model, const std::string& tenant);
// An item id as an expression: its bindings' name (another letter case of it through upper/lower),
// else the id itself.
std::string item_expr(const Model& model, const std::string& id);
// A path parameter as written (an expression such as fx.tenants.eu) and as sent.
struct PathArg {
  std::string expr, value;
};
// A route's URL under {{gateway}}: its bindings' name filled with `args` in path order, else its
// declared path filled with their values.
std::string route_url_text(const Route& route, const std::vector<PathArg>& args);
// The same with the route's tenant parameter `path_tenant` and every other parameter `item_id`.
std::string route_url_text(const Model& model, const Route& route, const std::string& path_tenant, const std::string& item_id);
// Scopes as a token's space-separated scope: the bindings' name of the same set ({{fx.scopes.all}}),
// else the scopes themselves, so that a written token asks what the running platform calls that set.
std::string scope_text(const Model& model, const std::vector<std::string>& scopes);
// A tenant parameter as sent: a known tenant by its name, a padded or upper-case one from that name.
std::string parameter_text(const Model& model, const std::string& tenant);
// A carrier's value and header name as templates.
std::string value_text(const Model& model, const Carrier& c);
std::string name_text(const Carrier& c);
const char* principal_label(const Principal& p);  // "user" or "client"
// The step that asks the token endpoint for `who` (password grant of the console client, or
// client_credentials), with an optional tenant parameter; `extra_form` is appended to the form lines.
// Request only: the caller writes capture and expect.
std::string token_request_text(const Model& model, const Principal& who, const std::optional<std::string>& tenant,
                               const std::string& indent, const std::string& extra_form = "",
                               const std::string& label = "");

}  // namespace tc::explore
