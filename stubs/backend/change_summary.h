// The change_summary of a write's audit record (B5): the request's JSON fields with the value of every
// field whose name contains secret, password, token or key (any letter case, at any depth) replaced
// by "***", so audit files never hold a secret a client wrote.
#pragma once
#include <nlohmann/json.hpp>

namespace tc::stub {

inline constexpr const char* kMasked = "***";

nlohmann::json masked_change_summary(const nlohmann::json& fields);

}  // namespace tc::stub
