// Matching JSON values: pointers, subset match, type names. Used by expectations and stub tests.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace tc {

// The node at an RFC 6901 pointer, nullptr when absent or when the pointer is malformed.
const nlohmann::json* find_pointer(const nlohmann::json& doc, const std::string& pointer);

// nullopt when `expected` is a subset of `actual`: objects — every expected key is present and its
// value subset-matches; arrays — every expected element subset-matches a distinct actual element,
// in any order; scalars — equal (an integer and a float of the same value are equal).
// Otherwise a message naming the first mismatch: "at /a/0: expected \"x\", actual \"y\"".
std::optional<std::string> subset_mismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                                           const std::string& pointer = "");

// "null", "boolean", "integer", "number", "string", "array", "object" (JSON Schema names; an
// integer value is also of type "number" for type checks — see is_of_type).
std::string json_type_name(const nlohmann::json& value);
bool is_of_type(const nlohmann::json& value, const std::string& type);

}  // namespace tc
