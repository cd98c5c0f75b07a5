#include "harness/explore/explorer.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/utc_time.h"
#include "common/jwt.h"
#include "harness/explore/flows.h"
#include "harness/loader/scenario_loader.h"
#include "harness/model/clauses.h"
#include "harness/runner/audit_records.h"
#include "harness/runner/scenario_runner.h"
#include "harness/report/report_file.h"
#include "harness/runner/transcript.h"

namespace tc::explore {

std::string Finding::key() const {
  std::string k = clause + " " + check + " [";
  for (std::size_t i = 0; i < features.size(); ++i) k += (i ? ", " : "") + features[i];
  return k + "]";
}

namespace {

std::string str(const json& node, const json::json_pointer& at) {
  return node.contains(at) && node.at(at).is_string() ? node.at(at).get<std::string>() : "";
}

std::string join(const std::vector<std::string>& list, const char* sep) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [n, v] : pairs) out += (out.empty() ? "" : "&") + url_encode(n) + "=" + url_encode(v);
  return out;
}

// The route's path with its parameters filled: the tenant parameter with the path tenant, any other
// ({id}) with the item id, each percent-encoded as one segment.
std::string fill(const Route& route, const Probe& probe) {
  return fill_path(route, [&](bool is_tenant) { return url_encode(is_tenant ? probe.path_tenant : probe.item_id); });
}

// The scenario item of a flow, as the pack's files write one (under `scenarios:`).
std::string flow_scenario_text(const FlowText& text) {
  std::string out = "  - name: " + json("explored " + text.title).dump() + "\n    requirements: [";
  for (std::size_t i = 0; i < text.requirements.size(); ++i) out += (i ? ", " : "") + text.requirements[i];
  out += "]\n";
  if (!text.requires_caps.empty()) {
    out += "    requires: [";
    for (std::size_t i = 0; i < text.requires_caps.size(); ++i) out += (i ? ", " : "") + text.requires_caps[i];
    out += "]\n";
  }
  if (!text.vars.empty()) out += "    vars:\n" + text.vars;
  return out + "    steps:\n" + text.steps;
}

bool same_target(const Violation& a, const Violation& b) { return a.clause == b.clause && a.check == b.check; }

// The signature header's value in the profile's format (values.signature_format, its placeholders
// "<unix seconds>" and "<hex HMAC-SHA256>" filled).
std::string signature_value(const json& contract, long long t, const std::string& mac_hex) {
  std::string format = str(contract, "/values/signature_format"_json_pointer);
  if (format.empty()) format = "t=<unix seconds>,v1=<hex HMAC-SHA256>";
  for (const auto& [mark, value] : {std::pair<std::string, std::string>{"<unix seconds>", std::to_string(t)},
                                    std::pair<std::string, std::string>{"<hex HMAC-SHA256>", mac_hex}})
    if (auto at = format.find(mark); at != std::string::npos) format.replace(at, mark.size(), value);
  return format;
}

// A minted token whose exp or nbf is not what was asked (A10): the time probes would test nothing.
std::optional<Violation> minted_time_violation(const json& contract, const std::string& token, TokenForm form) {
  const auto time = token_time_claim(contract, form);
  if (!time) return std::nullopt;
  auto jwt = decode_jwt(token);
  if (!jwt) return Violation{"A10", "minted token", "a JWT", jwt.error().message};
  // Measured from the token's own iat: neither the time judging took nor the platform's clock counts.
  const json& have = jwt->payload.value(time->claim, json());
  const json& iat = jwt->payload.value("iat", json());
  if (!iat.is_number()) return std::nullopt;  // no issue time to measure from (A6 is judged elsewhere)
  if (!have.is_number() || std::llabs(have.get<long long>() - iat.get<long long>() - time->offset) > 2)
    return Violation{"A10", std::string("minted token ") + time->claim, "iat " + std::to_string(time->offset) + " s",
                     have.is_number() ? "iat " + std::to_string(have.get<long long>() - iat.get<long long>()) + " s" : "absent"};
  return std::nullopt;
}

// The claims of the bearer token a request carries (not verified), none without one.
std::optional<json> bearer_claims(const json& contract, const HttpRequest& request) {
  const std::string bearer = str(contract, "/values/bearer_scheme"_json_pointer) + " ";
  const std::string auth = request.headers.get(str(contract, "/headers/authorization"_json_pointer)).value_or("");
  if (auth.rfind(bearer, 0) != 0) return std::nullopt;
  auto jwt = decode_jwt(auth.substr(bearer.size()));
  if (!jwt || !jwt->payload.is_object()) return std::nullopt;
  return std::move(jwt->payload);
}

}  // namespace

Explorer::Explorer(RunContext& run, const Model& model, ExploreOptions options)
    : run_(run), model_(model), options_(options), ledger_(model) {}

void Explorer::note_unpredicted(const HttpRequest& request) {
  // Every tenant the request names, in its target, its header values or its token's tenant claim.
  const auto at = BudgetLedger::Clock::now();
  std::string named = request.url;
  for (const auto& [name, value] : request.headers.entries()) named += "\n" + value;
  if (const auto claims = bearer_claims(model_.contract(), request)) named += "\n" + claims->dump();
  for (const auto& tenant : model_.tenants())
    if (named.find(tenant) != std::string::npos) ledger_.possible(tenant, at);
}

void Explorer::note_pack_request(const HttpRequest& request) {
  note_unpredicted(request);
  if (!model_.workspaces() || request.method == "GET") return;
  const std::string& gateway = run_.environment().components.at("gateway").url;
  std::string path = request.url.substr(std::min(gateway.size(), request.url.size()));
  path = path.substr(0, path.find('?'));
  const auto asked = route_asked(model_, request.method, path);
  if (!asked) return;
  const std::string& action = model_.routes()[asked->route].action;
  if (action != "select_tenant" && action != "workspace_member" && action != "tenant_member") return;
  std::set<std::string> subs;  // a membership's user is in its path; a selection's is the caller
  for (const auto& [name, value] : asked->params) subs.insert(value);
  if (action == "select_tenant")
    if (const auto claims = bearer_claims(model_.contract(), request))
      subs.insert(string_at(*claims, str(model_.contract(), "/claims/subject"_json_pointer)));
  for (const auto& p : model_.principals())
    if (subs.count(p.sub)) changed_.insert(p.fx_key);
}

long Explorer::requests() const { return run_.requests_sent() - requests_before_; }

bool Explorer::out_of_budget() const {
  if (requests() >= options_.budget) return true;
  if (options_.time_s > 0 &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() >= options_.time_s)
    return true;
  return false;
}

std::optional<HttpResponse> Explorer::send(HttpRequest request) {
  auto response = run_.send(request);
  if (!response) {
    summary_.errors.push_back(response.error());
    return std::nullopt;
  }
  return std::move(*response);
}

std::optional<std::vector<json>> Explorer::records(const std::string& component, const std::string& cid, std::size_t expected) {
  const auto& components = run_.environment().components;
  const auto at = components.find(component);
  if (at == components.end() || at->second.audit.kind.empty() || at->second.audit.kind == "none") return std::nullopt;
  const std::string audit_path = str(model_.contract(), "/paths/audit"_json_pointer);
  auto read = poll_audit_records(at->second, audit_path, cid,
                                 [this](const HttpRequest& r) { return run_.send(r); },
                                 [&](const std::vector<json>& found) { return !found.empty() && found.size() >= expected; });
  if (!read) {
    summary_.errors.push_back(read.error());
    return std::nullopt;
  }
  return std::move(*read);
}

namespace {

// The token request of `principal` as the bindings name its credentials (A4): the password grant of
// the console client for a user, client_credentials with Basic authentication for a client.
HttpRequest token_request(const json& bindings, const json& contract, const std::string& authority_url,
                          const Principal& principal, const std::optional<std::string>& tenant) {
  HttpRequest req;
  req.method = "POST";
  req.url = authority_url + str(contract, "/paths/token"_json_pointer);
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  const json::json_pointer at("/" + std::string(principal.fx_key).replace(principal.fx_key.find('.'), 1, "/"));
  const json& who = bindings.contains(at) ? bindings.at(at) : json::object();
  std::vector<std::pair<std::string, std::string>> form;
  if (principal.is_client) {
    form = {{"grant_type", "client_credentials"}};
    req.headers.set(str(contract, "/headers/authorization"_json_pointer),
                    str(contract, "/values/basic_scheme"_json_pointer) + " " + base64_encode(who.value("id", std::string()) + ":" + who.value("secret", std::string())));
  } else {
    form = {{"grant_type", "password"},
            {"client_id", str(bindings, "/clients/console/id"_json_pointer)},
            {"username", who.value("username", std::string())},
            {"password", who.value("password", std::string())}};
  }
  if (tenant) form.emplace_back("tenant", *tenant);
  req.body = form_encode(form);
  return req;
}

}  // namespace

std::optional<std::string> Explorer::token_for(const Probe& probe) {
  if (probe.token == TokenForm::none) return std::string();
  const Principal& principal = model_.principals().at(probe.principal);
  const bool minted = token_form_minted(probe.token);
  const std::string key = principal.fx_key + "|" + probe.token_tenant.value_or("") + "|" +
                          (minted ? token_form_name(probe.token) : "issued");
  // A minted token's times are relative to its minting: it is minted for each probe, never kept.
  // An issued token is kept for half its lifetime (windows.access_token_ttl_seconds), so that no
  // probe of a long exploration calls with a token that expired meanwhile.
  const auto now = std::chrono::steady_clock::now();
  const auto keep = std::chrono::seconds(model_.contract().value("/windows/access_token_ttl_seconds"_json_pointer, 900L) / 2);
  if (auto cached = tokens_.find(key); cached != tokens_.end() && !minted && now - cached->second.at < keep) {
    return crafted(probe, cached->second.token);
  }
  const auto& components = run_.environment().components;
  const auto authority = components.find("authority");
  if (authority == components.end()) return std::nullopt;
  HttpRequest req;
  if (minted) {
    const auto predicted = model_.predict_token(principal, probe.token_tenant);
    json claims = {{"sub", predicted.claims.sub}, {"scope", join(predicted.claims.scopes, " ")}};
    if (principal.is_client) claims["client_id"] = principal.sub;
    if (predicted.claims.tenant) claims["tenant"] = *predicted.claims.tenant;
    if (!predicted.claims.allowed_tenants.empty()) claims["allowed_tenants"] = predicted.claims.allowed_tenants;
    if (const auto time = token_time_claim(model_.contract(), probe.token))
      claims[std::string(time->claim) + "_in"] = time->offset;
    if (probe.token == TokenForm::wrong_audience) claims["aud"] = kOtherAudience;
    if (probe.token == TokenForm::wrong_issuer) claims["iss"] = kOtherIssuer;
    req.method = "POST";
    req.url = authority->second.url + str(model_.contract(), "/paths/mint"_json_pointer);
    req.headers.set("Content-Type", "application/json");
    req.body = claims.dump();
  } else {
    req = token_request(run_.environment().bindings, model_.contract(), authority->second.url, principal, probe.token_tenant);
  }
  req.headers.set(str(model_.contract(), "/headers/correlation_id"_json_pointer), run_.new_correlation_id());
  auto response = send(req);
  std::optional<std::string> token;
  if (response && response->status == model_.contract().value("/status/ok"_json_pointer, 0) && response->body_json().is_object() &&
      response->body_json().contains("access_token") && response->body_json()["access_token"].is_string())
    token = response->body_json()["access_token"].get<std::string>();
  if (token && token->empty()) token.reset();
  if (!minted) tokens_[key] = KeptToken{token, now};
  return crafted(probe, token);
}

std::optional<std::string> Explorer::crafted(const Probe& probe, const std::optional<std::string>& token) const {
  if (!token || (probe.token != TokenForm::alg_none && probe.token != TokenForm::tampered)) return token;
  auto jwt = decode_jwt(*token);
  if (!jwt) return std::nullopt;
  if (probe.token == TokenForm::alg_none) return craft_alg_none(jwt->payload);
  const std::string claim = str(model_.contract(), "/claims/tenant"_json_pointer);
  return craft_tampered(*token, json{{claim, probe.tampered_tenant}, {"tc_explore_tampered", true}});
}

std::optional<Explorer::Sent> Explorer::attempt(const Probe& probe) {
  if (probe.kind == Probe::Kind::gateway && selecting_member(model_, probe.principal)) return std::nullopt;
  // A principal whose selection or membership the pack changed (--matrix): the model cannot tell its
  // state, so it is called by no probe (flows check their own principals, attempt_flow).
  const bool called = probe.kind == Probe::Kind::gateway || probe.kind == Probe::Kind::token;
  if (called && changed_.count(model_.principals().at(probe.principal).fx_key)) return std::nullopt;
  std::optional<Sent> sent;
  switch (probe.kind) {
    case Probe::Kind::token: sent = attempt_token(probe); break;
    case Probe::Kind::direct: sent = attempt_direct(probe); break;
    case Probe::Kind::flow: sent = attempt_flow(probe); break;
    case Probe::Kind::gateway: sent = attempt_gateway(probe); break;
  }
  if (sent)  // a rule this platform is not held to is not judged
    sent->violations.erase(std::remove_if(sent->violations.begin(), sent->violations.end(),
                                          [&](const Violation& v) { return !model_.holds(v.clause); }),
                           sent->violations.end());
  return sent;
}

std::optional<Explorer::Sent> Explorer::attempt_token(const Probe& probe) {
  const json& contract = model_.contract();
  const std::string cid_header = str(contract, "/headers/correlation_id"_json_pointer);
  const auto& components = run_.environment().components;
  const Principal& principal = model_.principals().at(probe.principal);
  Sent sent;
  const auto authority = components.find("authority");
  if (authority == components.end()) return std::nullopt;
  sent.request = token_request(run_.environment().bindings, contract, authority->second.url, principal, probe.token_tenant);
  sent.seen.correlation_id = run_.new_correlation_id();
  sent.request.headers.set(cid_header, sent.seen.correlation_id);
  auto response = send(sent.request);
  if (!response) return std::nullopt;
  sent.seen.response = std::move(*response);
  const auto predicted = model_.predict_token(principal, probe.token_tenant);
  sent.violations = judge_token(model_, run_.contract_for("authority"), probe, predicted, sent.seen.response,
                                records("authority", sent.seen.correlation_id));
  return sent;
}

std::optional<Explorer::Sent> Explorer::attempt_gateway(const Probe& probe) {
  const json& contract = model_.contract();
  const std::string cid_header = str(contract, "/headers/correlation_id"_json_pointer);
  const auto& components = run_.environment().components;
  Sent sent;
  const auto gateway = components.find("gateway");
  if (gateway == components.end()) return std::nullopt;
  const auto token = token_for(probe);
  if (!token) return std::nullopt;  // no token to call with: the token probes judge that
  const Route& route = model_.routes().at(probe.route);
  auto build = [&](const Probe& p, const std::string& cid) {
    const Route& route = model_.routes().at(p.route);
    HttpRequest req;
    req.method = route.method;
    req.url = gateway->second.url + fill(route, p) + (p.query.empty() ? "" : "?" + p.query);
    const std::string auth = str(contract, "/headers/authorization"_json_pointer);
    if (p.token == TokenForm::other_scheme) req.headers.add(auth, str(contract, "/values/basic_scheme"_json_pointer) + " " + *token);
    else if (p.token != TokenForm::none) req.headers.add(auth, str(contract, "/values/bearer_scheme"_json_pointer) + " " + *token);
    for (const auto& c : p.carriers) req.headers.add(carrier_name(model_, c), carrier_value(c));
    if (p.spoof_identity) {
      req.headers.add(str(contract, "/headers/actor"_json_pointer), kSpoofedActor);
      for (const auto& name : contract.value("/headers/identity"_json_pointer, json::array()))
        if (name.is_string()) req.headers.add(name.get<std::string>(), kSpoofedActor);
    }
    req.headers.set(cid_header, cid);
    if (route.kind == Route::Kind::write) {
      req.headers.set("Content-Type", "application/json");
      req.body = json{{str(contract, "/values/item_name_field"_json_pointer), "explored " + cid}}.dump();
    }
    return req;
  };
  sent.seen.correlation_id = run_.new_correlation_id();
  sent.request = build(probe, sent.seen.correlation_id);
  // T2: whether the tenant's budget is spent is the ledger's; where it cannot tell, the answer does.
  RequestFacts facts = facts_of(model_, probe);
  const auto sent_at = BudgetLedger::Clock::now();
  const auto counted = model_.has_budgets() ? model_.predict(facts).counted_tenant : std::nullopt;
  const auto budget = counted ? ledger_.state(*counted, sent_at) : BudgetLedger::State::left;
  auto response = send(sent.request);
  if (!response) return std::nullopt;
  sent.seen.response = std::move(*response);
  const int limited = contract.value("/status/too_many_requests"_json_pointer, 0);
  facts.budget_spent = budget == BudgetLedger::State::spent ||
                       (budget == BudgetLedger::State::unknown && sent.seen.response.status == limited);
  const Prediction predicted = model_.predict(facts);
  if (counted) {
    if (predicted.clause == "T2") ledger_.refused(*counted);
    else ledger_.counted(*counted, sent_at);
  }
  sent.seen.gateway_records = records("gateway", sent.seen.correlation_id, predicted.gateway_events.size());
  sent.seen.backend_records = records(route.backend, sent.seen.correlation_id);
  if (predicted.error == "not_found" && !predicted.item_owner.empty()) {
    Probe missing = probe;
    missing.item_id = model_.missing_id();
    const auto reference_at = BudgetLedger::Clock::now();
    auto reference = send(build(missing, run_.new_correlation_id()));
    if (counted) ledger_.counted(*counted, reference_at);
    if (reference && limited != 0 && reference->status == limited) {  // the budget ran out in between: no reference
      if (counted) ledger_.refused(*counted);
    } else if (reference) {
      sent.seen.missing_reference = std::move(*reference);
    }
  }
  sent.violations = judge_gateway(model_, run_.contract_for("gateway"), run_.contract_for(route.backend), probe, facts,
                                  predicted, sent.seen);
  if (token_form_minted(probe.token))
    if (auto wrong = minted_time_violation(model_.contract(), *token, probe.token))
      sent.violations.insert(sent.violations.begin(), *wrong);
  // A later check answered (O1), or the deciding check let the request through to it? The same
  // request on a route whose scope the token has tells: answered as predicted there, the checks ran
  // out of order; let through, or with no such route to ask, the deciding clause is named.
  for (auto& v : sent.violations) {
    if (v.clause != "O1") continue;
    bool out_of_order = false;  // shown, not assumed: without a twin the deciding clause is named
    for (std::size_t r = 0; r < model_.routes().size(); ++r) {
      const Route& other = model_.routes()[r];
      if (other.kind != route.kind || other.method != route.method || other.tenant_param != route.tenant_param ||
          std::find(facts.claims.scopes.begin(), facts.claims.scopes.end(), other.scope) == facts.claims.scopes.end())
        continue;
      Probe twin = probe;
      twin.route = r;
      const Prediction twin_predicted = model_.predict(facts_of(model_, twin));
      if (twin_predicted.counted_tenant) ledger_.counted(*twin_predicted.counted_tenant, BudgetLedger::Clock::now());
      auto answer = send(build(twin, run_.new_correlation_id()));
      out_of_order = answer && answer->status == twin_predicted.status;
      break;
    }
    if (!out_of_order) v.clause = predicted.clause;
  }
  return sent;
}

std::optional<Explorer::Sent> Explorer::attempt_direct(const Probe& probe) {
  const json& contract = model_.contract();
  const Route& route = model_.routes().at(probe.route);
  const auto& components = run_.environment().components;
  const auto backend = components.find(route.backend);
  if (backend == components.end()) return std::nullopt;
  const RequestFacts facts = facts_of(model_, probe);
  Sent sent;
  sent.seen.correlation_id = run_.new_correlation_id();
  HttpRequest& req = sent.request;
  req.url = backend->second.url + route.upstream;
  const std::string tenant = facts.claims.tenant.value_or("");
  if (!tenant.empty()) req.headers.set(str(contract, "/headers/tenant"_json_pointer), tenant);
  req.headers.set(str(contract, "/headers/actor"_json_pointer), facts.claims.sub);
  req.headers.set(str(contract, "/headers/correlation_id"_json_pointer), sent.seen.correlation_id);
  const long long now = epoch_ms() / 1000;
  const std::string& secret = run_.environment().context_secret;
  auto mac = [&](long long t) {
    return hex_encode(hmac_sha256(secret, "GET\n" + route.upstream + "\n" + tenant + "\n" + facts.claims.sub + "\n" +
                                              sent.seen.correlation_id + "\n" + std::to_string(t)));
  };
  const std::string sig_header = str(contract, "/headers/context_signature"_json_pointer);
  switch (probe.signature) {
    case Signature::none: break;
    case Signature::forged: req.headers.set(sig_header, signature_value(contract, now, std::string(64, '0'))); break;
    case Signature::stale:
    case Signature::fresh: {
      const long long t = now + signature_offset(contract, probe);
      req.headers.set(sig_header, signature_value(contract, t, mac(t)));
      break;
    }
  }
  auto response = send(req);
  if (!response) return std::nullopt;
  sent.seen.response = std::move(*response);
  sent.seen.backend_records = records(route.backend, sent.seen.correlation_id);
  sent.violations = judge_gateway(model_, run_.contract_for("gateway"), run_.contract_for(route.backend), probe, facts,
                                  model_.predict(facts), sent.seen);
  return sent;
}

// A flow is written as the scenario it would be in the pack, loaded and run by the pack's own runner;
// its first failed check, under the clause its step names, is the violation.
std::optional<Explorer::Sent> Explorer::attempt_flow(const Probe& probe) {
  const auto text = flow_text(model_, probe);
  if (!text || options_.scratch_dir.empty()) return std::nullopt;
  for (const auto& clause : text->requirements)
    if (!model_.holds(clause)) return std::nullopt;  // a rule this platform is not held to
  for (const auto& key : changed_)  // a principal whose state the pack changed: the model cannot tell it
    if (text->steps.find("fx." + key + ".") != std::string::npos) return std::nullopt;
  // A flow runs where its tenant's budget surely has room for all its steps (T2).
  constexpr long kFlowRequests = 12;
  const auto caller = model_.predict_token(model_.principals().at(probe.principal), probe.token_tenant).claims.tenant;
  if (caller && ledger_.room(*caller, BudgetLedger::Clock::now()) < kFlowRequests) return std::nullopt;
  for (const auto& tenant : text->spends)
    if (ledger_.room(tenant, BudgetLedger::Clock::now()) < kFlowRequests) return std::nullopt;
  Sent sent;
  sent.scenario = flow_scenario_text(*text);
  std::error_code ec;
  std::filesystem::create_directories(options_.scratch_dir, ec);
  const std::string file = (std::filesystem::path(options_.scratch_dir) / "flow.yaml").string();
  if (auto written = write_report_file(file, "scenarios:\n" + sent.scenario); !written) {
    // The scratch folder, not the model (an environment error): said once.
    const Error& e = written.error();
    if (std::none_of(summary_.errors.begin(), summary_.errors.end(), [&](const Error& o) { return o.message == e.message; }))
      summary_.errors.push_back(e);
    return std::nullopt;
  }
  const Environment& env = run_.environment();
  LoadOptions load;
  load.contract = &model_.contract();
  for (const auto& [name, component] : env.components) load.endpoints.insert(name);
  load.builtins = {"fx"};
  if (!env.context_secret.empty()) load.builtins.insert("context_secret");
  load.capabilities = &env.capabilities;
  auto scenarios = load_scenarios({file}, load);
  if (!scenarios || scenarios->empty()) {  // a flow the model wrote wrong: tenantcheck's own error
    summary_.errors.push_back(Error{ErrorKind::internal, Where{file, 0, "", {}, {}},
                                    "explore wrote a flow the loader refuses: " +
                                        (scenarios ? std::string("no scenario") : scenarios.error().to_string())});
    return std::nullopt;
  }
  ScenarioCase c{&scenarios->front(), nullptr, "explore", "flow"};
  const auto gateway = env.components.find("gateway");
  if (gateway != env.components.end())  // its requests spend budgets the model did not predict
    run_.observe_requests([&, url = gateway->second.url](const HttpRequest& r) {
      if (r.url.rfind(url, 0) == 0) note_unpredicted(r);
    });
  const ScenarioResult result = run_scenario(c, run_);
  run_.observe_requests(nullptr);
  if (result.skipped) return std::nullopt;
  if (result.environment_error) {
    summary_.errors.push_back(*result.environment_error);
    return std::nullopt;
  }
  for (const auto& step : result.steps) {
    for (const auto& outcome : step.outcomes) {
      if (!outcome.failed()) continue;
      const auto colon = step.name.find(':');
      sent.violations.push_back(Violation{colon == std::string::npos ? text->requirements.front() : step.name.substr(0, colon),
                                          outcome.kind + " " + outcome.description, outcome.expected, outcome.actual});
    }
    if (step.failed()) {
      sent.transcript = step.transcript;
      sent.seen.correlation_id = step.correlation_id;
      break;
    }
  }
  return sent;
}

bool Explorer::still_fails(const Probe& probe, const Violation& target) {
  if (out_of_budget()) return false;
  const auto sent = attempt(probe);
  if (!sent) return false;
  return std::any_of(sent->violations.begin(), sent->violations.end(),
                     [&](const Violation& v) { return same_target(v, target); });
}

Probe Explorer::shrink(Probe probe, const Violation& target) {
  int tries = 0;
  auto accept = [&](const Probe& candidate) {
    if (++tries > 60) return false;
    if (!still_fails(candidate, target)) return false;
    probe = candidate;
    return true;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < probe.carriers.size(); ++i) {  // fewer carriers
      Probe c = probe;
      c.carriers.erase(c.carriers.begin() + static_cast<long>(i));
      if (accept(c)) { changed = true; --i; }
    }
    if (!probe.query.empty()) {
      Probe c = probe;
      c.query.clear();
      changed |= accept(c);
    }
    if (probe.spoof_identity) {
      Probe c = probe;
      c.spoof_identity = false;
      changed |= accept(c);
    }
    if (probe.kind == Probe::Kind::gateway && probe.token != TokenForm::issued) {
      Probe c = probe;
      c.token = TokenForm::issued;
      changed |= accept(c);
    }
    for (std::size_t p = 0; p < probe.principal; ++p) {  // a simpler principal
      Probe c = probe;
      c.principal = p;
      const Principal& who = model_.principals()[p];
      if (probe.token_tenant && probe.kind != Probe::Kind::token) {
        const bool ambiguous = who.tenants.size() > 1 && who.default_tenant.empty();
        c.token_tenant = ambiguous ? std::optional<std::string>(who.tenants.front()) : std::nullopt;
      }
      // What named the caller's own tenant names the new caller's: the probe keeps its relation.
      const auto was = model_.predict_token(model_.principals()[probe.principal], probe.token_tenant).claims.tenant;
      const auto now = model_.predict_token(who, c.token_tenant).claims.tenant;
      if (was && now && *was != *now) {
        if (c.path_tenant == *was) c.path_tenant = *now;
        for (auto& carrier : c.carriers)
          if (carrier.tenant == *was) carrier.tenant = *now;
      }
      if (accept(c)) { changed = true; break; }
    }
    if (probe.token_tenant && probe.kind == Probe::Kind::gateway) {
      Probe c = probe;
      c.token_tenant.reset();
      changed |= accept(c);
    }
    for (std::size_t i = 0; i < probe.carriers.size(); ++i) {  // plainer carriers
      const Carrier& now = probe.carriers[i];
      std::vector<Carrier> simpler;
      if (now.header != 0) { Carrier s = now; s.header = 0; simpler.push_back(s); }
      if (now.name_form != NameForm::declared) { Carrier s = now; s.name_form = NameForm::declared; simpler.push_back(s); }
      if (now.form != ValueForm::plain) { Carrier s = now; s.form = ValueForm::plain; simpler.push_back(s); }
      for (auto& s : simpler) {
        Probe c = probe;
        c.carriers[i] = s;
        changed |= accept(c);
        if (changed) break;
      }
    }
    if (probe.kind == Probe::Kind::gateway &&
        (model_.routes()[probe.route].kind != Route::Kind::list || !model_.routes()[probe.route].tenant_param.empty()))
      for (std::size_t r = 0; r < model_.routes().size(); ++r) {  // the first plain list, when the route's kind does not matter
        const Route& other = model_.routes()[r];
        if (other.kind != Route::Kind::list || !other.tenant_param.empty() || other.method != "GET") continue;
        Probe c = probe;
        c.route = r;
        c.item_id.clear();
        c.path_tenant.clear();
        if (accept(c)) changed = true;
        break;
      }
    for (std::size_t r = 0; r < probe.route && probe.kind == Probe::Kind::direct; ++r) {  // an earlier backend's list
      const Route& other = model_.routes()[r];
      if (other.kind != Route::Kind::list || !other.tenant_param.empty()) continue;
      Probe c = probe;
      c.route = r;
      if (accept(c)) { changed = true; break; }
    }
    for (std::size_t r = 0; r < probe.route && probe.kind == Probe::Kind::gateway; ++r) {  // an earlier route of the kind
      const Route& now = model_.routes()[probe.route];
      const Route& other = model_.routes()[r];
      if (other.kind != now.kind || other.tenant_param != now.tenant_param || other.method != now.method) continue;
      Probe c = probe;
      c.route = r;
      if (now.kind == Route::Kind::item) {  // the same relation of item to caller, in that backend
        const Item* was = model_.find_item(probe.item_id);
        if (was)
          for (const auto& i : model_.items())
            if (i.backend == other.backend && i.tenant == was->tenant) { c.item_id = i.id; break; }
      }
      if (accept(c)) { changed = true; break; }
    }
    if (tries > 60) break;
  }
  return probe;
}

void Explorer::consider(const Probe& probe) {
  ++summary_.probes;
  auto sent = attempt(probe);
  if (!sent || sent->violations.empty()) return;
  const Violation target = sent->violations.front();
  const std::string check_key = target.clause + " " + target.check;
  // Past a few classes of one check, more of it are counted, not shrunk again.
  if (per_check_[check_key] >= 3 || static_cast<int>(summary_.findings.size()) >= options_.max_findings) {
    for (auto& f : summary_.findings)
      if (f.clause == target.clause && f.check == target.check) { ++f.occurrences; break; }
    return;
  }
  Finding finding;
  finding.probe = shrink(probe, target);
  auto final_run = attempt(finding.probe);
  if (!final_run) return;
  const auto hit = std::find_if(final_run->violations.begin(), final_run->violations.end(),
                                [&](const Violation& v) { return same_target(v, target); });
  if (hit == final_run->violations.end()) return;  // not reproduced: shrinking's last try told otherwise
  finding.clause = target.clause;
  finding.check = target.check;
  finding.features = probe_features(model_, finding.probe);
  finding.violations = final_run->violations;
  finding.correlation_id = final_run->seen.correlation_id;
  finding.transcript = final_run->transcript.empty() ? format_transcript(final_run->request, &final_run->seen.response)
                                                     : final_run->transcript;
  finding.scenario = final_run->scenario;
  const std::string key = finding.key();
  if (auto known = by_key_.find(key); known != by_key_.end()) {
    ++summary_.findings[known->second].occurrences;
    return;
  }
  ++per_check_[check_key];
  by_key_[key] = summary_.findings.size();
  summary_.findings.push_back(std::move(finding));
}

ExploreSummary Explorer::explore(const std::vector<Probe>& matrix) {
  started_ = std::chrono::steady_clock::now();
  requests_before_ = run_.requests_sent();
  const auto& caps = run_.environment().capabilities;
  GenerateOptions generate;
  generate.mint = caps.count("mint") > 0;
  generate.direct = caps.count("direct-backend") > 0;
  generate.context_secret = caps.count("context-secret") > 0 && !run_.environment().context_secret.empty();
  generate.writes = options_.writes;
  generate.flows = available_flows(model_, caps, options_.writes);
  generate.flows_only = model_.hosts().has_value();
  if (model_.workspaces()) generate.flow_share = 0.6;  // the admin surfaces are reached by flows only
  // The authorization matrix first: every request given, under every principal and token form.
  std::vector<TokenForm> forms = {TokenForm::issued, TokenForm::none, TokenForm::other_scheme, TokenForm::tampered};
  if (generate.mint) forms.insert(forms.end(), {TokenForm::expired_past_leeway, TokenForm::minted});
  for (const Probe& request : matrix) {
    const Route& route = model_.routes().at(request.route);
    if (route.method != "GET" && !options_.writes) continue;  // read-only unless told
    if (route.kind == Route::Kind::other || route.kind == Route::Kind::replace) continue;  // no body the model writes
    for (std::size_t p = 0; p < model_.principals().size(); ++p)
      for (TokenForm form : forms) {
        if (out_of_budget() || !summary_.errors.empty()) break;
        Probe probe = request;
        probe.principal = p;
        probe.token = form;
        const Principal& who = model_.principals()[p];
        if (who.tenants.size() > 1 && who.default_tenant.empty()) probe.token_tenant = who.tenants.front();
        if (form == TokenForm::tampered) probe.tampered_tenant = other_tenant(model_, probe, 0);
        ++summary_.matrix_probes;
        consider(probe);
      }
  }
  Generator generator(model_, options_.seed, generate);
  long skipped = 0, idle = 0;
  while (!out_of_budget() && summary_.errors.empty()) {
    // Probes that send nothing (flows of clauses the topology does not select, principals no token
    // is issued to) cannot end the run by its budget: past a thousand in a row it ends.
    if (idle > 1000) break;
    Probe probe = generator.next();
    // A tenant whose budget is spent answers every request alike until its window ends (T2): one
    // probe in ten still asks, the others are drawn again.
    if (probe.kind == Probe::Kind::gateway && model_.has_budgets())
      if (const auto tenant = model_.predict(facts_of(model_, probe)).counted_tenant;
          tenant && ledger_.state(*tenant, BudgetLedger::Clock::now()) == BudgetLedger::State::spent && ++skipped % 10 != 0)
        continue;
    const long before = requests();
    consider(probe);
    idle = requests() == before ? idle + 1 : 0;
  }
  summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  summary_.requests = requests();
  summary_.budget_spent = summary_.requests >= options_.budget;
  summary_.time_spent = options_.time_s > 0 && summary_.seconds >= options_.time_s;
  return summary_;
}

}  // namespace tc::explore
