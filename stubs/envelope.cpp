#include "stubs/envelope.h"

#include <regex>

#include "common/crypto.h"

namespace tc::stub {

std::string correlation_id_of(const Request& request, const ContractProfile& profile) {
  auto given = request.headers.get(profile.header("correlation_id"));
  if (given && std::regex_match(*given, profile.regex("correlation_id"))) return *given;
  return uuid_v4();
}

Response redirect_response(const std::string& location, const std::string& correlation_id, const ContractProfile& profile) {
  Response r;
  r.status = profile.status("redirect");
  r.headers.set(profile.header("location"), location);
  r.headers.set(profile.header("correlation_id"), correlation_id);
  return r;
}

Response json_response(int status, const nlohmann::json& body, const std::string& correlation_id,
                       const ContractProfile& profile) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.headers.set(profile.header("correlation_id"), correlation_id);
  // Descriptions may echo caller input: bytes that are not UTF-8 must not make the answer fail.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response error_response(int status, const std::string& error_name, const std::string& description,
                        const std::string& correlation_id, const ContractProfile& profile, const nlohmann::json& extra) {
  nlohmann::json body = {{"error", profile.error(error_name)},
                         {"error_description", description},
                         {"correlation_id", correlation_id}};
  body.update(extra);
  return json_response(status, body, correlation_id, profile);
}

Response error_response(const std::string& error_name, const std::string& description,
                        const std::string& correlation_id, const ContractProfile& profile) {
  return error_response(profile.status(error_name), error_name, description, correlation_id, profile);
}

}  // namespace tc::stub
