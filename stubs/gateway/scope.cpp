#include "stubs/gateway/scope.h"

#include <algorithm>
#include <sstream>

namespace tc::stub::gateway {

std::vector<std::string> granted_scopes(const nlohmann::json& scope_claim) {
  std::vector<std::string> out;
  if (scope_claim.is_string()) {
    std::istringstream words(scope_claim.get<std::string>());
    for (std::string w; words >> w;) out.push_back(w);
  } else if (scope_claim.is_array()) {
    for (const auto& s : scope_claim)
      if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

bool has_scope(const std::vector<std::string>& granted, const std::string& needed) {
  return needed.empty() || std::find(granted.begin(), granted.end(), needed) != granted.end();
}

}  // namespace tc::stub::gateway
