// The Authority's audit records (U1) and their query endpoint (U2).
#include <chrono>

#include "common/crypto.h"
#include "stubs/authority/authority.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

json optional_json(const std::optional<std::string>& value) { return value ? json(*value) : json(nullptr); }

json actor_of(const std::string& sub, const std::string& client_id, const std::optional<std::string>& tenant) {
  return {{"sub", sub.empty() ? json(nullptr) : json(sub)},
          {"client_id", client_id.empty() ? json(nullptr) : json(client_id)},
          {"tenant", optional_json(tenant)}};
}

void audit(const Authority& a, const Call& call, const AuditEntry& entry) {
  const auto& p = a.profile();
  // The fault breaks U2: the caller can no longer find the record by its own correlation id.
  const std::string correlation_id =
      a.fault("authority.audit_own_correlation_id") ? uuid_v4() : call.correlation_id;
  a.ctx.audit->record({
      {"event", p.event(entry.event)},
      {"outcome", p.values().at("outcomes").at(entry.allow ? "allow" : "deny")},
      {"status", entry.status},
      {"correlation_id", correlation_id},
      {"actor", entry.actor.is_null() ? actor_of("", "", std::nullopt) : entry.actor},
      {"resolved_tenant", entry.resolved_tenant},
      {"attempted_tenant", entry.attempted_tenant},
      {"target_tenant", entry.target_tenant},
      {"reason", entry.reason.empty() ? json(nullptr) : json(p.error(entry.reason))},
      {"method", call.request.method},
      {"path", call.request.path},
      {"change_summary", entry.change_summary},
  });
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Response handle_audit(Authority& a, const Call& call) {
  const auto records = a.ctx.audit->query(call.request.query_param("correlation_id").value_or(""),
                                          call.request.query_param("event").value_or(""));
  return json_response(a.profile().status("ok"), {{"records", records}}, call.correlation_id, a.profile());
}

}  // namespace tc::stub::authority
