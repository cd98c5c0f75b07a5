// The stubs' request handling: one request (fuzz/request_text.h) through the request frame of a
// role — route matching, the audit query, the role's guard and handlers, the envelope. The first
// byte picks the role. Some roles run with the fault that opens their guard (alg none at the gateway,
// unsigned context at a backend), so that requests reach the handlers behind it; the gateway's
// Authority and backends are closed ports. A handler may throw (the server answers 500 then), but
// nothing may crash, leak or hang.
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

Stub make_stub(const std::string& role, const std::string& component, std::vector<std::string> faults) {
  Stub s;
  s.ctx = std::make_unique<StubContext>();
  StubContext& ctx = *s.ctx;
  auto profile = tc::ContractProfile::load(TC_SOURCE_DIR "/fixtures/contracts/reference.yaml");
  auto fixtures = tc::Fixtures::load(TC_SOURCE_DIR "/fixtures/reference");
  auto parsed = Faults::parse(faults, role);
  if (!profile || !fixtures || !parsed) throw std::runtime_error("fuzz_stub_request: cannot load the reference world");
  ctx.options.role = role;
  ctx.options.backend_role = role == "backend" ? component : "";
  ctx.options.authority_url = "http://127.0.0.1:1";
  for (const auto& [name, paths] : fixtures->backends) ctx.options.backends[name] = "http://127.0.0.1:1";
  ctx.options.shared_secret = "fuzz-shared-secret";
  ctx.options.enable_mint = true;
  ctx.options.audience = profile->value("default_audience");
  ctx.profile = profile->for_component(component);
  ctx.fixtures = std::move(*fixtures);
  ctx.faults = std::move(*parsed);
  ctx.audit = std::make_unique<AuditLog>(component, "", 256);
  ctx.base_url = "http://127.0.0.1:3";
  s.role = role == "authority" ? make_authority(ctx) : role == "gateway" ? make_gateway(ctx) : make_backend(ctx);
  return s;
}

std::vector<Stub>& stubs() {
  static std::vector<Stub> all = [] {
    std::vector<Stub> v;
    v.push_back(make_stub("authority", "authority", {}));
    v.push_back(make_stub("gateway", "gateway", {}));
    v.push_back(make_stub("gateway", "gateway", {"gateway.accept_alg_none"}));
    v.push_back(make_stub("backend", "platform", {}));
    v.push_back(make_stub("backend", "platform", {"backend.unsigned_context_accepted"}));
    return v;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Stub& stub = stubs()[data[0] % stubs().size()];
  const Request request = tc::fuzz::request_from_text(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  try {
    const Response response = stub.role->handle(request);
    if (response.status < 100 || response.status > 599) __builtin_trap();
  } catch (const std::exception&) {
    // The server's answer to a handler that throws: 500 in the role's envelope.
    (void)stub.role->server_error(ServerFault::handler_failed, request);
  }
  return 0;
}
