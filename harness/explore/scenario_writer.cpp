#include "harness/explore/scenario_writer.h"

#include "harness/explore/flows.h"
#include "harness/explore/spelling.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace tc::explore {

namespace {

// The matrix key a scenario spoofing the identity headers ranges over them with.
constexpr const char* kIdentityHeader = "identity_header";

// Whether the probe spoofs identity headers the profile it was written from lists.
bool spoofs_identity_headers(const Model& model, const Probe& probe) {
  return probe.spoof_identity && !model.contract().value("/headers/identity"_json_pointer, json::array()).empty();
}

std::string url_text(const Model& model, const Probe& probe, const std::string& item_id) {
  std::string query = probe.query;
  if (const auto eq = query.find('='); eq != std::string::npos)
    query = query.substr(0, eq + 1) + parameter_text(model, query.substr(eq + 1));
  return route_url_text(model, model.routes().at(probe.route), probe.path_tenant, item_id) + (query.empty() ? "" : "?" + query);
}

struct Writer {
  const Model& model;
  const Finding& finding;
  std::ostringstream out;
  std::set<std::string> requires_caps;

  std::string principal_path() const {
    return model.principals().at(finding.probe.principal).fx_key;
  }

  void token_step(const std::string& indent) {
    const Probe& probe = finding.probe;
    const Principal& who = model.principals().at(probe.principal);
    const std::string p = principal_path();
    if (token_form_minted(probe.token)) {
      const auto predicted = model.predict_token(who, probe.token_tenant);
      out << indent << "- name: a minted " << token_form_name(probe.token) << "\n"
          << indent << "  requires: [mint]\n"
          << indent << "  request:\n"
          << indent << "    method: POST\n"
          << indent << "    url: " << q("{{authority}}{{contract.paths.mint}}") << "\n"
          << indent << "    json:\n"
          << indent << "      sub: " << q(fx(p + (who.is_client ? ".id" : ".sub"))) << "\n";
      if (who.is_client) out << indent << "      client_id: " << q(fx(p + ".id")) << "\n";
      if (predicted.claims.tenant) out << indent << "      tenant: " << q(tenant_text(model, *predicted.claims.tenant)) << "\n";
      if (!predicted.claims.allowed_tenants.empty()) {
        out << indent << "      allowed_tenants: [";
        for (std::size_t i = 0; i < predicted.claims.allowed_tenants.size(); ++i)
          out << (i ? ", " : "") << q(tenant_text(model, predicted.claims.allowed_tenants[i]));
        out << "]\n";
      }
      out << indent << "      scope: " << q(scope_text(model, predicted.claims.scopes)) << "\n";
      if (const auto time = token_time_claim(model.contract(), probe.token))
        out << indent << "      " << time->claim << "_in: " << q("{{" + time->expression + "}}") << "\n";
      if (probe.token == TokenForm::wrong_audience) out << indent << "      aud: " << q(kOtherAudience) << "\n";
      if (probe.token == TokenForm::wrong_issuer) out << indent << "      iss: " << q(kOtherIssuer) << "\n";
      out << indent << "  capture:\n" << indent << "    access_token: {json: /access_token}\n"
          << indent << "  expect:\n" << indent << "    status: " << q("{{contract.status.ok}}") << "\n";
      return;
    }
    out << token_request_text(model, who, probe.token_tenant, indent);
  }

  void token_expectations(const std::string& indent) {
    const Probe& probe = finding.probe;
    const auto predicted = model.predict_token(model.principals().at(probe.principal), probe.token_tenant);
    out << indent << "expect:\n" << indent << "  status: " << q("{{contract.status." + predicted.status_key + "}}") << "\n";
    if (!predicted.error.empty()) {
      out << indent << "  json:\n" << indent << "    - {pointer: /error, equals: " << q("{{contract.errors." + predicted.error + "}}")
          << "}\n";
    } else {
      out << indent << "  jwt:\n" << indent << "    from: \"json:/access_token\"\n"
          << indent << "    jwks: " << q("{{authority}}{{contract.paths.jwks}}") << "\n";
      std::string claims, absent;
      if (predicted.claims.tenant)
        claims += q("{{contract.claims.tenant}}") + ": " + q(tenant_text(model, *predicted.claims.tenant));
      else absent += q("{{contract.claims.tenant}}");
      if (predicted.claims.allowed_tenants.empty()) absent += (absent.empty() ? "" : ", ") + q("{{contract.claims.allowed_tenants}}");
      if (!claims.empty()) out << indent << "    claims: {" << claims << "}\n";
      if (!absent.empty()) out << indent << "    absent_claims: [" << absent << "]\n";
    }
    const bool issued = predicted.error.empty();
    out << indent << "  audit:\n" << indent << "    - component: authority\n" << indent << "      present: {event: "
        << q(std::string("{{contract.events.") + (issued ? "token_issued" : "token_rejected") + "}}")
        << ", attempted_tenant: " << (probe.token_tenant ? q(parameter_text(model, *probe.token_tenant)) : "null") << "}\n";
  }

  void probe_request(const std::string& indent, const std::string& item_id) {
    const Probe& probe = finding.probe;
    const Route& route = model.routes().at(probe.route);
    out << indent << "request:\n";
    if (route.method != "GET") out << indent << "  method: " << route.method << "\n";
    out << indent << "  url: " << q(url_text(model, probe, item_id)) << "\n";
    std::map<std::string, std::vector<std::string>> headers;
    std::vector<std::string> order;
    auto add = [&](const std::string& name, const std::string& value) {
      if (!headers.count(name)) order.push_back(name);
      headers[name].push_back(value);
    };
    switch (probe.token) {
      case TokenForm::none: break;
      case TokenForm::other_scheme: add("{{contract.headers.authorization}}", "{{contract.values.basic_scheme}} {{access_token}}"); break;
      case TokenForm::alg_none: add("{{contract.headers.authorization}}", "{{contract.values.bearer_scheme}} {{token_alg_none(access_token)}}"); break;
      case TokenForm::tampered:
        add("{{contract.headers.authorization}}",
            "{{contract.values.bearer_scheme}} {{token_tampered(access_token, contract.claims.tenant, " + tenant_expr(model, probe.tampered_tenant) + ")}}");
        break;
      default: add("{{contract.headers.authorization}}", "{{contract.values.bearer_scheme}} {{access_token}}");
    }
    for (const auto& c : probe.carriers) add(name_text(c), value_text(model, c));
    if (probe.spoof_identity) {
      add("{{contract.headers.actor}}", kSpoofedActor);
      // One identity header per case (the scenario's matrix over the profile's list): a written
      // scenario names no entry of a list by index.
      if (spoofs_identity_headers(model, probe)) add("{{" + std::string(kIdentityHeader) + "}}", kSpoofedActor);
    }
    if (!order.empty()) out << indent << "  headers:\n";
    for (const auto& name : order) {
      const auto& values = headers[name];
      out << indent << "    " << q(name) << ": ";
      if (values.size() == 1) out << q(values[0]) << "\n";
      else {
        out << "[";
        for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << q(values[i]);
        out << "]\n";
      }
    }
    if (route.kind == Route::Kind::write)
      out << indent << "  json: {" << q("{{contract.values.item_name_field}}") << ": \"explored item\"}\n";
  }

  // A call straight to the backend with the context the gateway would set (B1).
  void direct_step(const std::string& indent) {
    const Probe& probe = finding.probe;
    const Route& route = model.routes().at(probe.route);
    const Principal& who = model.principals().at(probe.principal);
    const RequestFacts facts = facts_of(model, probe);
    const Prediction p = model.predict(facts);
    const std::string path = route.upstream_fx.empty() ? route.upstream : fx(route.upstream_fx);
    const std::string tenant = facts.claims.tenant ? tenant_text(model, *facts.claims.tenant) : "";
    const std::string actor = fx(who.fx_key + (who.is_client ? ".id" : ".sub"));
    requires_caps.insert("direct-backend");
    out << indent << "- name: " << q(std::string("a call straight to the backend: ") + signature_name(probe.signature)) << "\n";
    if (probe.signature == Signature::stale || probe.signature == Signature::fresh) {
      requires_caps.insert("context-secret");
      out << indent << "  vars:\n"
          << indent << "    t: " << q("{{now(" + signature_offset_expression(probe) + ")}}") << "\n"
          << indent << "    signed: " << q("GET\n" + path + "\n" + tenant + "\n" + actor + "\n{{correlation_id}}\n{{t}}") << "\n";
    }
    out << indent << "  request:\n" << indent << "    url: " << q("{{" + route.backend + "}}" + path) << "\n"
        << indent << "    headers:\n";
    if (!tenant.empty()) out << indent << "      " << q("{{contract.headers.tenant}}") << ": " << q(tenant) << "\n";
    out << indent << "      " << q("{{contract.headers.actor}}") << ": " << q(actor) << "\n";
    if (probe.signature == Signature::forged)
      out << indent << "      " << q("{{contract.headers.context_signature}}") << ": " << q("t={{now()}},v1=" + std::string(64, '0')) << "\n";
    if (probe.signature == Signature::stale || probe.signature == Signature::fresh)
      out << indent << "      " << q("{{contract.headers.context_signature}}") << ": "
          << q("t={{t}},v1={{hmac_sha256(context_secret, signed)}}") << "\n";
    out << indent << "  expect:\n" << indent << "    status: " << q("{{contract.status." + p.status_key + "}}") << "\n";
    if (!p.error.empty())
      out << indent << "    json:\n" << indent << "      - {pointer: /error, equals: " << q("{{contract.errors." + p.error + "}}") << "}\n";
    else if (p.resolved_tenant) {
      out << indent << "    json:\n";
      for (const auto& t : model.tenants())
        if (t != *p.resolved_tenant)
          out << indent << "      - {pointer: " << q("{{contract.values.items_pointer}}") << ", not_contains: {"
              << q("{{contract.values.item_tenant_field}}") << ": " << q(tenant_text(model, t)) << "}}\n";
    }
    if (!p.backend_event.empty())
      out << indent << "    audit:\n" << indent << "      - component: " << q(route.backend) << "\n" << indent
          << "        present: {event: " << q("{{contract.events." + p.backend_event + "}}") << "}\n";
  }

  void probe_expectations(const std::string& indent) {
    const Probe& probe = finding.probe;
    const Route& route = model.routes().at(probe.route);
    const RequestFacts facts = facts_of(model, probe);
    const Prediction p = model.predict(facts);
    out << indent << "expect:\n" << indent << "  status: " << q("{{contract.status." + p.status_key + "}}") << "\n";
    std::vector<std::string> json_checks, header_checks, received_checks;
    if (!p.error.empty()) json_checks.push_back("{pointer: /error, equals: " + q("{{contract.errors." + p.error + "}}") + "}");
    if (p.clause == "G5" && p.resolved_tenant) {
      header_checks.push_back(q("{{contract.headers.tenant}}") + ": " + q(tenant_text(model, *p.resolved_tenant)));
      if (route.tenant_scoped) {
        header_checks.push_back(q("{{contract.headers.cache_control}}") + ": {has_tokens: " +
                                q("{{contract.values.tenant_scoped_cache_control}}") + "}");
        header_checks.push_back(q("{{contract.headers.vary}}") + ": {has_tokens: " + q("{{contract.values.tenant_scoped_vary}}") + "}");
      }
      // Every item of a list is the served tenant's, whichever other tenants the platform has (B2).
      if (p.error.empty() && route.kind == Route::Kind::list)
        json_checks.push_back("{pointer: " + q("{{contract.values.items_pointer}}") + ", each: [{pointer: " +
                              q("{{pointer(contract.values.item_tenant_field)}}") + ", equals: " +
                              q(tenant_text(model, *p.resolved_tenant)) + "}]}");
      if (p.error.empty() && route.kind == Route::Kind::item)
        json_checks.push_back("{pointer: " + q("{{pointer(contract.values.item_tenant_field)}}") + ", equals: " +
                              q(tenant_text(model, *p.resolved_tenant)) + "}");
      // A written scenario names no entry of a profile's lists by index (another profile may list
      // fewer): the canonical header, the actor, and the identity header of the case's matrix.
      if (p.error.empty() && route.kind == Route::Kind::echo) {
        received_checks.push_back(q("{{contract.headers.tenant}}") + ": [{equals: " + q(tenant_text(model, *p.resolved_tenant)) +
                                  "}, {count: 1}]");
        const Principal& who = model.principals().at(probe.principal);
        received_checks.push_back(q("{{contract.headers.actor}}") + ": [{equals: " +
                                  q(fx(who.fx_key + (who.is_client ? ".id" : ".sub"))) + "}, {count: 1}]");
        // The identity header this case spoofs (its matrix) never reaches the backend (G2).
        if (spoofs_identity_headers(model, probe))
          received_checks.push_back(q("{{" + std::string(kIdentityHeader) + "}}") + ": {absent: true}");
      }
    }
    if (p.error == "not_found" && !p.item_owner.empty()) {
      json_checks.push_back("{pointer: /error_description, equals: " + q("{{missing_description}}") + "}");
      for (const char* field : {"item_id_field", "item_tenant_field", "item_name_field"})
        json_checks.push_back("{pointer: " + q(std::string("/{{contract.values.") + field + "}}") + ", absent: true}");
    }
    if (!p.error.empty()) json_checks.push_back("{pointer: /correlation_id, equals: \"{{correlation_id}}\"}");
    header_checks.push_back(q("{{contract.headers.correlation_id}}") + ": \"{{correlation_id}}\"");
    if (p.clause == "G1")
      header_checks.push_back(q("{{contract.headers.www_authenticate}}") + ": {matches: " +
                              q(p.error == "unauthenticated" ? "^{{caseless(contract.values.bearer_scheme)}}$"
                                                             : "^{{caseless(contract.values.bearer_scheme)}} .*error=\"{{contract.errors.invalid_token}}\"") + "}");
    if (!header_checks.empty()) {
      out << indent << "  headers:\n";
      for (const auto& h : header_checks) out << indent << "    " << h << "\n";
    }
    if (!received_checks.empty()) {
      requires_caps.insert("echo");
      out << indent << "  received:\n";
      for (const auto& h : received_checks) out << indent << "    " << h << "\n";
    }
    if (!json_checks.empty()) {
      out << indent << "  json:\n";
      for (const auto& j : json_checks) out << indent << "    - " << j << "\n";
    }
    // The records of the decision (G6 in check order; the backend's B2 record or none).
    out << indent << "  audit:\n";
    for (const auto& e : p.gateway_events) {
      out << indent << "    - component: gateway\n" << indent << "      present: {event: " << q("{{contract.events." + e + "}}");
      if ((e == "tenant_selected" || e == "request_forwarded") && p.resolved_tenant)
        out << ", resolved_tenant: " << q(tenant_text(model, *p.resolved_tenant));
      out << "}\n";
    }
    if (!p.backend_event.empty()) {
      out << indent << "    - component: " << q(route.backend) << "\n" << indent << "      present: {event: "
          << q("{{contract.events." + p.backend_event + "}}");
      if (p.resolved_tenant) out << ", resolved_tenant: " << q(tenant_text(model, *p.resolved_tenant));
      if (p.backend_event == "data_not_found" && !p.owner_open)
        out << ", target_tenant: " << (p.item_owner.empty() ? "null" : q(tenant_text(model, p.item_owner)));
      out << "}\n";
    } else if (p.clause != "G5") {
      out << indent << "    - component: " << q(route.backend) << "\n" << indent << "      absent: {}\n";
    }
  }
};

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

// The clauses a finding's case cites: its own, the one the model says decides the request, every
// violation's, and the clause that owns what was observed: a forwarded request's data is the
// backend's (B2), an echo's the echo's (B4), a missing record the recording component's (G6, B5,
// U2) or a record without the correlation id (U1).
std::vector<std::string> finding_requirements(const Model& model, const Finding& f) {
  std::vector<std::string> out;
  auto cite = [&](const std::string& clause) {
    if (std::find(out.begin(), out.end(), clause) == out.end()) out.push_back(clause);
  };
  cite(f.clause);
  if (f.probe.kind == Probe::Kind::token) {
    cite("A5");
  } else if (f.probe.kind == Probe::Kind::flow) {
    if (const auto text = flow_text(model, f.probe))
      for (const auto& clause : text->requirements) cite(clause);
  } else {
    const auto predicted = model.predict(facts_of(model, f.probe));
    cite(predicted.clause);
    const auto kind = model.routes().at(f.probe.route).kind;
    if (predicted.clause == "G5" && (kind == Route::Kind::list || kind == Route::Kind::item)) cite("B2");
  }
  for (const auto& v : f.violations) {
    cite(v.clause);
    if (v.check.rfind("received ", 0) == 0) cite("B4");
    if (v.check == "gateway records") cite("G6");
    if (v.check == "backend records") cite("B5");
    if (v.check == "authority records") cite("U2");
    if (v.check.size() > 8 && v.check.compare(v.check.size() - 8, 8, " records") == 0) cite("U1");
  }
  return out;
}

std::string scenario_file_name(const Finding& finding) {
  std::string features;
  for (const auto& f : finding.features) features += " " + f;
  std::string name = slug(finding.clause + " " + finding.check + features);
  if (name.size() > 100) name.resize(100);
  return name + ".yaml";
}

std::string scenario_for(const Model& model, const Finding& finding, std::uint64_t seed, const std::string& origin) {
  Writer w{model, finding, {}, {}};
  const Probe& probe = finding.probe;
  std::string features;
  for (const auto& f : finding.features) features += (features.empty() ? "" : ", ") + f;
  std::string requirements;
  for (const auto& clause : finding_requirements(model, finding)) requirements += (requirements.empty() ? "" : ", ") + clause;

  // The file's head: where it came from, what failed, and its description.
  std::ostringstream file;
  file << "# Found by `tenantcheck explore --seed " << seed << "` against " << origin << ", then shrunk: " << finding.clause
       << " " << finding.check << ".\n"
       << "# Expected: " << finding.violations.front().expected << "; actual: " << finding.violations.front().actual << ".\n"
       << "# It fails on the platform that produced it and passes on one that keeps the contract; add it to the\n"
       << "# pack as is (any folder of scenarios/).\n"
       << "description: " << q("Explored " + finding.clause + " " + finding.check + " (" + (features.empty() ? "plain" : features) + ")") << "\n"
       << "tags: [explored]\n"
       << "scenarios:\n";
  if (!finding.scenario.empty()) return file.str() + finding.scenario;  // a flow: the scenario as it ran
  std::ostringstream steps;
  w.out.swap(steps);
  const std::string ind = "      ";
  if (probe.kind == Probe::Kind::token) {
    w.token_step(ind);
    w.token_expectations(ind + "  ");
  } else if (probe.kind == Probe::Kind::direct) {
    w.direct_step(ind);
  } else {
    if (probe.token != TokenForm::none) {
      w.token_step(ind);
      if (!token_form_minted(probe.token))
        w.out << ind << "  capture:\n" << ind << "    access_token: {json: /access_token}\n"
              << ind << "  expect:\n" << ind << "    status: " << q("{{contract.status.ok}}") << "\n";
    }
    const Prediction p = model.predict(facts_of(model, probe));
    if (p.error == "not_found" && !p.item_owner.empty()) {
      w.out << ind << "- name: the same request for an id of no tenant\n";
      w.probe_request(ind + "  ", model.missing_id());
      w.out << ind << "  capture:\n" << ind << "    missing_description: {json: /error_description}\n"
            << ind << "  expect:\n" << ind << "    status: " << q("{{contract.status.not_found}}") << "\n";
    }
    w.out << ind << "- name: " << q("the explored request: " + features) << "\n";
    w.probe_request(ind + "  ", probe.item_id);
    w.probe_expectations(ind + "  ");
  }
  w.out.swap(steps);

  file << "  - name: " << q(finding.clause + " " + finding.check + " - " + (features.empty() ? "plain request" : features)) << "\n"
       << "    requirements: [" << requirements << "]\n";
  std::set<std::string> caps = w.requires_caps;
  if (token_form_minted(probe.token)) caps.insert("mint");
  if (!caps.empty()) {
    file << "    requires: [";
    bool first = true;
    for (const auto& c : caps) file << (first ? "" : ", ") << c, first = false;
    file << "]\n";
  }
  if (spoofs_identity_headers(model, probe))
    file << "    matrix: {each: \"{{contract.headers.identity}}\", as: " << kIdentityHeader << "}\n";
  if (probe.kind == Probe::Kind::direct)  // B1's answer depends on it: the scenario is for that profile
    file << "    switches: {backend_requires_signature: "
         << (model.contract().value("/switches/backend_requires_signature"_json_pointer, true) ? "true" : "false") << "}\n";
  else if (probe.kind == Probe::Kind::gateway && (!probe.path_tenant.empty() || !probe.carriers.empty()))
    // G3's entitlement for a named tenant depends on it (claim tenant, or with allowed_tenants)
    file << "    switches: {strict_claim_match: " << (model.strict_claim_match() ? "true" : "false") << "}\n";
  file << "    steps:\n" << steps.str();
  return file.str();
}

}  // namespace tc::explore
