// An Authority served in-process on 127.0.0.1:0 for the authority tests, with the reference
// profile and fixtures, and the small OAuth client moves the tests repeat (PKCE, forms, tokens).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_client.h"
#include "stubs/stub_context.h"

namespace tc::test {

using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

struct AuthorityOptions {
  std::vector<std::string> faults;
  bool enable_mint = false;
  // Another platform's world (fixtures folder and profile, relative to the source tree).
  std::string fixtures = "fixtures/reference";
  std::string profile = "fixtures/contracts/reference.yaml";
};
inline AuthorityOptions with_mint() {
  AuthorityOptions o;
  o.enable_mint = true;
  return o;
}

class AuthorityServer {
 public:
  explicit AuthorityServer(AuthorityOptions options = {});
  ~AuthorityServer();  // stops the server and joins its thread

  const std::string& url() const { return ctx_.base_url; }
  const ContractProfile& profile() const { return ctx_.profile; }
  stub::StubContext& context() { return ctx_; }

  HttpResponse get(const std::string& path, const Headers& headers = {});
  HttpResponse post_form(const std::string& path, const Params& form, const Headers& headers = {});
  HttpResponse post_json(const std::string& path, const json& body);

  // Token endpoint with the given form; a confidential client's secret goes by client_secret_basic.
  HttpResponse token(const Params& form, const std::string& client_id = "", const std::string& secret = "");
  // password grant for a fixture user through the public console client.
  HttpResponse password(const std::string& username, std::optional<std::string> tenant = std::nullopt,
                        const std::string& scope = "");
  // client_credentials grant for a fixture client (its fixture secret).
  HttpResponse client_credentials(const std::string& client_id, std::optional<std::string> tenant = std::nullopt);
  // The access token of a successful password grant (fails the test otherwise).
  std::string access_token(const std::string& username, std::optional<std::string> tenant = std::nullopt);
  // A10 mint (only with enable_mint).
  std::string mint(const json& request);
  // U2: records of one correlation id and event key (profile events.<key>).
  std::vector<json> audit(const std::string& correlation_id, const std::string& event_key = "");

  // GET authorize for the console client; returns the response (302 or 400).
  HttpResponse authorize(const Params& extra);

 private:
  stub::StubContext ctx_;
  std::unique_ptr<stub::Role> role_;
  std::unique_ptr<stub::HttpServer> server_;
  std::thread thread_;
};

// PKCE pair: verifier and its S256 challenge.
std::pair<std::string, std::string> pkce_pair();
// application/x-www-form-urlencoded.
std::string form_encode(const Params& params);
// A query parameter of a URL (Location of a redirect), decoded.
std::optional<std::string> url_param(const std::string& url, const std::string& name);
// The decoded payload of a JWT (no verification).
json jwt_payload(const std::string& token);
json body_of(const HttpResponse& response);
Headers with_header(const std::string& name, const std::string& value, Headers headers = {});
std::string fixture_secret(const std::string& client_id);

}  // namespace tc::test
