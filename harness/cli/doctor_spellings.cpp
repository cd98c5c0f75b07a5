#include "harness/cli/doctor_spellings.h"

#include <optional>

#include "common/bearer.h"
#include "common/echo_shape.h"
#include "common/headers.h"
#include "common/json_text.h"
#include "common/jwt.h"

namespace tc::cli {

namespace {

// The path of an absolute URL ("https://h:1/connect/token" -> "/connect/token").
std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "/";
  return url.substr(slash, url.find_first_of("?#", slash) - slash);
}

// The JSON pointer of the first object (depth first, at most `depth` levels down) with a key equal to
// `name` in any letter case.
std::optional<std::string> find_header_map(const json& node, const std::string& name, const std::string& at, int depth) {
  if (!node.is_object() || depth < 0) return std::nullopt;
  for (const auto& [k, v] : node.items())
    if (iequals(k, name)) return at;
  for (const auto& [k, v] : node.items())
    if (auto found = find_header_map(v, name, at + "/" + k, depth - 1)) return found;
  return std::nullopt;
}
}  // namespace

void SpellingChecks::compare(const std::string& component, const std::string& key, const std::string& observed,
                             const std::string& expected, const std::string& where_to_change) {
  const std::string fix = where_to_change.empty() ? key : where_to_change;
  if (observed == expected) return report_(true, component, "spelling " + key, observed);
  report_(false, component, "spelling " + key,
          "observed " + (observed.empty() ? std::string("(nothing)") : "'" + observed + "'") + ", profile says '" +
              expected + "': change " + fix + (observed.empty() ? "" : " to '" + observed + "'"));
}

void SpellingChecks::unauthenticated(const std::string& component, const HttpResponse& res) {
  const ContractProfile p = profile_.for_component(component);
  compare(component, "status.unauthenticated", std::to_string(res.status), std::to_string(p.status("unauthenticated")));
  json body = json::parse(res.body, nullptr, false);
  const std::string error = body.is_object() && body.contains("error") ? value_text(body["error"]) : "";
  const std::string own = profile_.find("components." + component + ".errors.unauthenticated") ? "components." + component + ".errors.unauthenticated" : "errors.unauthenticated";
  compare(component, "errors.unauthenticated", error, p.error("unauthenticated"), own);
  const auto challenges = res.headers.all(p.header("www_authenticate"));
  const std::string scheme = scheme_to_answer(challenges, p.value("bearer_scheme"));
  compare(component, "values.bearer_scheme", scheme, p.value("bearer_scheme"),
          !challenges.empty() ? "values.bearer_scheme" : "headers.www_authenticate (no " + p.header("www_authenticate") + " header)");
}

void SpellingChecks::discovery(const std::string& component, const json& doc, const std::string& authority_url) {
  const std::pair<const char*, const char*> fields[] = {
      {"authorization_endpoint", "authorize"}, {"token_endpoint", "token"}, {"jwks_uri", "jwks"},
      {"introspection_endpoint", "introspect"}, {"tenantcheck_console_tenants_endpoint", "console_tenants"},
      {"tenantcheck_console_profile_endpoint", "console_profile"}};
  for (const auto& [field, key] : fields) {
    if (!doc.is_object() || !doc.contains(field) || !doc[field].is_string()) continue;  // optional fields
    compare(component, std::string("paths.") + key, path_of(doc[field].get<std::string>()), profile_.path(key));
  }
  if (doc.is_object() && doc.contains("issuer") && doc["issuer"].is_string() && doc["issuer"] != authority_url)
    report_(true, component, "issuer", "the issuer " + value_text(doc["issuer"]) + " is not the component's URL " +
                                           authority_url + " (tokens name the issuer; nothing to change)");
}

void SpellingChecks::jwks(const std::string& component, const json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) return;
  for (const auto& k : jwks["keys"]) {
    const std::string kid = k.is_object() ? k.value("kid", std::string("(no kid)")) : "(not an object)";
    const bool ok = k.is_object() && k.value("kty", "") == "RSA" && k.value("alg", "RS256") == "RS256" &&
                    k.value("use", "sig") == "sig";
    report_(ok, component, "jwks key " + kid,
            ok ? "RSA, RS256, sig" : "not an RS256 signing key (A2 is the contract's, not a spelling): " + value_text(k));
  }
}

void SpellingChecks::token(const std::string& component, const json& response, const std::string& tenant) {
  if (!response.is_object()) return;
  if (response.contains("expires_in"))
    compare(component, "windows.access_token_ttl_seconds", value_text(response["expires_in"]),
            std::to_string(profile_.window("access_token_ttl_seconds")));
  auto jwt = decode_jwt(response.value("access_token", std::string()));
  if (!jwt) return;
  const json& claims = jwt->payload;
  const std::string aud_claim = profile_.claim("audience");
  if (claims.contains(aud_claim)) {
    const json& aud = claims[aud_claim];
    const std::string observed = aud.is_array() && !aud.empty() ? value_text(aud[0]) : value_text(aud);
    compare(component, "values.default_audience", observed, profile_.value("default_audience"));
  }
  if (tenant.empty()) return;
  std::string holder;  // the claim that carries the tenant
  for (const auto& [k, v] : claims.items())
    if (v.is_string() && v.get<std::string>() == tenant) holder = k;
  if (!holder.empty()) compare(component, "claims.tenant", holder, profile_.claim("tenant"));
}

void SpellingChecks::echo(const std::string& component, const json& body, const std::string& sent, const std::string& value) {
  auto shape = EchoShape::from_profile(profile_.values());
  auto at = find_header_map(body, sent, "", 4);
  if (!shape || !at) {
    report_(false, component, "echo", "no map of received headers holding " + sent + " in the echo: " + body.dump().substr(0, 200));
    return;
  }
  compare(component, "echo.headers_at", *at, shape->headers_at);
  const json& map = body.at(json::json_pointer(*at));
  std::string name;
  for (const auto& [k, v] : map.items())
    if (iequals(k, sent)) name = k;
  const json& v = map[name];
  compare(component, "echo.values", v.is_array() ? "list" : "string", shape->values == EchoShape::Values::list ? "list" : "string");
  const std::string names = name == to_lower(name) ? "lower" : name == sent && to_lower(name) != name ? "as_received" : "upper";
  const char* expected = shape->names == EchoShape::Names::lower ? "lower" : shape->names == EchoShape::Names::upper ? "upper" : "as_received";
  compare(component, "echo.names", names, expected);
  const bool received = v.is_array() ? (v.size() == 1 && v[0] == value) : v == value;
  report_(received, component, "echo value", sent + (received ? " arrived as sent" : " arrived as " + v.dump()));
}

void SpellingChecks::error_code(const std::string& component, const std::string& key, const std::string& observed) {
  const std::string own = "components." + component + ".errors." + key;
  compare(component, "errors." + key, observed, profile_.for_component(component).error(key),
          profile_.find(own) ? own : "errors." + key + " (or " + own + ")");
}

void SpellingChecks::audit_record(const std::string& component, const json& record, const std::string& event_key) {
  static const char* kFields[] = {"ts", "component", "event", "outcome", "status", "correlation_id", "actor", "method", "path"};
  std::string missing;
  for (const char* f : kFields)
    if (!record.is_object() || !record.contains(f)) missing += std::string(missing.empty() ? "" : ", ") + f;
  report_(missing.empty(), component, "audit fields",
          missing.empty() ? "a record has the fields of U1" : "a record lacks " + missing + " (U1's field names are the contract's): " + record.dump().substr(0, 200));
  if (!record.is_object() || !record.contains("event")) return;
  const ContractProfile p = profile_.for_component(component);
  const std::string key = "events." + event_key;
  const std::string own = "components." + component + ".events." + event_key;
  compare(component, key, value_text(record["event"]), p.event(event_key), profile_.find(own) ? own : key + " (or " + own + ")");
  if (record.contains("outcome")) compare(component, "outcomes.deny", value_text(record["outcome"]), p.find("outcomes.deny") ? value_text(*p.find("outcomes.deny")) : "deny");
}

}  // namespace tc::cli
