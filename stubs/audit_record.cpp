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

void record_decision(AuditLog& log, const Decision& d, const std::string& method, const std::string& path,
                     const std::string* correlation_id, const ContractProfile& profile) {
  const std::string& event = profile.event(d.event);  // the profile's own text
  log.record(correlation_id ? *correlation_id : "", event, [&](AuditFields& out) {
    out.text("event", event).text("outcome", profile.outcome(d.allow)).number("status", d.status);
    if (correlation_id) out.text("correlation_id", *correlation_id);
    out.begin_object("actor")
        .text_or_null("sub", d.actor.sub)
        .text_or_null("client_id", d.actor.client_id)
        .text_or_null("tenant", d.actor.tenant)
        .end_object();
    out.value("resolved_tenant", d.resolved_tenant)
        .value("attempted_tenant", d.attempted_tenant)
        .value("target_tenant", d.target_tenant)
        .text_or_null("reason", d.reason.empty() ? std::nullopt : std::optional<std::string>(profile.error(d.reason)))
        .text("method", method)
        .text("path", path)
        .value("change_summary", d.change_summary);
  });
}

}  // namespace tc::stub
