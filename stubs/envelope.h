// The error envelope and correlation id every component uses (contract E1): JSON bodies
// {"error", "error_description", "correlation_id"}, X-Correlation-Id echoed on every response.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "common/profile.h"
#include "stubs/http_server.h"

namespace tc::stub {

// The caller's X-Correlation-Id when it matches the profile's correlation_id pattern, else a new one.
std::string correlation_id_of(const Request& request, const ContractProfile& profile);

// A JSON response with X-Correlation-Id set.
Response json_response(int status, const nlohmann::json& body, const std::string& correlation_id,
                       const ContractProfile& profile);

// A redirect (status.redirect) to `location`, with X-Correlation-Id set.
Response redirect_response(const std::string& location, const std::string& correlation_id, const ContractProfile& profile);

// The error envelope for `error_name` (a key of the profile's errors and status sections, e.g.
// "tenant_conflict"): status and code both come from the profile.
Response error_response(const std::string& error_name, const std::string& description,
                        const std::string& correlation_id, const ContractProfile& profile);
// The same with an explicit status (OAuth errors share one status for many codes), and the fields a
// clause adds to the envelope (G4: the required and granted scopes).
Response error_response(int status, const std::string& error_name, const std::string& description,
                        const std::string& correlation_id, const ContractProfile& profile,
                        const nlohmann::json& extra = nlohmann::json::object());

}  // namespace tc::stub
