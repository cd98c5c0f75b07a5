#include "authority_server.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/jwt.h"

namespace tc::test {

AuthorityServer::AuthorityServer(AuthorityOptions options) {
  const std::string root = TC_SOURCE_DIR;
  auto profile = ContractProfile::load(root + "/" + options.profile);
  if (!profile) throw std::runtime_error(profile.error().to_string());
  auto fixtures = Fixtures::load(root + "/" + options.fixtures);
  if (!fixtures) throw std::runtime_error(fixtures.error().to_string());
  auto tenancy = stub::Tenancy::load(root + "/" + options.fixtures);
  if (!tenancy) throw std::runtime_error(tenancy.error().to_string());
  auto faults = stub::Faults::parse(options.faults, "authority");
  if (!faults) throw std::runtime_error(faults.error().to_string());
  ctx_.options.role = "authority";
  ctx_.options.enable_mint = options.enable_mint;
  ctx_.options.faults = options.faults;
  ctx_.profile = std::move(profile.value());
  ctx_.fixtures = std::move(fixtures.value());
  ctx_.tenancy = std::move(tenancy.value());
  ctx_.faults = std::move(faults.value());
  ctx_.audit = std::make_unique<stub::AuditLog>("authority", "");
  stub::ServerOptions server_options;
  server_options.read_timeout = std::chrono::milliseconds(5000);
  server_options.error_response = [this](stub::ServerFault f, const stub::Request& r) { return role_->server_error(f, r); };
  server_ = std::make_unique<stub::HttpServer>(server_options,
                                               [this](const stub::Request& r) { return role_->handle(r); });
  ctx_.base_url = server_->url();
  role_ = stub::make_authority(ctx_);
  thread_ = std::thread([this] { server_->run(false); });
}

AuthorityServer::~AuthorityServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

namespace {
HttpResponse send(HttpRequest request) {
  HttpClient client;
  request.timeout_ms = 10000;
  auto response = client.send(request);
  if (!response) {
    ADD_FAILURE() << request.method << " " << request.url << ": " << response.error().to_string();
    return {};
  }
  return response.value();
}
}  // namespace

HttpResponse AuthorityServer::get(const std::string& path, const Headers& headers) {
  HttpRequest r;
  r.url = url() + path;
  r.headers = headers;
  return send(r);
}

HttpResponse AuthorityServer::post_form(const std::string& path, const Params& form, const Headers& headers) {
  HttpRequest r;
  r.method = "POST";
  r.url = url() + path;
  r.headers = headers;
  r.headers.set("Content-Type", "application/x-www-form-urlencoded");
  r.body = form_encode(form);
  return send(r);
}

HttpResponse AuthorityServer::post_json(const std::string& path, const json& body) {
  HttpRequest r;
  r.method = "POST";
  r.url = url() + path;
  r.headers.set("Content-Type", "application/json");
  r.body = body.dump();
  return send(r);
}

HttpResponse AuthorityServer::token(const Params& form, const std::string& client_id, const std::string& secret) {
  Headers headers;
  if (!client_id.empty())
    headers.set(profile().header("authorization"), "Basic " + base64_encode(client_id + ":" + secret));
  return post_form(profile().path("token"), form, headers);
}

HttpResponse AuthorityServer::password(const std::string& username, std::optional<std::string> tenant,
                                       const std::string& scope) {
  Params form = {{"grant_type", "password"}, {"client_id", "console"}, {"username", username},
                 {"password", username + "-fixture-pw"}};
  if (tenant) form.emplace_back("tenant", *tenant);
  if (!scope.empty()) form.emplace_back("scope", scope);
  return token(form);
}

HttpResponse AuthorityServer::client_credentials(const std::string& client_id, std::optional<std::string> tenant) {
  Params form = {{"grant_type", "client_credentials"}};
  if (tenant) form.emplace_back("tenant", *tenant);
  return token(form, client_id, fixture_secret(client_id));
}

std::string AuthorityServer::access_token(const std::string& username, std::optional<std::string> tenant) {
  const auto r = password(username, tenant);
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r).value("access_token", "");
}

std::string AuthorityServer::mint(const json& request) {
  const auto r = post_json(profile().path("mint"), request);
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r).value("access_token", "");
}

std::vector<json> AuthorityServer::audit(const std::string& correlation_id, const std::string& event_key) {
  const std::string event = event_key.empty() ? "" : profile().event(event_key);
  const auto r = get(profile().path("audit") + "?correlation_id=" + url_encode(correlation_id) +
                     "&event=" + url_encode(event));
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r).value("records", std::vector<json>{});
}

HttpResponse AuthorityServer::authorize(const Params& extra) {
  Params params = {{"response_type", "code"},
                   {"client_id", "console"},
                   {"redirect_uri", "https://console.tenantcheck.test/callback"},
                   {"state", "st-1"}};
  for (const auto& [k, v] : extra) {
    bool replaced = false;
    for (auto& p : params)
      if (p.first == k) p.second = v, replaced = true;
    if (!replaced) params.emplace_back(k, v);
  }
  Params kept;
  for (const auto& p : params)
    if (p.second != "<omit>") kept.push_back(p);
  return get(profile().path("authorize") + "?" + form_encode(kept));
}

std::pair<std::string, std::string> pkce_pair() {
  const std::string verifier = random_token(32);
  return {verifier, base64url_encode(sha256(verifier))};
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  return out;
}

std::optional<std::string> url_param(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::size_t start = q + 1;
  while (start <= url.size()) {
    auto end = url.find('&', start);
    if (end == std::string::npos) end = url.size();
    const std::string pair = url.substr(start, end - start);
    const auto eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == name)
      return eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return std::nullopt;
}

json jwt_payload(const std::string& token) {
  auto jwt = decode_jwt(token);
  EXPECT_TRUE(jwt.ok()) << token;
  return jwt ? jwt->payload : json();
}

json body_of(const HttpResponse& response) {
  return json::parse(response.body, nullptr, false);
}

Headers with_header(const std::string& name, const std::string& value, Headers headers) {
  headers.add(name, value);
  return headers;
}

std::string fixture_secret(const std::string& client_id) { return client_id + "-fixture-secret"; }

}  // namespace tc::test
