#include "stubs/change_summary.h"

#include <array>
#include <string_view>

#include "common/headers.h"

namespace tc::stub {

namespace {

bool is_secret_name(const std::string& name) {
  static constexpr std::array<std::string_view, 4> kWords = {"secret", "password", "token", "key"};
  std::string lower = to_lower(name);
  for (auto word : kWords)
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace

nlohmann::json masked_change_summary(const nlohmann::json& fields, const std::string& masked) {
  if (fields.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : fields) out.push_back(masked_change_summary(v, masked));
    return out;
  }
  if (!fields.is_object()) return fields;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : fields.items())
    out[name] = is_secret_name(name) ? nlohmann::json(masked) : masked_change_summary(value, masked);
  return out;
}

}  // namespace tc::stub
