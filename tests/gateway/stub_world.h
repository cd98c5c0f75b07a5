// An in-process reference world over real sockets for the gateway tests: the Authority (minting
// enabled), the platform, scanner and graph Backends, and gateways started per test (with faults or
// a variant profile). Each stub is a tc::stub::HttpServer on 127.0.0.1:0 serving from its own
// thread; destruction stops and joins it.
#pragma once
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/http_client.h"
#include "support/reference.h"
#include "stubs/stub_context.h"

namespace tc::testing {

using nlohmann::json;

inline constexpr const char* kSharedSecret = "gateway-test-shared-secret";

class ServedStub {
 public:
  // `component` names the audit log; `make` builds the role once the server is bound.
  // `fixtures` and `tenancy` describe another platform's world; the reference world by default.
  ServedStub(stub::StubOptions options, const ContractProfile& profile, const std::string& component,
             std::unique_ptr<stub::Role> (*make)(stub::StubContext&), const Fixtures& fixtures = reference_fixtures(),
             const stub::Tenancy& tenancy = stub::Tenancy{}) {
    ctx_.options = std::move(options);
    ctx_.profile = profile;
    ctx_.fixtures = fixtures;
    ctx_.tenancy = tenancy;
    auto faults = stub::Faults::parse(ctx_.options.faults, ctx_.options.role);
    if (!faults.ok()) throw std::runtime_error(faults.error().to_string());
    ctx_.faults = *faults;
    stub::open_records(ctx_, component);
    stub::ServerOptions server_options;
    server_options.workers = 3;
    server_options.error_response = [this](stub::ServerFault f, const stub::Request& r) { return role_->server_error(f, r); };
    server_ = std::make_unique<stub::HttpServer>(server_options,
                                                 [this](const stub::Request& r) { return role_->handle(r); });
    ctx_.base_url = server_->url();
    role_ = make(ctx_);
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~ServedStub() {
    server_->stop();
    thread_.join();
  }
  const std::string& url() const { return ctx_.base_url; }
  stub::AuditLog& audit() { return *ctx_.audit; }

 private:
  stub::StubContext ctx_;
  std::unique_ptr<stub::Role> role_;
  std::unique_ptr<stub::HttpServer> server_;
  std::thread thread_;
};

struct Reply {
  int status = 0;
  Headers headers;
  std::string body;
  json json_body() const { return json::parse(body, nullptr, false); }
};

// Sends one request; fails the test (and returns status 0) when the server cannot be reached.
inline Reply call(const std::string& method, const std::string& url, const std::vector<Headers::Entry>& headers = {},
                  const std::string& body = "") {
  thread_local HttpClient client;
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.timeout_ms = 15000;
  for (const auto& [n, v] : headers) r.headers.add(n, v);
  auto got = client.send(r);
  EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().to_string());
  if (!got.ok()) return {};
  return {got->status, got->headers, got->body};
}

// Every value the backend's echo (B4) shows for `name`, in any letter case.
inline std::vector<std::string> echoed(const Reply& echo, const std::string& name) {
  std::vector<std::string> out;
  json body = echo.json_body();
  if (!body.is_object() || !body.contains("headers")) return out;
  for (const auto& [n, values] : body["headers"].items())
    if (iequals(n, name))
      for (const auto& v : values) out.push_back(v.get<std::string>());
  return out;
}

template <class T>
T loaded(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().to_string());
  return std::move(r).value();
}

// Another platform's world: fixtures/<name>/ (its tenancy.yaml included) and fixtures/contracts/<name>.yaml.
struct PlatformWorld {
  explicit PlatformWorld(const std::string& name)
      : profile(loaded(ContractProfile::load(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/" + name + ".yaml"))),
        fixtures(loaded(Fixtures::load(std::string(TC_SOURCE_DIR) + "/fixtures/" + name))),
        tenancy(loaded(stub::Tenancy::load(std::string(TC_SOURCE_DIR) + "/fixtures/" + name))) {}
  ContractProfile profile;
  Fixtures fixtures;
  stub::Tenancy tenancy;
};

// That platform's Authority (minting enabled) and one backend role served in process; gateways in
// front of them started per test, with faults.
struct PlatformStubs {
  PlatformStubs(const std::string& name, const std::string& role) : world(name), backend_role(role) {
    stub::StubOptions a;
    a.role = "authority";
    a.enable_mint = true;
    a.audience = world.profile.value("default_audience");
    authority = std::make_unique<ServedStub>(a, world.profile, "authority", &stub::make_authority, world.fixtures, world.tenancy);
    stub::StubOptions b;
    b.role = "backend";
    b.backend_role = role;
    b.shared_secret = kSharedSecret;
    backend = std::make_unique<ServedStub>(b, world.profile, role, &stub::make_backend, world.fixtures, world.tenancy);
  }
  // `outbox_file`: the gateway's --outbox-file (none: in memory only).
  std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {}, const std::string& outbox_file = "") const {
    stub::StubOptions g;
    g.role = "gateway";
    g.outbox_file = outbox_file;
    g.authority_url = authority->url();
    g.shared_secret = kSharedSecret;
    g.faults = std::move(faults);
    g.backends[backend_role] = backend->url();
    return std::make_unique<ServedStub>(g, world.profile, "gateway", &stub::make_gateway, world.fixtures, world.tenancy);
  }

  PlatformWorld world;
  std::string backend_role;
  std::unique_ptr<ServedStub> authority, backend;
};

class GatewayWorld : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& p = reference_profile();
    stub::StubOptions a;
    a.role = "authority";
    a.enable_mint = true;
    authority_ = new ServedStub(a, p, "authority", &stub::make_authority);
    for (const char* role : {"platform", "scanner", "graph"}) {
      stub::StubOptions b;
      b.role = "backend";
      b.backend_role = role;
      b.shared_secret = kSharedSecret;
      backends_.push_back(new ServedStub(b, p, role, &stub::make_backend));
    }
  }
  static void TearDownTestSuite() {
    for (auto* b : backends_) delete b;
    backends_.clear();
    delete authority_;
    authority_ = nullptr;
  }

  static stub::StubOptions gateway_options(std::vector<std::string> faults = {}) {
    stub::StubOptions g;
    g.role = "gateway";
    g.authority_url = authority_->url();
    g.shared_secret = kSharedSecret;
    g.faults = std::move(faults);
    const char* roles[] = {"platform", "scanner", "graph"};
    for (int i = 0; i < 3; ++i) g.backends[roles[i]] = backends_[i]->url();
    return g;
  }
  static std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {},
                                                   const ContractProfile& profile = reference_profile()) {
    return std::make_unique<ServedStub>(gateway_options(std::move(faults)), profile, "gateway", &stub::make_gateway);
  }
  static ServedStub& backend(const std::string& role) {
    const char* roles[] = {"platform", "scanner", "graph"};
    for (int i = 0; i < 3; ++i)
      if (role == roles[i]) return *backends_[i];
    throw std::out_of_range(role);
  }

  // An access token from the Authority's minting endpoint (A10); `spec` as the endpoint takes it.
  static std::string mint(const json& spec) {
    auto r = call("POST", authority_->url() + reference_profile().path("mint"), {{"Content-Type", "application/json"}},
                  spec.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }
  // Tokens of the fixture principals: ada (tenant-alpha), bea (alpha, bravo allowed), dee (no tenant),
  // rex (tenant-bravo, read scopes only).
  static std::string token_of(const std::string& who) {
    if (who == "ada") return mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}});
    if (who == "bea")
      return mint({{"sub", "user-bea"}, {"tenant", "tenant-alpha"}, {"allowed_tenants", {"tenant-alpha", "tenant-bravo"}}});
    if (who == "dee") return mint({{"sub", "user-dee"}});
    if (who == "rex") return mint({{"sub", "user-rex"}, {"tenant", "tenant-bravo"}});
    throw std::out_of_range(who);
  }
  static Headers::Entry bearer(const std::string& token) { return {"Authorization", "Bearer " + token}; }

  static std::vector<json> gateway_audit(ServedStub& gw, const std::string& cid, const std::string& event = "") {
    auto r = call("GET", gw.url() + reference_profile().path("audit") + "?correlation_id=" + cid +
                             (event.empty() ? "" : "&event=" + event));
    EXPECT_EQ(r.status, 200);
    auto body = r.json_body();
    return body.is_object() && body.contains("records") ? body["records"].get<std::vector<json>>() : std::vector<json>{};
  }

  static inline ServedStub* authority_ = nullptr;
  static inline std::vector<ServedStub*> backends_;
};

}  // namespace tc::testing
