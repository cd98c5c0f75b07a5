// Client authentication at the token and introspection endpoints (A4, A9; RFC 6749 §2.3):
// client_secret_basic (Authorization: Basic, url-encoded id and secret) or client_secret_post
// (client_id and client_secret in the form). Confidential clients must present their secret;
// public clients present their client_id only.
#pragma once
#include <map>
#include <string>

#include "stubs/authority/authority.h"

namespace tc::stub::authority {

struct ClientAuth {
  const Client* client = nullptr;  // set when authenticated
  std::string client_id;           // as presented (may name no client)
  std::string problem;             // why authentication failed; empty on success
};

ClientAuth authenticate_client(const Authority& a, const Request& request,
                               const std::multimap<std::string, std::string>& form);

// 401 invalid_client with WWW-Authenticate: Basic realm="<issuer>" (RFC 6749 §5.2).
Response invalid_client_response(const Authority& a, Call& call, const std::string& description);

// The first form value of `name`, or nullopt.
std::optional<std::string> form_value(const std::multimap<std::string, std::string>& form, const std::string& name);

}  // namespace tc::stub::authority
