// tenantcheck-stub authority|gateway|backend: one program for the three stub roles.
// Prints its base URL as the first line of stdout once it accepts connections, logs one line per
// request to stderr (method, path, status, correlation id; never headers or bodies), and exits 0 on
// SIGTERM or SIGINT after open requests are answered. Usage errors exit 2 naming the flag.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "common/encoding.h"
#include "common/exit_codes.h"
#include "common/redact.h"
#include "stubs/stub_context.h"

namespace {

namespace fs = std::filesystem;
using namespace tc;
using namespace tc::stub;

// The source tree's fixtures: TC_SOURCE_DIR when the build names it, else the nearest ancestor of
// the executable's folder that holds fixtures/ (a build tree inside the source tree).
std::string source_dir() {
#ifdef TC_SOURCE_DIR
  if (fs::exists(fs::path(TC_SOURCE_DIR) / "fixtures")) return TC_SOURCE_DIR;
#endif
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (; !ec && !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / "fixtures" / "contracts" / "reference.yaml")) return dir.string();
    if (dir == dir.root_path()) break;
  }
  return ".";
}

int fail(const std::string& message, int code = kExitInput) {
  std::cerr << "tenantcheck-stub: " << global_redactor().apply(message) << "\n";
  return code;
}

int list_faults() {
  for (const auto& f : fault_catalogue()) std::cout << f.name << '\t' << f.clause << '\t' << f.description << '\n';
  std::cout.flush();
  return 0;
}

// The known backend roles are the ones the fixtures name (route table and items): data, not code.
bool known_backend_role(const Fixtures& fixtures, const std::string& role) {
  if (fixtures.items.count(role)) return true;
  for (const auto& r : fixtures.routes)
    if (r.backend == role) return true;
  return false;
}

// The spellings the tenancy rules answer and record with: checked at start, so that a profile copy
// that lacks one is a usage error here rather than a 500 in the middle of a run.
std::optional<std::string> missing_spelling(const ContractProfile& profile, const Tenancy& tenancy) {
  std::vector<std::string> keys;
  if (tenancy.rate_limited())
    keys = {"status.too_many_requests", "errors.rate_limited", "events.rate_limited", "headers.retry_after"};
  if (tenancy.lifecycle())
    for (const char* k : {"status.tenant_inactive", "errors.tenant_inactive", "events.tenant_inactive"}) keys.push_back(k);
  if (tenancy.hosts) {
    for (const auto& source : tenancy.hosts->sources) keys.push_back("headers." + source);
    for (const char* k : {"headers.tenant_slug", "status.tenant_placeholder", "errors.tenant_placeholder", "events.tenant_placeholder"})
      keys.push_back(k);
  }
  if (tenancy.sign_in)
    for (const char* k : {"headers.cookie", "headers.set_cookie", "values.session_cookie", "values.state_cookie",
                          "values.tenant_slug_param", "values.callback_url_param", "values.session_user_id_pointer",
                          "values.session_user_name_pointer", "values.session_id_pointer", "values.session_expires_pointer",
                          "values.session_tenant_pointer", "values.session_tenant_id_pointer", "values.session_tenant_slug_pointer",
                          "values.session_placeholder_pointer", "values.providers_pointer", "status.oauth_state_invalid", "errors.oauth_state_invalid",
                          "events.sign_in_redirected", "events.session_created", "events.sign_in_rejected",
                          "events.session_read"})
      keys.push_back(k);
  if (tenancy.admin)
    for (const char* k : {"values.admin_tenant_param", "values.selected_tenant_field", "values.search_query_param",
                          "values.all_tenants_scope", "values.operations_scope_pointer", "values.operations_tenant_filter_pointer",
                          "values.operations_kpis_pointer", "values.operations_runs_pointer", "values.groups_pointer",
                          "values.search_results_pointer", "values.navigation_pointer", "values.member_role_field",
                          "values.member_tenants_field", "values.item_id_field", "values.item_tenant_field",
                          "values.item_name_field", "status.forbidden", "errors.forbidden", "status.bad_request",
                          "errors.invalid_request", "events.membership_changed", "events.authz_denied",
                          "events.tenant_missing", "events.tenant_selected", "events.tenant_forbidden", "events.data_read", "events.data_not_found"})
      keys.push_back(k);
  if (tenancy.policy)
    for (const char* k : {"values.members_pointer", "values.member_user_field", "values.member_role_field", "values.masked",
                          "status.forbidden", "errors.forbidden", "status.assurance_required", "errors.assurance_required",
                          "status.tenant_invalid", "errors.tenant_invalid", "events.membership_changed", "events.policy_changed",
                          "events.break_glass_used", "events.authz_denied", "events.data_read", "events.data_not_found",
                          "events.tenant_invalid", "paths.outbox"})
      keys.push_back(k);
  for (const auto& key : keys)
    if (!profile.find(key)) return "the profile has no " + key;
  return std::nullopt;
}

// A gateway route the gateway serves itself (a sign-in or workspace-admin action) needs the tenancy
// section it acts on; the workspace rules must name tenants, users and item roles the fixtures have.
std::optional<std::string> unserved_route(const Fixtures& fixtures, const Tenancy& tenancy) {
  for (const auto& route : fixtures.routes) {
    const auto needs = action_needs(route.action);
    const std::string where = "routes.yaml: " + route.method + " " + route.path + " has action '" + route.action + "'";
    if (!tenancy.has_section(needs.section)) return where + ", which needs tenancy.yaml " + needs.section;
    if (static_cast<std::size_t>(std::count(route.path.begin(), route.path.end(), '{')) < needs.params)
      return where + ", which needs " + std::to_string(needs.params) + " {parameters} in its path";
  }
  for (const auto& [id, ws] : tenancy.workspaces) {
    for (const auto& tenant : ws.tenants)
      if (!fixtures.tenant(tenant)) return "tenancy.yaml: workspace '" + id + "' names tenant '" + tenant + "', which tenants.yaml lacks";
    for (const auto& [sub, member] : ws.members)
      if (!fixtures.user_by_sub(sub)) return "tenancy.yaml: workspace '" + id + "' names member '" + sub + "', which users.yaml lacks";
  }
  for (const auto& [tenant, members] : tenancy.roles) {
    if (!fixtures.tenant(tenant)) return "tenancy.yaml: roles names tenant '" + tenant + "', which tenants.yaml lacks";
    for (const auto& [sub, role] : members) {
      const User* user = fixtures.user_by_sub(sub);
      if (!user || std::find(user->tenants.begin(), user->tenants.end(), tenant) == user->tenants.end())
        return "tenancy.yaml: roles gives '" + sub + "' a role in '" + tenant + "', whose member users.yaml does not make it";
    }
  }
  if (tenancy.planes && !fixtures.tenant(tenancy.planes->platform))
    return "tenancy.yaml: planes names platform tenant '" + tenancy.planes->platform + "', which tenants.yaml lacks";
  if (tenancy.admin)
    for (const auto& role : {tenancy.admin->runs, tenancy.admin->groups})
      if (!fixtures.items.count(role)) return "tenancy.yaml: admin names item role '" + role + "', which items.yaml lacks";
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // A stub never outlives the process that started it.
  const pid_t parent = ::getppid();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) return 0;  // the parent died before the request took effect
  // SIGTERM and SIGINT are taken by sigwait below; blocked before any thread starts so every thread
  // inherits the mask and a signal that arrives during start-up is not lost.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string src = source_dir();
  StubOptions o;
  o.fixtures_dir = src + "/fixtures/reference";
  o.profile_path = src + "/fixtures/contracts/reference.yaml";
  std::vector<std::string> backend_pairs;
  bool show_faults = false;

  CLI::App app{"tenantcheck-stub: a stub Authority, Gateway or Backend of the reference contract"};
  app.add_flag("--list-faults", show_faults, "print the fault catalogue (name, clause, description) and exit");
  app.add_option("role", o.role, "authority | gateway | backend")->check(CLI::IsMember({"authority", "gateway", "backend"}));
  app.add_option("--fixtures", o.fixtures_dir, "folder of the reference world")->check(CLI::ExistingDirectory);
  app.add_option("--profile", o.profile_path, "contract profile (YAML)")->check(CLI::ExistingFile);
  app.add_option("--host", o.host, "address to listen on");
  app.add_option("--port", o.port, "port to listen on (0: the OS chooses)");
  app.add_option("--fault", o.faults, "break one clause (repeatable; see --list-faults)");
  app.add_option("--audit-file", o.audit_file, "append audit records (JSON lines) to this file");
  app.add_option("--outbox-file", o.outbox_file,
                 "gateway, where the profile spells paths.outbox: append outbox events (JSON lines) to this file");
  app.add_option("--audit-retention", o.audit_retention,
                 "how many of the latest audit records the audit query keeps (older ones stay in the file)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
  app.add_option("--authority", o.authority_url, "gateway: the Authority's base URL");
  app.add_option("--backend", backend_pairs, "gateway: ROLE=URL of a backend (repeatable)");
  app.add_option("--shared-secret", o.shared_secret, "gateway, backend: context-signature key")->envname("TC_SHARED_SECRET");
  app.add_flag("--development", o.development,
               "gateway: accept tokens of the fixtures' local issuer (tenancy.yaml local_issuer), which a "
               "production gateway refuses");
  app.add_option("--role", o.backend_role, "backend: which backend (platform | scanner | graph)");
  app.add_flag("--enable-mint", o.enable_mint, "authority: enable the test-only minting endpoints");
  app.add_option("--audience", o.audience, "authority: token audience (default: the profile's)");
  std::string signing_key_file;
  app.add_option("--signing-key", signing_key_file,
                 "authority: PEM private keys, handed over in a 0600 file by a runner that reuses keys "
                 "across its runs: the first signs from the start, each further one is taken by a "
                 "rotation in order (default: fresh keys)")->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  if (show_faults) return list_faults();
  if (o.role.empty()) return fail("role: give authority, gateway or backend");
  if (!o.shared_secret.empty()) global_redactor().add_secret(o.shared_secret);
  if (!signing_key_file.empty()) {
    std::ifstream in(signing_key_file);
    std::ostringstream pem;
    pem << in.rdbuf();
    if (!in) return fail("--signing-key: cannot read " + signing_key_file);
    o.signing_key_pem = pem.str();
    if (o.signing_key_pem.empty()) return fail("--signing-key: " + signing_key_file + " is empty");
  }

  for (const auto& pair : backend_pairs) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      return fail("--backend: expected ROLE=URL, got '" + pair + "'");
    o.backends[pair.substr(0, eq)] = pair.substr(eq + 1);
  }

  StubContext ctx;
  auto profile = ContractProfile::load(o.profile_path);
  if (!profile) return fail(profile.error().to_string(), exit_code_for(profile.error().kind));
  ctx.profile = std::move(*profile);
  auto fixtures = Fixtures::load(o.fixtures_dir);
  if (!fixtures) return fail(fixtures.error().to_string(), exit_code_for(fixtures.error().kind));
  ctx.fixtures = std::move(*fixtures);
  auto tenancy = Tenancy::load(o.fixtures_dir);
  if (!tenancy) return fail(tenancy.error().to_string(), exit_code_for(tenancy.error().kind));
  ctx.tenancy = std::move(*tenancy);
  if (auto missing = missing_spelling(ctx.profile, ctx.tenancy))
    return fail(o.profile_path + ": " + *missing + " (the fixtures' tenancy.yaml needs it)");
  if (auto unserved = unserved_route(ctx.fixtures, ctx.tenancy)) return fail(o.fixtures_dir + "/" + *unserved);
  auto faults = Faults::parse(o.faults, o.role);
  if (!faults) return fail(faults.error().to_string(), exit_code_for(faults.error().kind));
  ctx.faults = std::move(*faults);

  const bool signs = ctx.profile.flag("backend_requires_signature");
  if (o.role == "backend") {
    if (o.backend_role.empty()) return fail("--role: the backend needs a role (platform, scanner or graph)");
    if (!known_backend_role(ctx.fixtures, o.backend_role))
      return fail("--role: no backend role '" + o.backend_role + "' in the fixtures");
    if (!ctx.fixtures.backends.count(o.backend_role))
      return fail("--role: routes.yaml names no paths for backend role '" + o.backend_role + "' (backends." + o.backend_role + ")");
  }
  if (o.role == "gateway" && o.authority_url.empty()) return fail("--authority: the gateway needs the Authority's URL");
  if ((o.role == "gateway" || o.role == "backend") && signs && o.shared_secret.empty())
    return fail("--shared-secret: required (or TC_SHARED_SECRET) while the profile requires context signatures");
  if (o.role == "authority" && o.audience.empty()) o.audience = ctx.profile.value("default_audience");

  const std::string component = o.role == "backend" ? o.backend_role : o.role;
  ctx.profile = ctx.profile.for_component(component);  // its own event and error spellings, if any
  ctx.options = o;
  try {
    open_records(ctx, component);
  } catch (const std::exception& e) {
    return fail(std::string("component '") + component + "': " + e.what(), kExitEnvironment);
  }

  std::unique_ptr<Role> role;
  std::mutex log_mu;
  ServerOptions so;
  so.host = o.host;
  so.port = o.port;
  // The gateway's handlers wait on another server (the Authority's keys, the sign-in code exchange)
  // and the Authority's on its signing key being generated: they run on workers. A backend's never
  // wait, and run on the I/O threads.
  so.workers = o.role == "backend" ? 0 : ServerOptions{}.workers;
  so.may_wait = [&role](const Request& r) { return role->may_wait(r); };
  so.error_response = [&role](ServerFault fault, const Request& r) { return role->server_error(fault, r); };
  const std::string cid_header = ctx.profile.header("correlation_id");
  // One line per request once its answer is made (a pending one's after its upstream answered).
  std::function<Response(const Request&, std::function<Response()>)> logged =
      [&](const Request& request, std::function<Response()> make) {
        auto log = [&](int status, const std::string& cid) {
          std::string line = request.method + " " + escape_non_utf8(request.path) + " " + std::to_string(status) + " " + cid;
          std::lock_guard lock(log_mu);
          std::cerr << global_redactor().apply(line) + '\n';  // one write: std::cerr flushes each <<
        };
        try {
          Response response = make();
          if (auto pending = response.pending) {
            // A new Pending, so that a copy of the answer elsewhere keeps its own `then`. The server
            // keeps `request` alive until `then` has run.
            response.pending = std::make_shared<Pending>(
                Pending{pending->request, [&logged, &request, then = pending->then](Result<HttpResponse> outcome) {
                          return logged(request, [&] { return then(std::move(outcome)); });
                        }});
            return response;
          }
          log(response.status, response.headers.get(cid_header).value_or("-"));
          return response;
        } catch (const std::exception& e) {
          // The server answers 500; the reason stays here, redacted.
          log(500, std::string("- failed: ") + e.what());
          throw;
        }
      };
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(so, [&](const Request& request) {
      return logged(request, [&] { return role->handle(request); });
    });
  } catch (const std::exception& e) {
    return fail(std::string("component '") + component + "': " + e.what(), kExitEnvironment);
  }
  ctx.base_url = server->url();
  try {
    if (o.role == "authority") role = make_authority(ctx);
    else if (o.role == "gateway") role = make_gateway(ctx);
    else role = make_backend(ctx);
  } catch (const std::exception& e) {
    return fail(std::string("component '") + component + "': " + e.what(), kExitEnvironment);
  }

  std::thread serving([&server] { server->run(false); });
  std::cout << ctx.base_url << std::endl;  // the first line: whoever started us waits for it

  // Wait for SIGTERM or SIGINT (blocked above, so they queue until taken here).
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server->stop();
  serving.join();
  return 0;
}
