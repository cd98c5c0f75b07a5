#include "stubs/gateway/audit.h"

namespace tc::stub::gateway {
namespace {

nlohmann::json string_or_null(const nlohmann::json& claims, const std::string& name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? *it : nlohmann::json(nullptr);
}

// outcomes.allow / outcomes.deny of the profile; the U1 words when a profile has no such section.
nlohmann::json outcome(const ContractProfile& profile, bool allow) {
  const nlohmann::json* word = profile.find(allow ? "outcomes.allow" : "outcomes.deny");
  return word != nullptr ? *word : nlohmann::json(allow ? "allow" : "deny");
}

}  // namespace

nlohmann::json audit_record(const Decision& d, const ContractProfile& profile) {
  nlohmann::json actor = d.actor.is_object()
                             ? d.actor
                             : nlohmann::json{{"sub", nullptr}, {"client_id", nullptr}, {"tenant", nullptr}};
  return {{"event", profile.event(d.event)},
          {"outcome", outcome(profile, d.allow)},
          {"status", d.status},
          {"correlation_id", d.correlation_id},
          {"actor", actor},
          {"resolved_tenant", d.resolved_tenant},
          {"attempted_tenant", d.attempted_tenant},
          {"target_tenant", nullptr},
          {"reason", d.reason},
          {"method", d.method},
          {"path", d.path},
          {"change_summary", nullptr}};
}

nlohmann::json actor_of(const nlohmann::json& claims, const ContractProfile& profile) {
  return {{"sub", string_or_null(claims, profile.claim("subject"))},
          {"client_id", string_or_null(claims, profile.claim("client_id"))},
          {"tenant", string_or_null(claims, profile.claim("tenant"))}};
}

}  // namespace tc::stub::gateway
