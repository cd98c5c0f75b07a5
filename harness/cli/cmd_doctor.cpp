// `tenantcheck doctor [--env FILE] [--profile FILE] [--reports DIR]`: starts what the topology
// starts, then checks each component: reachability (any HTTP answer), TLS for https, the authority's
// discovery document, JWKS and a token for each principal of the bindings, the gateway's 401 +
// WWW-Authenticate without a token, the echo where offered, and that each audit source answers —
// and every spelling those answers show against the profile (doctor_spellings.h); then, where the
// bindings describe it, whether each tenant is onboarded (doctor_onboarding.h).
// First every {{env.NAME}} the topology and bindings read that is unset or empty, all at once (then
// nothing starts). One line per check, "OK|FAIL component check: detail", then a verdict whose count
// is the number of those lines; exit 0 if all OK, else 3.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/bearer.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/fixtures.h"
#include "common/http_client.h"
#include "common/jwt.h"
#include "common/profile.h"
#include "common/redact.h"
#include "harness/cli/commands.h"
#include "harness/cli/doctor_onboarding.h"
#include "harness/cli/doctor_spellings.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/setup.h"
#include "harness/env/supervisor.h"
#include "harness/env/topology.h"
#include "harness/runner/audit_records.h"
#include "harness/template/template.h"

namespace tc::cli {
namespace {

constexpr long kCheckTimeoutMs = 5000;

struct DoctorOptions {
  SetupOptions setup;     // --env, --bindings; --profile: the profile to check against
  std::string reports_dir = "reports";
};

// Every line doctor prints is a check and counts toward its verdict.
class Checks {
 public:
  void report(bool ok, const std::string& component, const std::string& check, const std::string& detail) {
    ++total_;
    if (!ok) ++failed_;
    // Staging URLs, credentials and tenant ids come from the environment: registered secrets, masked
    // here too (a tenant id stands where a component's name does).
    const Redactor& redact = global_redactor();
    std::cout << (ok ? "OK" : "FAIL") << " " << redact.apply(component) << " " << check << ": " << redact.apply(detail)
              << std::endl;
  }
  // "OK|FAIL doctor: N checks, N failed"; the exit code.
  int verdict(const std::string& why = "") const {
    std::cout << (failed_ == 0 ? "OK" : "FAIL") << " doctor: " << total_ << " checks, " << failed_ << " failed" << why
              << std::endl;
    return failed_ == 0 ? kExitPassed : kExitEnvironment;
  }

 private:
  int total_ = 0;
  int failed_ = 0;
};

// Every {{env.NAME}} the topology and its bindings read, with the file that reads it, in file order.
std::vector<std::pair<std::string, std::string>> environment_variables(const Topology& t,
                                                                      const std::optional<Document>& bindings_file) {
  std::vector<std::pair<std::string, std::string>> out;
  auto topology_file = load_document(t.file);  // loaded before: its values, not its templates, are kept
  const Document* docs[] = {topology_file ? &*topology_file : nullptr, bindings_file ? &*bindings_file : nullptr};
  for (const Document* doc : docs) {
    if (!doc) continue;
    const std::string& file = doc->file;
    auto paths = template_paths(doc->value, Loc{file, 1, ""});
    if (!paths) continue;
    for (const auto& path : *paths) {
      if (path.rfind("env.", 0) != 0) continue;
      std::pair<std::string, std::string> entry{path.substr(4), file};
      if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(std::move(entry));
    }
  }
  return out;
}

class Doctor {
 public:
  Doctor(const Topology& t, const Environment& env, const ContractProfile& profile, const std::optional<Document>& bindings,
         Checks& checks)
      : topology_(t), env_(env), profile_(profile), bindings_file_(bindings), checks_(checks),
        spellings_(profile, [this](bool ok, const std::string& c, const std::string& check, const std::string& d) {
          report(ok, c, check, d);
        }) {}

  int run() {
    for (const auto& spec : topology_.components) {
      const Component& c = env_.components.at(spec.name);
      HttpClient http(c.tls);
      const bool reachable = check_reachable(http, c);
      if (c.url.rfind("https://", 0) == 0)
        report(reachable, c.name, "tls", reachable ? (c.tls.insecure ? "handshake ok (verification off)" : "certificate verified")
                                                   : "no TLS session (see reachable)");
      if (reachable && is_role(spec, "authority")) check_authority(http, c);
      if (reachable && is_role(spec, "gateway")) check_gateway(http, c);
      check_audit(http, c);
    }
    if (bindings_file_) {
      const auto authority = std::find_if(topology_.components.begin(), topology_.components.end(),
                                          [](const ComponentSpec& s) { return is_role(s, "authority"); });
      const std::string token_url = !token_url_.empty() ? token_url_
                                    : authority != topology_.components.end()
                                        ? env_.components.at(authority->name).url + profile_.path("token")
                                        : std::string();
      const TlsOptions token_tls =
          authority != topology_.components.end() ? env_.components.at(authority->name).tls : TlsOptions{};
      run_onboarding_checks(*bindings_file_, env_, profile_, token_url, token_tls,
                            [this](bool ok, const std::string& c, const std::string& check, const std::string& d) {
                              report(ok, c, check, d);
                            });
    }
    return checks_.verdict();
  }

 private:
  // A component plays a role by its stub kind or, for spawned and external ones, by its name.
  static bool is_role(const ComponentSpec& spec, const std::string& role) {
    return spec.kind == "stub" ? spec.stub_role == role : spec.name == role;
  }

  void report(bool ok, const std::string& component, const std::string& check, const std::string& detail) {
    checks_.report(ok, component, check, detail);
  }

  static Result<HttpResponse> get(HttpClient& http, const std::string& url) {
    HttpRequest req;
    req.url = url;
    req.timeout_ms = kCheckTimeoutMs;
    return http.send(req);
  }

  bool check_reachable(HttpClient& http, const Component& c) {
    auto res = get(http, c.url + "/");
    report(res.ok(), c.name, "reachable",
           res ? "GET " + c.url + "/ answered " + std::to_string(res->status) : res.error().message);
    return res.ok();
  }

  // GET url; the body as JSON when the status is `status`, else a FAIL line and nullopt.
  std::optional<json> get_json(HttpClient& http, const std::string& component, const std::string& check,
                               const std::string& url, int status) {
    auto res = get(http, url);
    if (!res) {
      report(false, component, check, res.error().message);
      return std::nullopt;
    }
    if (res->status != status) {
      report(false, component, check, "GET " + url + " answered " + std::to_string(res->status));
      return std::nullopt;
    }
    json body = json::parse(res->body, nullptr, false);
    if (body.is_discarded()) {
      report(false, component, check, "GET " + url + ": body is not JSON");
      return std::nullopt;
    }
    return body;
  }

  void check_authority(HttpClient& http, const Component& c) {
    const int ok = profile_.status("ok");
    const std::string discovery_url = c.url + profile_.path("discovery");
    std::string jwks_url = c.url + profile_.path("jwks");
    if (auto doc = get_json(http, c.name, "discovery", discovery_url, ok)) {
      const bool has_jwks = doc->is_object() && doc->contains("jwks_uri") && (*doc)["jwks_uri"].is_string();
      if (has_jwks) jwks_url = (*doc)["jwks_uri"].get<std::string>();
      // Tokens are asked where the platform says, so a differing paths.token does not hide the rest.
      if (doc->is_object() && doc->contains("token_endpoint") && (*doc)["token_endpoint"].is_string())
        token_url_ = (*doc)["token_endpoint"].get<std::string>();
      report(has_jwks, c.name, "discovery", has_jwks ? "issuer " + doc->value("issuer", std::string("(none)"))
                                                     : discovery_url + " has no jwks_uri");
      spellings_.discovery(c.name, *doc, c.url);
    } else {
      report(false, c.name, "spelling paths.discovery",
             "no discovery document at " + profile_.path("discovery") + ": change paths.discovery");
    }
    if (auto jwks = get_json(http, c.name, "jwks", jwks_url, ok)) {
      const bool keys = jwks->is_object() && jwks->contains("keys") && (*jwks)["keys"].is_array() &&
                        !(*jwks)["keys"].empty();
      report(keys, c.name, "jwks",
             keys ? std::to_string((*jwks)["keys"].size()) + " key(s) at " + jwks_url : jwks_url + " has no keys");
      spellings_.jwks(c.name, *jwks);
    }
    check_tokens(http, c);
  }

  // One token request per principal of the bindings: users by the password grant of the console
  // client, confidential clients by client_credentials. The credentials count as accepted when a
  // token comes back or the answer is a tenant error (the principal's tenant rule, e.g. a user with
  // no tenant); any other answer fails. Tokens are never printed, only their tenant claim.
  void check_tokens(HttpClient& http, const Component& c) {
    const json& b = env_.bindings;
    if (!b.is_object()) return;
    const std::string console = b.contains("clients") && b["clients"].contains("console")
                                    ? b["clients"]["console"].value("id", std::string()) : std::string();
    const std::string scope = b.contains("scopes") ? b["scopes"].value("read", std::string()) : std::string();
    auto principals = [&](const char* group, auto form_for) {
      if (!b.contains(group) || !b[group].is_object()) return;
      for (const auto& [role, p] : b[group].items())
        if (auto form = form_for(p)) request_token(http, c, std::string(group) + "." + role, *form, p);
    };
    principals("users", [&](const json& u) -> std::optional<std::string> {
      if (!u.is_object() || !u.contains("username") || !u.contains("password") || console.empty()) return std::nullopt;
      return "grant_type=password&client_id=" + url_encode(console) + "&username=" +
             url_encode(u.value("username", "")) + "&password=" + url_encode(u.value("password", "")) +
             "&scope=" + url_encode(scope);
    });
    principals("clients", [&](const json& k) -> std::optional<std::string> {
      if (!k.is_object() || !k.contains("id") || !k.contains("secret")) return std::nullopt;
      return "grant_type=client_credentials&client_id=" + url_encode(k.value("id", "")) + "&client_secret=" +
             url_encode(k.value("secret", "")) + "&scope=" + url_encode(scope);
    });
  }

  void request_token(HttpClient& http, const Component& c, const std::string& who, const std::string& form,
                     const json& principal) {
    const std::string name = principal.value("username", principal.value("id", std::string()));
    const std::string check = "token " + who + " (" + name + ")";
    HttpRequest req;
    req.method = "POST";
    req.url = token_url_.empty() ? c.url + profile_.path("token") : token_url_;
    req.headers.add("Content-Type", "application/x-www-form-urlencoded");
    req.body = form;
    req.timeout_ms = kCheckTimeoutMs;
    auto res = http.send(req);
    if (!res) return report(false, c.name, check, res.error().message);
    json body = json::parse(res->body, nullptr, false);
    const std::string error = body.is_object() ? body.value("error", std::string()) : std::string();
    if (res->status == profile_.status("ok") && body.is_object() && body.contains("access_token")) {
      if (who == "users.one") {  // the principal with one tenant: its token shows lifetime, audience, claim names
        token_ = body.value("access_token", std::string());
        const json* tenant = env_.bindings.contains("tenants") ? &env_.bindings["tenants"] : nullptr;
        spellings_.token(c.name, body, tenant && tenant->contains("alpha") ? (*tenant)["alpha"].get<std::string>() : "");
      }
      auto jwt = decode_jwt(body.value("access_token", std::string()));
      const std::string claim = profile_.claim("tenant");
      const std::string tenant = jwt && jwt->payload.contains(claim) ? jwt->payload[claim].dump() : "(no tenant claim)";
      return report(true, c.name, check, "token issued, " + claim + " " + tenant);
    }
    bool tenant_rule = false;  // A5's refusals: the principal's credentials were good
    const ContractProfile authority = profile_.for_component(c.name);
    for (const char* e : {"tenant_missing", "tenant_ambiguous", "tenant_forbidden", "tenant_invalid"})
      tenant_rule = tenant_rule || (!error.empty() && error == authority.error(e));
    // The ambiguous principals must be refused by A5's no-default rule: their refusal is its spelling.
    const bool ambiguous = who == "users.ambiguous" || who == "clients.ambiguous";
    if (ambiguous && res->status == authority.status("oauth_error") && !error.empty() &&
        error != authority.error("invalid_grant") && error != authority.error("invalid_client")) {
      spellings_.error_code(c.name, "tenant_ambiguous", error);
      tenant_rule = true;
    }
    report(tenant_rule, c.name, check,
           std::string(tenant_rule ? "credentials accepted; no token by the tenant rule: " : "answered ") +
               std::to_string(res->status) + (error.empty() ? "" : " " + error));
  }

  // A bound route (bindings routes.<role>.<name>), "" when the bindings have none.
  std::string bound_route(const std::string& role, const std::string& name) const {
    const json& b = env_.bindings;
    if (!b.contains("routes") || !b["routes"].contains(role) || !b["routes"][role].contains(name)) return "";
    const json& r = b["routes"][role][name];
    return r.is_string() ? r.get<std::string>() : "";
  }

  // The bound list route, else a route of the fixtures without path parameters; "/" without either.
  std::string gateway_probe_path() const {
    if (auto bound = bound_route("platform", "list"); !bound.empty()) return bound;
    if (topology_.fixtures.empty()) return "/";
    auto fixtures = Fixtures::load(topology_.fixtures);
    if (!fixtures) return "/";
    for (const auto& r : fixtures->routes)
      if (r.path.find('{') == std::string::npos) return r.path;
    return "/";
  }

  // GET url with the profile's correlation id header set to a fresh id (returned in `cid`), and
  // `token` under `scheme` when given.
  Result<HttpResponse> get_correlated(HttpClient& http, const std::string& url, std::string& cid) {
    return get_correlated(http, url, cid, "", "");
  }
  Result<HttpResponse> get_correlated(HttpClient& http, const std::string& url, std::string& cid,
                                      const std::string& token, const std::string& scheme) {
    cid = "doctor-" + random_token(12);
    HttpRequest req;
    req.url = url;
    req.timeout_ms = kCheckTimeoutMs;
    req.headers.add(profile_.header("correlation_id"), cid);
    if (!token.empty()) req.headers.add(profile_.header("authorization"), scheme + " " + token);
    return http.send(req);
  }

  // The first audit record `c` wrote for correlation id `cid`, when its source can be read.
  std::optional<json> audit_record(HttpClient& http, const Component& c, const std::string& cid) {
    if (c.audit.kind != "stub" && c.audit.kind != "http") return std::nullopt;
    auto records = read_audit_records(c, profile_.path("audit"), cid, [&](const HttpRequest& r) { return http.send(r); });
    if (!records || records->empty()) return std::nullopt;  // check_audit reports an unreadable source
    return records->front();
  }

  void check_gateway(HttpClient& http, const Component& c) {
    const std::string url = c.url + gateway_probe_path();
    std::string cid;
    auto res = get_correlated(http, url, cid);
    if (!res) return report(false, c.name, "unauthenticated", res.error().message);
    spellings_.unauthenticated(c.name, *res);
    if (auto record = audit_record(http, c, cid)) spellings_.audit_record(c.name, *record, "authn_failed");
    const std::string header = profile_.header("www_authenticate");
    const auto challenge = res->headers.combined(header);  // every field, as the report shows them
    // A scheme other than the profile's is reported once (values.bearer_scheme); the echo is then
    // asked with the scheme the gateway names, so that the spellings behind it are found in the same run.
    const std::string wanted = profile_.value("bearer_scheme");
    const std::string named = scheme_to_answer(res->headers.all(header), wanted);
    check_echo(http, c, named.empty() ? wanted : named);
    const bool ok = res->status == profile_.status("unauthenticated") && named == wanted;
    report(ok, c.name, "unauthenticated",
           "GET " + url + " without token answered " + std::to_string(res->status) + ", " + header + ": " +
               (challenge ? *challenge : "(absent)"));
  }

  // B4, where offered: the echo route of the bindings with the one-tenant user's token.
  void check_echo(HttpClient& http, const Component& c, const std::string& scheme) {
    const std::string route = bound_route("platform", "echo");
    if (!env_.capabilities.count("echo") || route.empty() || token_.empty()) return;
    std::string cid;
    auto res = get_correlated(http, c.url + route, cid, token_, scheme);
    if (!res) return report(false, c.name, "echo", res.error().message);
    json body = json::parse(res->body, nullptr, false);
    if (res->status != profile_.status("ok") || body.is_discarded())
      return report(false, c.name, "echo", "GET " + route + " answered " + std::to_string(res->status) +
                                              ": change routes.platform.echo in the bindings");
    spellings_.echo(c.name, body, profile_.header("correlation_id"), cid);
  }

  void check_audit(HttpClient& http, const Component& c) {
    const AuditSourceSpec& a = c.audit;
    const std::string cid = "doctor-" + uuid_v4();
    if (a.kind == "none") return;
    if (a.kind == "jsonl") {
      namespace fs = std::filesystem;
      const bool readable = fs::exists(a.location) ? std::ifstream(a.location).good()
                                                   : fs::is_directory(fs::path(a.location).parent_path());
      return report(readable, c.name, "audit", (readable ? "jsonl " : "jsonl not readable: ") + a.location);
    }
    auto res = get(http, audit_query_url(a, profile_.path("audit"), cid));
    if (!res) return report(false, c.name, "audit", res.error().message);
    const bool ok = res->status >= 200 && res->status < 300;
    report(ok, c.name, "audit",
           a.kind + " source GET answered " + std::to_string(res->status) +
               (ok || a.kind != "stub" ? "" : ": not the audit query at " + profile_.path("audit") + ", change paths.audit"));
  }

  const Topology& topology_;
  const Environment& env_;
  const ContractProfile& profile_;
  const std::optional<Document>& bindings_file_;
  Checks& checks_;
  SpellingChecks spellings_;
  std::string token_;      // users.one's access token, for the echo
  std::string token_url_;  // the discovery document's token endpoint
};

int doctor(const DoctorOptions& o) {
  auto setup = load_setup(o.setup, SetupUse::check_platform);
  if (!setup) return print_error(setup.error());
  const Topology& topology = *setup->topology;
  Checks checks;
  // Every unset variable at once: starting would stop at the first.
  bool unset = false;
  for (const auto& [name, file] : environment_variables(topology, setup->bindings_file)) {
    const char* value = std::getenv(name.c_str());
    if (value && *value) continue;
    unset = true;
    checks.report(false, "environment", name, std::string(value ? "empty" : "not set") + " (read by " + file + ")");
  }
  if (unset) return checks.verdict(" (nothing started: set the variables above)");
  auto bindings = render_bindings(setup->bindings_file);
  if (!bindings) {
    checks.report(false, "topology", "start", bindings.error().to_string());
    return checks.verdict(" (the topology did not start)");
  }
  SupervisorOptions options;
  options.reports_dir = o.reports_dir;
  Supervisor supervisor(options);
  auto env = supervisor.start(topology);
  if (!env) {
    checks.report(false, env.error().where.component.empty() ? "topology" : env.error().where.component, "start",
                  env.error().to_string());
    return checks.verdict(" (the topology did not start)");
  }
  env->bindings = std::move(*bindings);
  for (const auto& c : topology.components)
    if (c.kind != "external") checks.report(true, c.name, "started", env->components.at(c.name).url);
  return Doctor(topology, *env, setup->profile, setup->bindings_file, checks).run();
}

}  // namespace

CommandAction add_doctor_command(CLI::App& app) {
  auto options = std::make_shared<DoctorOptions>();
  CLI::App* sub = app.add_subcommand("doctor", "Start a topology and check that every component answers");
  add_setup_options(sub, options->setup, true,
                    "Profile to check the platform's spellings against (default: the topology's; the platform "
                    "still starts with the topology's)");
  sub->add_option("--reports", options->reports_dir, "Folder for logs/ and audit/")->capture_default_str();
  return CommandAction{sub, [options] { return doctor(*options); }};
}

}  // namespace tc::cli
