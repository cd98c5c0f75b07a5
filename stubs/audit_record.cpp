#include "stubs/audit_record.h"

#include "common/crypto.h"

namespace tc::stub {

using nlohmann::json;

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

std::optional<std::string> string_claim(const json& claims, const std::string& name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>()) : std::nullopt;
}

json or_null(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

Actor Actor::of(const std::string& sub, const std::string& client_id, std::optional<std::string> tenant) {
  return Actor{non_empty(sub), non_empty(client_id), std::move(tenant)};
}

Actor Actor::from_claims(const json& claims, const ContractProfile& profile) {
  if (!claims.is_object()) return {};
  return Actor{string_claim(claims, profile.claim("subject")), string_claim(claims, profile.claim("client_id")),
               string_claim(claims, profile.claim("tenant"))};
}

namespace {
json actor_json(const Actor& a) {
  return {{"sub", or_null(a.sub)}, {"client_id", or_null(a.client_id)}, {"tenant", or_null(a.tenant)}};
}
}  // namespace

json outbox_event(const Published& p, const std::string& correlation_id, const ContractProfile& profile) {
  return {{"id", uuid_v4()},
          {"event", profile.event(p.event)},
          {"correlation_id", correlation_id},
          {"actor", actor_json(p.actor)},
          {"target_tenant", p.target_tenant},
          {"change_summary", p.change_summary}};
}

json audit_record(const Decision& d, const std::string& method, const std::string& path,
                  const std::string& correlation_id, const ContractProfile& profile) {
  return {{"event", profile.event(d.event)},
          {"outcome", profile.outcome(d.allow)},
          {"status", d.status},
          {"correlation_id", correlation_id},
          {"actor", actor_json(d.actor)},
          {"resolved_tenant", d.resolved_tenant},
          {"attempted_tenant", d.attempted_tenant},
          {"target_tenant", d.target_tenant},
          {"reason", d.reason.empty() ? json(nullptr) : json(profile.error(d.reason))},
          {"method", method},
          {"path", path},
          {"change_summary", d.change_summary}};
}

}  // namespace tc::stub
