// The shape U1 gives every audit record (docs/contract.md U1): every field present, an absent value
// JSON null and never omitted, each of the type U1 gives it; `actor` an object of sub, client_id and
// tenant; `ts` RFC 3339 in UTC; `path` the request's path without its query; `attempted_tenant` one
// value or a conflict's sorted list of distinct values; no token anywhere in it. The field names are the
// contract's own, not spellings: the profile spells the values (events, outcomes, errors), which a
// check names one by one.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace tc {

// Why `record` is not shaped as U1 says (the first thing found), or nullopt when it is.
std::optional<std::string> audit_shape_problem(const nlohmann::json& record);

}  // namespace tc
