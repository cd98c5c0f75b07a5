// A Backend role in process on an OS-chosen port, and signed calls to it over a real socket with
// tc::HttpClient (shared by the backend tests).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/http_client.h"
#include "stubs/context_signature.h"
#include "stubs/stub_context.h"

namespace tc::stub::test {

inline const std::string kProfilePath = std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml";
inline const std::string kFixturesDir = std::string(TC_SOURCE_DIR) + "/fixtures/reference";
inline const std::string kSecret = "backend-test-shared-secret";

enum class Sign { valid, none, wrong_secret, stale, tampered_path };

struct Call {
  std::string method = "GET";
  std::string path;
  std::optional<std::string> tenant;
  std::string body;
  std::optional<std::string> key;  // Idempotency-Key
  Sign sign = Sign::valid;
  std::string correlation_id = "cid-" + uuid_v4();
  Headers extra;
};

// A backend on an OS-chosen port, run on its own thread; stopped and joined on destruction.
class BackendStub {
 public:
  explicit BackendStub(std::vector<std::string> faults = {}, std::string role = "platform",
                       std::string profile_path = kProfilePath, const std::string& fixtures_dir = kFixturesDir) {
    auto profile = ContractProfile::load(profile_path);
    if (!profile) throw std::runtime_error(profile.error().to_string());
    auto fixtures = Fixtures::load(fixtures_dir);
    if (!fixtures) throw std::runtime_error(fixtures.error().to_string());
    auto tenancy = Tenancy::load(fixtures_dir);
    if (!tenancy) throw std::runtime_error(tenancy.error().to_string());
    ctx_.tenancy = std::move(*tenancy);
    auto parsed = Faults::parse(faults, "backend");
    if (!parsed) throw std::runtime_error(parsed.error().to_string());
    ctx_.options.role = "backend";
    ctx_.options.backend_role = role;
    ctx_.options.shared_secret = kSecret;
    ctx_.profile = std::move(*profile);
    ctx_.fixtures = std::move(*fixtures);
    ctx_.faults = std::move(*parsed);
    ctx_.audit = std::make_unique<AuditLog>(role, "");
    ServerOptions server_options;
    server_options.error_response = [this](ServerFault f, const Request& r) { return role_->server_error(f, r); };
    server_ = std::make_unique<HttpServer>(server_options, [this](const Request& r) { return role_->handle(r); });
    ctx_.base_url = server_->url();
    role_ = make_backend(ctx_);
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~BackendStub() {
    server_->stop();
    thread_.join();
  }

  const ContractProfile& profile() const { return ctx_.profile; }
  std::string h(const char* name) const { return ctx_.profile.header(name); }

  HttpResponse call(const Call& c) {
    HttpRequest r;
    r.method = c.method;
    r.url = server_->url() + c.path;
    r.body = c.body;
    r.timeout_ms = 5000;
    r.headers.set(h("correlation_id"), c.correlation_id);
    r.headers.set(h("actor"), "user-alice");
    if (c.tenant) r.headers.set(h("tenant"), *c.tenant);
    if (c.key) r.headers.set(h("idempotency_key"), *c.key);
    if (!c.body.empty()) r.headers.set("Content-Type", "application/json");
    for (const auto& [n, v] : c.extra.entries()) r.headers.add(n, v);
    if (c.sign != Sign::none) {
      SignedContext sc{c.method, c.path.substr(0, c.path.find('?')), c.tenant.value_or(""), "user-alice", c.correlation_id};
      if (c.sign == Sign::tampered_path) sc.path += "x";
      long long now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
      long long t = c.sign == Sign::stale ? now - ctx_.profile.window("signature_skew_seconds") - 30 : now;
      r.headers.set(h("context_signature"), sign_context(c.sign == Sign::wrong_secret ? "other" : kSecret, sc, t));
    }
    auto res = client_.send(r);
    if (!res) throw std::runtime_error(res.error().to_string());
    return *res;
  }

  std::vector<nlohmann::json> audit(const std::string& cid, const std::string& event_key = "") {
    return ctx_.audit->query(cid, event_key.empty() ? "" : ctx_.profile.event(event_key));
  }

 private:
  StubContext ctx_;
  std::unique_ptr<Role> role_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  HttpClient client_;
};

inline nlohmann::json body_of(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

inline std::vector<std::string> ids_of(const HttpResponse& r) {
  std::vector<std::string> ids;
  const nlohmann::json body = body_of(r);  // named: a temporary's element would dangle in the loop
  for (const auto& item : body.at("items")) ids.push_back(item.at("id"));
  return ids;
}

inline Call get(std::string path, std::optional<std::string> tenant = "tenant-alpha") {
  Call c;
  c.path = std::move(path);
  c.tenant = std::move(tenant);
  return c;
}

inline Call post(std::string body, std::optional<std::string> key, std::string tenant = "tenant-alpha") {
  Call c;
  c.method = "POST";
  c.path = "/api/platform/items";
  c.tenant = tenant;
  c.body = std::move(body);
  c.key = std::move(key);
  return c;
}

}  // namespace tc::stub::test
