// How a stub role reads a caller's Bearer token and asks for one (RFC 6750), by the profile's
// spellings (headers.authorization, headers.www_authenticate, values.bearer_scheme). The parsing and
// the challenge text themselves are common (common/bearer.h), shared with the runner.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/profile.h"
#include "stubs/http_server.h"

namespace tc::stub {

// The Bearer token of the request's Authorization header; nullopt when absent, of another scheme
// or empty.
std::optional<std::string> bearer_token(const Request& request, const ContractProfile& profile);

// Sets the response's WWW-Authenticate to a challenge of `scheme_value` (a values.* key:
// bearer_scheme, basic_scheme) with `params` (name, value) in order.
void set_challenge(Response& response, const ContractProfile& profile, const char* scheme_value,
                   const std::vector<std::pair<std::string, std::string>>& params = {});

}  // namespace tc::stub
