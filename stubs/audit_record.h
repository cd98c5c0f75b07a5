// One decision of a stub and the audit record (U1) it becomes. Roles say what they decided in
// profile keys (events.*, errors.*); the frame turns every decision of a request into a record with
// the request's method, path and correlation id (stubs/frame.h), so the record is built in one place.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/profile.h"
#include "stubs/audit_log.h"

namespace tc::stub {

// U1 actor {sub, client_id, tenant}; an unknown part is JSON null.
struct Actor {
  std::optional<std::string> sub, client_id, tenant;
  // Empty strings count as unknown.
  static Actor of(const std::string& sub, const std::string& client_id, std::optional<std::string> tenant);
  // From verified token claims, by the profile's claim names (subject, client_id, tenant).
  static Actor from_claims(const nlohmann::json& claims, const ContractProfile& profile);
};

struct Decision {
  std::string event;                        // events.<key>
  bool allow = true;                        // outcomes.allow / outcomes.deny
  int status = 0;
  Actor actor;
  nlohmann::json resolved_tenant = nullptr;
  nlohmann::json attempted_tenant = nullptr;  // one value, or the sorted distinct values of a conflict
  nlohmann::json target_tenant = nullptr;
  std::string reason;                       // errors.<key> on a denial, empty otherwise
  nlohmann::json change_summary = nullptr;
};

// A committed change a component publishes to its outbox (P6), beside the decision's audit record.
struct Published {
  std::string event;                        // events.<key>
  Actor actor;
  nlohmann::json target_tenant = nullptr;
  nlohmann::json change_summary = nullptr;  // already masked
};

// The outbox event of `p`: id, event, correlation_id, actor, target_tenant, change_summary (ts and
// component are stamped by the AuditLog that keeps the outbox).
nlohmann::json outbox_event(const Published& p, const std::string& correlation_id, const ContractProfile& profile);

// U1: `d`, a decision on a request with `method` and `path`, stored in `log` as its record (every
// field present; ts and component are the log's). `correlation_id` null: the record has none (a fault).
void record_decision(AuditLog& log, const Decision& d, const std::string& method, const std::string& path,
                     const std::string* correlation_id, const ContractProfile& profile);

// JSON null for an unknown value.
nlohmann::json or_null(const std::optional<std::string>& value);
// The claim `name` of `claims` when it is a string; nullopt when absent or of another type.
std::optional<std::string> string_claim(const nlohmann::json& claims, const std::string& name);

}  // namespace tc::stub
