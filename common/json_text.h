// A JSON value as text, for messages, reports and templates. Strings taken from outside (headers,
// variables, files) may hold bytes that are not UTF-8; nlohmann's dump() throws on those, so every
// place that turns a value into text goes through here and gets U+FFFD for such bytes instead.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tc {

// The value's JSON text (`indent` as dump's: -1 for one line).
inline std::string json_text(const nlohmann::json& v, int indent = -1) {
  return v.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A string's own text; any other value's JSON text.
inline std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : json_text(v); }

}  // namespace tc
