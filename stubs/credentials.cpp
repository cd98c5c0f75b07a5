#include "stubs/credentials.h"

#include "common/bearer.h"

namespace tc::stub {

std::optional<std::string> bearer_token(const Request& request, const ContractProfile& profile) {
  const auto value = request.headers.get(profile.header("authorization"));
  if (!value) return std::nullopt;
  return credential_of(*value, profile.value("bearer_scheme"));
}

void set_challenge(Response& response, const ContractProfile& profile, const char* scheme_value,
                   const std::vector<std::pair<std::string, std::string>>& params) {
  response.headers.set(profile.header("www_authenticate"), challenge(profile.value(scheme_value), params));
}

}  // namespace tc::stub
