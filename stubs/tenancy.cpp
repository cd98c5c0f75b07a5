#include "stubs/tenancy.h"

#include <filesystem>

#include "common/strict.h"

namespace tc::stub {
namespace {

constexpr long kMaxRequests = 1'000'000;   // a budget per window
constexpr long kMaxWindowSeconds = 86'400;  // a day

RateLimit read_limit(const StrictReader& r, const json& node, const std::string& p) {
  r.object(node, p, {"requests", "window_seconds"}, {"requests", "window_seconds"});
  return {r.positive(node["requests"], pointer_join(p, "requests"), kMaxRequests, "requests"),
          r.positive(node["window_seconds"], pointer_join(p, "window_seconds"), kMaxWindowSeconds, "seconds")};
}

std::set<std::string> string_set(const StrictReader& r, const json& node, const std::string& p) {
  const auto list = r.strings(node, p);
  return {list.begin(), list.end()};
}

void read(const StrictReader& r, const json& root, Tenancy& t) {
  r.object(root, "", {"tenants", "lifecycle", "rate_limits", "idempotency"});
  if (root.contains("rate_limits")) {
    r.map(root["rate_limits"], "/rate_limits");
    for (const auto& [tier, limit] : root["rate_limits"].items())
      t.tiers[tier] = read_limit(r, limit, pointer_join("/rate_limits", tier));
  }
  if (root.contains("lifecycle")) {
    r.object(root["lifecycle"], "/lifecycle", {"refused"}, {"refused"});
    t.refused_statuses = string_set(r, root["lifecycle"]["refused"], "/lifecycle/refused");
  }
  if (root.contains("idempotency")) {
    r.object(root["idempotency"], "/idempotency", {"methods"}, {"methods"});
    t.idempotent_methods = string_set(r, root["idempotency"]["methods"], "/idempotency/methods");
  }
  if (!root.contains("tenants")) return;
  r.map(root["tenants"], "/tenants");
  for (const auto& [id, node] : root["tenants"].items()) {
    const std::string p = pointer_join("/tenants", id);
    r.object(node, p, {"tier", "status", "rate_limit"});
    TenantRules rules;
    rules.tier = r.string_or(node, p, "tier");
    if (!rules.tier.empty() && !t.tiers.count(rules.tier))
      r.fail(pointer_join(p, "tier"), "tier '" + rules.tier + "' has no entry in rate_limits");
    rules.status = r.string_or(node, p, "status", rules.status);
    if (node.contains("rate_limit")) rules.negotiated = read_limit(r, node["rate_limit"], pointer_join(p, "rate_limit"));
    t.tenants[id] = std::move(rules);
  }
}

}  // namespace

Result<Tenancy> Tenancy::load(const std::string& dir) {
  const std::string file = dir + "/tenancy.yaml";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Tenancy{};
  auto doc = load_document(file);
  if (!doc) return doc.error();
  return read_strictly([&] {
    Tenancy t;
    read(StrictReader(*doc), doc->value.is_null() ? json::object() : doc->value, t);
    return t;
  });
}

bool Tenancy::refused(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  return it != tenants.end() && refused_statuses.count(it->second.status) > 0;
}

std::optional<RateLimit> Tenancy::limit(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  if (it == tenants.end()) return std::nullopt;
  if (it->second.negotiated) return it->second.negotiated;
  auto tier = tiers.find(it->second.tier);
  if (tier == tiers.end()) return std::nullopt;
  return tier->second;
}

std::string Tenancy::tier(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  return it == tenants.end() ? std::string() : it->second.tier;
}

}  // namespace tc::stub
