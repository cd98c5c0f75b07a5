#include "stubs/tenancy.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace tc::stub {
namespace {

struct Bad {
  Error error;
};

// The checks tenancy.yaml needs, worded like every strict reader of the project.
class Checks {
 public:
  explicit Checks(const Document& doc) : doc_(doc) {}
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Bad{input_error(doc_.where(pointer), message)};
  }
  void object(const json& node, const std::string& pointer, const std::vector<std::string>& allowed) const {
    if (!node.is_object()) fail(pointer, "expected a map, got " + type(node));
    for (auto it = node.begin(); it != node.end(); ++it)
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(pointer_join(pointer, it.key()), "unknown key '" + it.key() + "' (expected one of: " + list + ")");
      }
  }
  const json& member(const json& node, const std::string& pointer, const std::string& key) const {
    if (!node.contains(key)) fail(pointer, "missing required key '" + key + "'");
    return node.at(key);
  }
  std::string string(const json& node, const std::string& pointer) const {
    if (!node.is_string()) fail(pointer, "expected a string, got " + type(node));
    return node.get<std::string>();
  }
  long positive(const json& node, const std::string& pointer) const {
    if (!node.is_number_integer() || node.get<long long>() <= 0) fail(pointer, "expected a positive integer, got " + type(node));
    return node.get<long>();
  }
  std::set<std::string> strings(const json& node, const std::string& pointer) const {
    if (!node.is_array()) fail(pointer, "expected a list, got " + type(node));
    std::set<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i) out.insert(string(node[i], pointer_join(pointer, i)));
    return out;
  }
  static std::string type(const json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number_integer()) return "an integer";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "a list";
    return "a map";
  }

 private:
  const Document& doc_;
};

RateLimit read_limit(const Checks& c, const json& node, const std::string& p) {
  c.object(node, p, {"requests", "window_seconds"});
  return {c.positive(c.member(node, p, "requests"), pointer_join(p, "requests")),
          c.positive(c.member(node, p, "window_seconds"), pointer_join(p, "window_seconds"))};
}

void read(const Checks& c, const json& root, Tenancy& t) {
  c.object(root, "", {"tenants", "lifecycle", "rate_limits", "idempotency"});
  if (root.contains("rate_limits")) {
    const json& tiers = root["rate_limits"];
    if (!tiers.is_object()) c.fail("/rate_limits", "expected a map of tier to its limit, got " + Checks::type(tiers));
    for (auto it = tiers.begin(); it != tiers.end(); ++it)
      t.tiers[it.key()] = read_limit(c, *it, pointer_join("/rate_limits", it.key()));
  }
  if (root.contains("lifecycle")) {
    c.object(root["lifecycle"], "/lifecycle", {"refused"});
    t.refused_statuses = c.strings(c.member(root["lifecycle"], "/lifecycle", "refused"), "/lifecycle/refused");
  }
  if (root.contains("idempotency")) {
    c.object(root["idempotency"], "/idempotency", {"methods"});
    t.idempotent_methods = c.strings(c.member(root["idempotency"], "/idempotency", "methods"), "/idempotency/methods");
  }
  if (root.contains("tenants")) {
    const json& tenants = root["tenants"];
    if (!tenants.is_object()) c.fail("/tenants", "expected a map of tenant id to its rules, got " + Checks::type(tenants));
    for (auto it = tenants.begin(); it != tenants.end(); ++it) {
      const std::string p = pointer_join("/tenants", it.key());
      c.object(*it, p, {"tier", "status", "rate_limit"});
      TenantRules rules;
      if (it->contains("tier")) {
        rules.tier = c.string((*it)["tier"], pointer_join(p, "tier"));
        if (!t.tiers.count(rules.tier)) c.fail(pointer_join(p, "tier"), "tier '" + rules.tier + "' has no entry in rate_limits");
      }
      if (it->contains("status")) rules.status = c.string((*it)["status"], pointer_join(p, "status"));
      if (it->contains("rate_limit")) rules.negotiated = read_limit(c, (*it)["rate_limit"], pointer_join(p, "rate_limit"));
      t.tenants[it.key()] = std::move(rules);
    }
  }
}

}  // namespace

Result<Tenancy> Tenancy::load(const std::string& dir) {
  Tenancy t;
  const std::string file = dir + "/tenancy.yaml";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return t;
  auto doc = load_document(file);
  if (!doc) return doc.error();
  try {
    read(Checks(*doc), doc->value.is_null() ? json::object() : doc->value, t);
  } catch (const Bad& bad) {
    return bad.error;
  }
  return t;
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
