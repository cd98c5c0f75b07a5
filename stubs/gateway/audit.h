// G6: the gateway's audit records (U1), one per decision, in check order. Every U1 field is
// present; absent values are JSON null. The log adds ts and component.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "common/profile.h"

namespace tc::stub::gateway {

struct Decision {
  std::string event;                      // profile events key ("tenant_selected")
  bool allow = false;
  int status = 0;
  std::string correlation_id;
  nlohmann::json actor = nullptr;         // {sub, client_id, tenant} once the token is known
  nlohmann::json resolved_tenant = nullptr;
  nlohmann::json attempted_tenant = nullptr;
  nlohmann::json reason = nullptr;        // the error code on a denial
  std::string method, path;
};

nlohmann::json audit_record(const Decision& d, const ContractProfile& profile);

// {sub, client_id, tenant} from verified claims (names from the profile's claims section).
nlohmann::json actor_of(const nlohmann::json& claims, const ContractProfile& profile);

}  // namespace tc::stub::gateway
