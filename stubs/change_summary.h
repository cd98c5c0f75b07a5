// The change_summary of a write's audit record (B5): the request's JSON fields with the value of every
// field whose name contains secret, password, token or key (any letter case, at any depth) replaced
// by `masked` (the profile's values.masked), so audit files never hold a secret a client wrote.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tc::stub {

nlohmann::json masked_change_summary(const nlohmann::json& fields, const std::string& masked);

}  // namespace tc::stub
