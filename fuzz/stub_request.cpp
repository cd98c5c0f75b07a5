// The stubs' request handling: one request (fuzz/request_text.h) through the request frame of a
// role — route matching, the audit query, the role's guard and handlers, the envelope. The first
// byte picks the role (its digit: 0 backend, 1 backend accepting an unsigned context, 2 authority,
// 3 gateway, 4 gateway accepting alg none, 5 seed 004's gateway: host tenancy, sign-in and sessions,
// the request arriving from its trusted proxy). The gateways' Authority and backends are closed
// ports. A handler may throw (the server answers 500 then), but nothing may crash, leak or hang.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "fuzz/request_text.h"
#include "stubs/stub_context.h"

namespace {

using namespace tc::stub;

struct Stub {
  std::unique_ptr<StubContext> ctx;
  std::unique_ptr<Role> role;
};

Stub make_stub(const std::string& role, const std::string& component, std::vector<std::string> faults,
               const std::string& world = "reference") {
  Stub s;
  s.ctx = std::make_unique<StubContext>();
  StubContext& ctx = *s.ctx;
  auto profile = tc::ContractProfile::load(std::string(TC_SOURCE_DIR "/fixtures/contracts/") + world + ".yaml");
  auto fixtures = tc::Fixtures::load(std::string(TC_SOURCE_DIR "/fixtures/") + world);
  auto tenancy = Tenancy::load(std::string(TC_SOURCE_DIR "/fixtures/") + world);
  auto parsed = Faults::parse(faults, role);
  if (!profile || !fixtures || !tenancy || !parsed) throw std::runtime_error("fuzz_stub_request: cannot load the " + world + " world");
  ctx.options.role = role;
  ctx.options.backend_role = role == "backend" ? component : "";
  ctx.options.authority_url = "http://127.0.0.1:1";
  for (const auto& [name, paths] : fixtures->backends) ctx.options.backends[name] = "http://127.0.0.1:1";
  ctx.options.shared_secret = "fuzz-shared-secret";
  ctx.options.enable_mint = true;
  ctx.options.audience = profile->value("default_audience");
  ctx.profile = profile->for_component(component);
  ctx.fixtures = std::move(*fixtures);
  ctx.tenancy = std::move(*tenancy);
  ctx.faults = std::move(*parsed);
  ctx.audit = std::make_unique<AuditLog>(component, "", 256);
  ctx.base_url = "http://127.0.0.1:3";
  s.role = role == "authority" ? make_authority(ctx) : role == "gateway" ? make_gateway(ctx) : make_backend(ctx);
  return s;
}

std::vector<Stub>& stubs() {
  static std::vector<Stub> all = [] {
    // In digit order: input byte '0' + i picks stub i ('0' is 48, a multiple of 6).
    std::vector<Stub> v;
    v.push_back(make_stub("backend", "platform", {}));
    v.push_back(make_stub("backend", "platform", {"backend.unsigned_context_accepted"}));
    v.push_back(make_stub("authority", "authority", {}));
    v.push_back(make_stub("gateway", "gateway", {}));
    v.push_back(make_stub("gateway", "gateway", {"gateway.accept_alg_none"}));
    v.push_back(make_stub("gateway", "gateway", {}, "seed-004"));
    return v;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t index = data[0] % stubs().size();
  Stub& stub = stubs()[index];
  Request request = tc::fuzz::request_from_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  if (index == 5) request.remote = "127.0.0.2:40000";  // seed 004's trusted proxy
  try {
    const Response response = stub.role->handle(request);
    if (response.status < 100 || response.status > 599) __builtin_trap();
  } catch (const std::exception&) {
    // The server's answer to a handler that throws: 500 in the role's envelope.
    (void)stub.role->server_error(ServerFault::handler_failed, request);
  }
  return 0;
}
