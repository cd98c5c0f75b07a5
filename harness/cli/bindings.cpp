#include "harness/cli/bindings.h"

#include "common/strict.h"
#include "harness/cli/doctor_onboarding.h"

namespace tc::cli {
namespace {

// A map of names to maps of strings with exactly these keys (`required` among them).
void entries(const StrictReader& r, const json& node, const std::string& ptr, const std::vector<std::string>& keys,
             const std::vector<std::string>& required) {
  r.map(node, ptr);
  for (const auto& [name, entry] : node.items()) {
    const std::string p = pointer_join(ptr, name);
    r.object(entry, p, keys, required);
    for (const auto& [key, value] : entry.items()) r.string(value, pointer_join(p, key));
  }
}

// Item ids and counts: a string or an integer, alone or in a map of them.
void item_value(const StrictReader& r, const json& node, const std::string& ptr) {
  if (!node.is_string() && !node.is_number_integer())
    r.fail(ptr, "expected a string or an integer, got " + describe_type(node));
}

void check_shape(const StrictReader& r) {
  const json& root = r.root();
  r.map(root, "");
  for (const auto& [section, node] : root.items()) {
    const std::string p = pointer_join("", section);
    if (section == "tenants" || section == "scopes" || section == "console_profile") {
      r.string_map(node, p);
    } else if (section == "users") {
      entries(r, node, p, {"username", "password", "sub"}, {"username", "password"});
    } else if (section == "clients") {
      entries(r, node, p, {"id", "secret", "redirect_uri"}, {"id"});
    } else if (section == "routes" || section == "backend_routes") {
      r.map(node, p);
      for (const auto& [role, routes] : node.items()) r.string_map(routes, pointer_join(p, role));
    } else if (section == "items") {
      r.map(node, p);
      for (const auto& [name, value] : node.items()) {
        const std::string ip = pointer_join(p, name);
        if (!value.is_object()) {
          item_value(r, value, ip);
          continue;
        }
        for (const auto& [key, id] : value.items()) item_value(r, id, pointer_join(ip, key));
      }
    } else if (section == "onboarding") {
      check_onboarding_shape(r, node, p);
    }
  }
}

}  // namespace

Result<Document> load_bindings(const std::string& path) {
  auto doc = load_document(path);
  if (!doc) return doc.error();
  auto checked = read_strictly([&] { check_shape(StrictReader(*doc)); });
  if (!checked) return checked.error();
  return std::move(*doc);
}

}  // namespace tc::cli
