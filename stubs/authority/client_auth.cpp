#include "stubs/authority/client_auth.h"

#include <algorithm>

#include "common/bearer.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "stubs/credentials.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {
// Standard base64 (RFC 4648 §4) through the base64url decoder: the alphabets differ in two letters.
std::optional<std::string> base64_decode(std::string text) {
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  return base64url_decode(text);
}
}  // namespace

std::optional<std::string> form_value(const std::multimap<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  if (it == form.end()) return std::nullopt;
  return it->second;
}

ClientAuth authenticate_client(const Authority& a, const Request& request,
                               const std::multimap<std::string, std::string>& form) {
  ClientAuth auth;
  std::optional<std::string> secret;
  const auto header = request.headers.get(a.profile().header("authorization"));
  const auto basic = header ? credential_of(*header, a.profile().value("basic_scheme")) : std::nullopt;
  if (basic) {
    const auto decoded = base64_decode(*basic);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      auth.problem = "malformed Basic credentials";
      return auth;
    }
    auth.client_id = url_decode(decoded->substr(0, colon));
    secret = url_decode(decoded->substr(colon + 1));
  } else {
    auth.client_id = form_value(form, "client_id").value_or("");
    secret = form_value(form, "client_secret");
  }
  if (auth.client_id.empty()) {
    auth.problem = "no client authentication";
    return auth;
  }
  const Client* client = a.ctx.fixtures.client(auth.client_id);
  if (!client) {
    auth.problem = "unknown client";
    return auth;
  }
  if (!client->is_public && (!secret || !constant_time_equal(*secret, client->secret))) {
    auth.problem = secret ? "wrong client secret" : "confidential client without secret";
    return auth;
  }
  auth.client = client;
  return auth;
}

Response invalid_client_response(const Authority& a, Call& call, const std::string& description) {
  const auto& p = a.profile();
  Response r = error_response("invalid_client", description, call.correlation_id, p);
  set_challenge(r, p, "basic_scheme", {{"realm", a.issuer}});
  return r;
}

}  // namespace tc::stub::authority
