#include "harness/explore/judge.h"

#include <algorithm>
#include <set>

#include "common/echo_shape.h"
#include "common/headers.h"
#include "common/jwt.h"

namespace tc::explore {

namespace {

std::string spelled(const json& contract, const char* section, const std::string& key) {
  const json& s = contract.value(section, json::object());
  return s.contains(key) && s[key].is_string() ? s[key].get<std::string>() : key;
}

std::string header_name(const json& contract, const char* key) {
  const json& h = contract.value("headers", json::object());
  return h.contains(key) && h[key].is_string() ? h[key].get<std::string>() : "";
}

std::string text(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "none"; }


// The clause whose check answers with this errors.* key (the envelope's code read back).
std::string clause_of_error(const json& contract, const std::string& error) {
  static const std::vector<std::pair<const char*, const char*>> table = {
      {"unauthenticated", "G1"},  {"invalid_token", "G1"},    {"tenant_invalid", "G3"},
      {"tenant_conflict", "G3"},  {"tenant_forbidden", "G3"}, {"tenant_missing", "G3"},
      {"insufficient_scope", "G4"}, {"not_found", "B2"},      {"context_unverified", "B1"},
      {"tenant_inactive", "T4"},  {"rate_limited", "T2"},
  };
  for (const auto& [key, clause] : table)
    if (spelled(contract, "errors", key) == error) return clause;
  return "";
}

int order_of(const std::string& clause) {
  static const std::vector<std::string> order = {"G1", "G3", "T4", "T2", "G4", "G5", "B2"};
  const auto at = std::find(order.begin(), order.end(), clause == "T1" ? "G3" : clause);
  return at == order.end() ? 99 : static_cast<int>(at - order.begin());
}

// The set of comma-separated tokens of a field's every line, lower-cased.
std::set<std::string> tokens_of(const Headers& headers, const std::string& name) {
  std::set<std::string> out;
  for (const auto& line : headers.all(name))
    for (const auto& t : split_comma_list(line))
      if (!t.empty()) out.insert(to_lower(t));
  return out;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class Verdict {
 public:
  void fail(std::string clause, std::string check, std::string expected, std::string actual) {
    found.push_back({std::move(clause), std::move(check), std::move(expected), std::move(actual)});
  }
  std::vector<Violation> found;
};

// The records' events in order, as the component spells them.
std::vector<std::string> events_of(const std::vector<json>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(string_at(r, "event", "?"));
  return out;
}

}  // namespace

std::vector<Violation> judge_gateway(const Model& model, const json& gateway, const json& backend, const Probe& probe,
                                     const RequestFacts& facts, const Prediction& predicted, const Observation& seen) {
  Verdict v;
  const HttpResponse& r = seen.response;
  const json& body = r.body_json();
  const std::string body_error = body.is_object() && body.contains("error") && body["error"].is_string()
                                     ? body["error"].get<std::string>() : "";
  const Route& route = *facts.route;
  const bool by_backend = predicted.clause == "G5" || facts.direct;  // the body is the backend's
  const json& answering = by_backend ? backend : gateway;
  const std::string expected_error = predicted.error.empty() ? "" : spelled(answering, "errors", predicted.error);

  // Status and error: the deciding clause, or the one that decided instead.
  if (r.status != predicted.status || (!expected_error.empty() && body_error != expected_error && r.status >= 400)) {
    const std::string actual_clause = body_error.empty() ? "" : clause_of_error(answering, body_error);
    std::string clause = predicted.clause;
    // The gateway recorded the request as forwarded: the backend answered, whatever its words.
    const auto gateway_events = seen.gateway_records ? events_of(*seen.gateway_records) : std::vector<std::string>{};
    const bool forwarded = std::count(gateway_events.begin(), gateway_events.end(),
                                      spelled(gateway, "events", "request_forwarded")) > 0;
    if (actual_clause == "T2" && predicted.clause != "T2") {
      clause = "T2";  // refused for a budget the model says is left
    } else if (facts.direct) {
      clause = predicted.clause == "B1" || actual_clause != "B1" ? predicted.clause : "B1";
    } else if (predicted.clause == "G5") {
      if (predicted.error == "not_found" && r.status < 300) clause = "I1";  // another tenant's item served
      else if (predicted.error == "not_found" && forwarded) clause = "I2";  // not answered as a missing id
      else if (forwarded && actual_clause == "B1") clause = probe.spoof_identity ? "G2" : "G5";  // the context it forwarded
      else if (forwarded) clause = "B2";
      else if (!actual_clause.empty()) clause = actual_clause;            // a check denied what it must allow
    } else if (!actual_clause.empty() && actual_clause != predicted.clause && order_of(actual_clause) > order_of(predicted.clause) &&
               order_of(actual_clause) < order_of("G5")) {
      clause = "O1";  // a later check answered first
    }
    v.fail(clause, r.status != predicted.status ? "status" : "envelope error", std::to_string(predicted.status) + (expected_error.empty() ? "" : " " + expected_error),
           std::to_string(r.status) + (body_error.empty() ? "" : " " + body_error));
    return v.found;  // the rest of the answer belongs to another decision
  }
  if (!expected_error.empty() && body_error != expected_error)
    v.fail(by_backend ? "B2" : predicted.clause, "envelope error", expected_error,
           body_error.empty() ? "none" : body_error);

  // E1: the caller's correlation id, echoed in the header and an error body.
  const std::string cid_header = header_name(gateway, "correlation_id");
  if (!cid_header.empty() && r.headers.get(cid_header) != seen.correlation_id)
    v.fail("E1", "header " + cid_header, seen.correlation_id, text(r.headers.get(cid_header)));
  if (!predicted.error.empty() && body.is_object() && string_at(body, "correlation_id") != seen.correlation_id)
    v.fail("E1", "body correlation_id", seen.correlation_id,
           body.is_object() && body.contains("correlation_id") ? body["correlation_id"].dump() : "none");

  // G1 and G4 challenges.
  const std::string challenge_header = header_name(gateway, "www_authenticate");
  const auto challenge = r.headers.get(challenge_header);
  if (predicted.clause == "G1" || predicted.clause == "G4") {
    const std::string scheme = spelled(gateway, "values", "bearer_scheme");
    const std::string err = predicted.error == "unauthenticated" ? "" : spelled(gateway, "errors", predicted.error);
    const bool scheme_ok = challenge && challenge->size() >= scheme.size() && iequals(challenge->substr(0, scheme.size()), scheme);
    const bool error_ok = challenge && (err.empty() ? challenge->find("error=") == std::string::npos
                                                    : challenge->find("error=\"" + err + "\"") != std::string::npos);
    if (!scheme_ok || !error_ok)
      v.fail(predicted.clause, "header " + challenge_header,
             err.empty() ? "no error attribute, scheme " + scheme : "scheme " + scheme + ", error=\"" + err + "\"", text(challenge));
  }
  if (predicted.clause == "G4") {
    const std::string field = spelled(gateway, "values", "required_scope_field");
    if (!body.is_object() || string_at(body, field) != route.scope)
      v.fail("G4", "body " + field, route.scope, body.is_object() && body.contains(field) ? body[field].dump() : "none");
  }

  // T2: when to ask again, whole seconds within the window.
  if (predicted.clause == "T2" && predicted.resolved_tenant) {
    const std::string name = header_name(gateway, "retry_after");
    const auto value = r.headers.get(name);
    const auto budget = model.budget(*predicted.resolved_tenant);
    long seconds = -1;
    if (value && !value->empty() && value->find_first_not_of("0123456789") == std::string::npos && value->size() < 10)
      seconds = std::stol(*value);
    if (budget && (seconds < 1 || seconds > budget->window_seconds))
      v.fail("T2", "header " + name, "whole seconds from 1 to " + std::to_string(budget->window_seconds), text(value));
  }

  // G5: the resolved tenant on the answer, and no shared cache for a tenant-scoped route.
  if (predicted.clause == "G5") {
    const std::string tenant_header = header_name(gateway, "tenant");
    if (predicted.resolved_tenant && r.headers.get(tenant_header) != predicted.resolved_tenant)
      v.fail("G5", "header " + tenant_header, *predicted.resolved_tenant, text(r.headers.get(tenant_header)));
    if (route.tenant_scoped) {
      for (const auto& [header_key, value_key] : {std::pair{"cache_control", "tenant_scoped_cache_control"},
                                                  std::pair{"vary", "tenant_scoped_vary"}}) {
        const std::string name = header_name(gateway, header_key);
        const auto have = tokens_of(r.headers, name);
        for (const auto& want : split_comma_list(spelled(gateway, "values", value_key)))
          if (!want.empty() && !have.count(to_lower(want))) {
            v.fail("G5", "header " + name, spelled(gateway, "values", value_key), joined({have.begin(), have.end()}));
            break;
          }
      }
    }
  }

  // I1 and B2: only the resolved tenant's data.
  const std::string tenant_field = spelled(backend, "values", "item_tenant_field");
  const std::string id_field = spelled(backend, "values", "item_id_field");
  if (by_backend && predicted.error.empty() && predicted.resolved_tenant) {
    const std::string& tenant = *predicted.resolved_tenant;
    if (route.kind == Route::Kind::list) {
      const std::string pointer = spelled(backend, "values", "items_pointer");
      const json* items = nullptr;
      try {
        items = &body.at(json::json_pointer(pointer));
      } catch (const std::exception&) {
      }
      if (!items || !items->is_array()) {
        v.fail("B2", "list at " + (pointer.empty() ? "/" : pointer), "an array", body.is_discarded() ? "no JSON" : "none");
      } else {
        for (const auto& item : *items) {
          const std::string owner = string_at(item, tenant_field);
          const std::string id = string_at(item, id_field);
          const Item* known = model.find_item(id);
          if (owner != tenant || (known && known->tenant != tenant)) {
            v.fail("I1", "list item", "only items of " + tenant, id + " of " + (known ? known->tenant : owner));
            break;
          }
        }
      }
    } else if (route.kind == Route::Kind::item) {
      if (string_at(body, tenant_field) != tenant || string_at(body, id_field) != facts.item_id)
        v.fail("I1", "item", facts.item_id + " of " + tenant,
               string_at(body, id_field, "?") + " of " + string_at(body, tenant_field, "?"));
    } else if (route.kind == Route::Kind::echo) {
      if (auto shape = EchoShape::from_profile(backend); shape) {
        if (auto received = shape->received(body); received) {
          for (const auto& name : model.tenant_headers()) {
            const auto values = received->all(name);
            if (values != std::vector<std::string>{tenant})
              v.fail(name == model.tenant_headers().front() ? "G2" : "G5", "received " + name, tenant,
                     values.empty() ? "none" : joined(values));
          }
          const std::string actor = header_name(gateway, "actor");
          if (!actor.empty() && received->all(actor) != std::vector<std::string>{facts.claims.sub})
            v.fail(probe.spoof_identity ? "G2" : "G5", "received " + actor, facts.claims.sub, joined(received->all(actor)));
          for (const auto& name : gateway.value("/headers/identity"_json_pointer, json::array()))
            if (name.is_string() && received->has(name.get<std::string>()))
              v.fail("G2", "received " + name.get<std::string>(), "absent", joined(received->all(name.get<std::string>())));
        } else {
          v.fail("B4", "echo", "the headers received", received.error().message);
        }
      }
    }
  }
  // I2: another tenant's item answers exactly as a missing one.
  if (predicted.error == "not_found") {
    for (const char* field : {id_field.c_str(), tenant_field.c_str()})
      if (body.is_object() && body.contains(field)) v.fail("I2", std::string("body ") + field, "absent", body[field].dump());
    if (seen.missing_reference) {
      const HttpResponse& m = *seen.missing_reference;
      const json& mb = m.body_json();
      auto keys = [](const json& j) {
        std::set<std::string> out;
        if (j.is_object())
          for (const auto& [k, _] : j.items()) out.insert(k);
        return out;
      };
      if (m.status != r.status) v.fail("I2", "status as a missing id's", std::to_string(m.status), std::to_string(r.status));
      else if (keys(mb) != keys(body)) v.fail("I2", "body keys as a missing id's", mb.dump(), body.dump());
      else
        for (const char* field : {"error", "error_description"})
          if (mb.value(field, json()) != body.value(field, json()))
            v.fail("I2", std::string("body ") + field + " as a missing id's", mb.value(field, json()).dump(),
                   body.value(field, json()).dump());
    }
  }

  // I4: the decision's records, in check order (G6), and the backend's (B2, B5).
  if (seen.gateway_records) {
    std::vector<std::string> want;
    for (const auto& key : predicted.gateway_events) want.push_back(spelled(gateway, "events", key));
    const auto have = events_of(*seen.gateway_records);
    if (have != want) v.fail("I4", "gateway records", joined(want), have.empty() ? "none" : joined(have));
    else
      for (const auto& record : *seen.gateway_records) {
        const std::string event = string_at(record, "event");
        const bool allow = event == spelled(gateway, "events", "tenant_selected") ||
                           event == spelled(gateway, "events", "request_forwarded");
        const std::string outcome = spelled(gateway, "outcomes", allow ? "allow" : "deny");
        if (string_at(record, "outcome") != outcome)
          v.fail("G6", event + " outcome", outcome, record.value("outcome", json()).dump());
        if (allow && predicted.resolved_tenant && record.value("resolved_tenant", json()) != *predicted.resolved_tenant)
          v.fail("G6", event + " resolved_tenant", *predicted.resolved_tenant, record.value("resolved_tenant", json()).dump());
        const bool names_attempt = event == spelled(gateway, "events", "tenant_conflict") ||
                                   event == spelled(gateway, "events", "tenant_override_rejected");  // G3 branches 2 and 4
        if (!allow && names_attempt && (!record.contains("attempted_tenant") || record["attempted_tenant"].is_null()))
          v.fail("G6", event + " attempted_tenant", joined(predicted.attempted_tenants), "none");
      }
  }
  if (seen.backend_records) {
    if (predicted.backend_event.empty() && predicted.clause != "G5") {
      if (!seen.backend_records->empty())
        v.fail(predicted.clause == "G4" ? "G4" : "I3", "backend records", "none (the backend is never called)",
               joined(events_of(*seen.backend_records)));
    } else if (!predicted.backend_event.empty()) {
      const std::string want = spelled(backend, "events", predicted.backend_event);
      const auto have = events_of(*seen.backend_records);
      const auto at = std::find(have.begin(), have.end(), want);
      if (at == have.end()) {
        v.fail("I4", "backend records", want, have.empty() ? "none" : joined(have));
      } else {
        const json& record = (*seen.backend_records)[static_cast<std::size_t>(at - have.begin())];
        if (predicted.resolved_tenant && record.value("resolved_tenant", json()) != *predicted.resolved_tenant)
          v.fail("B5", want + " resolved_tenant", *predicted.resolved_tenant, record.value("resolved_tenant", json()).dump());
        if (predicted.backend_event == "data_not_found" && !predicted.owner_open) {
          const json owner = predicted.item_owner.empty() ? json() : json(predicted.item_owner);
          if (record.value("target_tenant", json()) != owner)
            v.fail("B2", want + " target_tenant", owner.dump(), record.value("target_tenant", json()).dump());
        }
      }
    }
  }
  return v.found;
}

std::vector<Violation> judge_token(const Model& model, const json& authority, const Probe& probe,
                                   const TokenPrediction& predicted, const HttpResponse& response,
                                   const std::optional<std::vector<json>>& records) {
  Verdict v;
  const json& body = response.body_json();
  const std::string body_error = body.is_object() ? string_at(body, "error") : "";
  const std::string expected_error = predicted.error.empty() ? "" : spelled(authority, "errors", predicted.error);
  if (response.status != predicted.status || body_error != expected_error) {
    v.fail(predicted.clause, "token answer", std::to_string(predicted.status) + (expected_error.empty() ? "" : " " + expected_error),
           std::to_string(response.status) + (body_error.empty() ? "" : " " + body_error));
    return v.found;
  }
  const json& claims_spelling = authority.value("claims", json::object());
  const std::string tenant_claim = string_at(claims_spelling, "tenant", "tenant");
  const std::string allowed_claim = string_at(claims_spelling, "allowed_tenants", "allowed_tenants");
  if (predicted.error.empty()) {
    auto jwt = decode_jwt(body.is_object() ? string_at(body, "access_token") : "");
    if (!jwt) {
      v.fail("A4", "access_token", "a JWT", jwt.error().message);
    } else {
      if (!jwt->header.contains("kid") || !jwt->header["kid"].is_string())
        v.fail("A2", "token header kid", "the signing key's kid", jwt->header.contains("kid") ? jwt->header["kid"].dump() : "absent");
      const json& p = jwt->payload;
      const json want_tenant = predicted.claims.tenant ? json(*predicted.claims.tenant) : json();
      const json have_tenant = p.contains(tenant_claim) ? p[tenant_claim] : json();
      if (have_tenant != want_tenant) v.fail("A5", "claim " + tenant_claim, want_tenant.dump(), have_tenant.dump());
      std::set<std::string> want_allowed(predicted.claims.allowed_tenants.begin(), predicted.claims.allowed_tenants.end());
      std::set<std::string> have_allowed;
      if (p.contains(allowed_claim) && p[allowed_claim].is_array())
        for (const auto& t : p[allowed_claim])
          if (t.is_string()) have_allowed.insert(t.get<std::string>());
      if (want_allowed != have_allowed || (want_allowed.empty() && p.contains(allowed_claim)))
        v.fail("A6", "claim " + allowed_claim, want_allowed.empty() ? "absent" : joined({want_allowed.begin(), want_allowed.end()}),
               p.contains(allowed_claim) ? p[allowed_claim].dump() : "absent");
      const std::string sub = string_at(claims_spelling, "subject", "sub");
      if (string_at(p, sub) != predicted.claims.sub)
        v.fail("A6", "claim " + sub, predicted.claims.sub, p.contains(sub) ? p[sub].dump() : "absent");
    }
  }
  if (records) {
    const std::string want = spelled(authority, "events", predicted.error.empty() ? "token_issued" : "token_rejected");
    const json attempted = probe.token_tenant ? json(*probe.token_tenant) : json();
    bool found = false;
    for (const auto& r : *records)
      if (string_at(r, "event") == want) {
        found = true;
        if (r.value("attempted_tenant", json()) != attempted)
          v.fail("A4", want + " attempted_tenant", attempted.dump(), r.value("attempted_tenant", json()).dump());
      }
    if (!found) v.fail("I4", "authority records", want, joined(events_of(*records)));
  }
  (void)model;
  return v.found;
}

}  // namespace tc::explore
