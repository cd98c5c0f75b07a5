#include "common/strict.h"

#include <algorithm>

#include "common/pattern.h"
#include "common/text.h"

namespace tc {

void reject(Error error) { throw Rejected{std::move(error)}; }

std::string describe_type(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "a map";
    case json::value_t::number_float: return "a number";
    default: return "an integer";
  }
}

void StrictReader::fail(const std::string& pointer, const std::string& message) const {
  reject(input_error(doc_.where(pointer), message));
}

void StrictReader::missing(const std::string& pointer, const std::string& key, const std::string& why) const {
  fail(pointer, "missing required key '" + key + "'" + (why.empty() ? "" : " (" + why + ")"));
}

void StrictReader::object(const json& node, const std::string& pointer, const std::vector<std::string>& allowed,
                          const std::vector<std::string>& required) const {
  map(node, pointer);
  for (const auto& key : doc_.keys_of(pointer, node))
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(pointer_join(pointer, key), "unknown key '" + key + "' (expected one of: " + join(allowed, ", ") + ")");
  for (const auto& r : required)
    if (!node.contains(r)) missing(pointer, r);
}

void StrictReader::map(const json& node, const std::string& pointer) const {
  if (!node.is_object()) fail(pointer, "expected a map, got " + describe_type(node));
}

void StrictReader::array(const json& node, const std::string& pointer, bool non_empty) const {
  if (!node.is_array()) fail(pointer, "expected a list, got " + describe_type(node));
  if (non_empty && node.empty()) fail(pointer, "expected a non-empty list");
}

const std::string& StrictReader::string(const json& node, const std::string& pointer) const {
  if (!node.is_string()) fail(pointer, "expected a string, got " + describe_type(node));
  return node.get_ref<const std::string&>();
}

bool StrictReader::boolean(const json& node, const std::string& pointer) const {
  if (!node.is_boolean()) fail(pointer, "expected true or false, got " + describe_type(node));
  return node.get<bool>();
}

std::int64_t StrictReader::integer(const json& node, const std::string& pointer) const {
  if (!node.is_number_integer()) fail(pointer, "expected an integer, got " + describe_type(node));
  return node.get<std::int64_t>();
}

long StrictReader::positive(const json& node, const std::string& pointer, long max, const std::string& unit) const {
  if (!node.is_number_integer() || node.get<long long>() <= 0)
    fail(pointer, "expected a positive integer (" + unit + "), got " + (node.is_number() ? node.dump() : describe_type(node)));
  if (node.get<long long>() > max)
    fail(pointer, "expected at most " + std::to_string(max) + " (" + unit + "), got " + node.dump());
  return static_cast<long>(node.get<long long>());
}

std::vector<std::string> StrictReader::strings(const json& node, const std::string& pointer) const {
  if (!node.is_array()) fail(pointer, "expected a list of strings, got " + describe_type(node));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) out.push_back(string(node[i], pointer_join(pointer, i)));
  return out;
}

std::map<std::string, std::string> StrictReader::string_map(const json& node, const std::string& pointer) const {
  if (!node.is_object()) fail(pointer, "expected a map of names to strings, got " + describe_type(node));
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : node.items()) out[k] = string(v, pointer_join(pointer, k));
  return out;
}

std::regex StrictReader::regex(const json& node, const std::string& pointer) const {
  auto compiled = compiled_regex(string(node, pointer));
  if (!compiled) fail(pointer, compiled.error().message);
  return **compiled;
}

void StrictReader::one_of(const std::string& value, const std::string& pointer,
                          const std::vector<std::string>& allowed) const {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    fail(pointer, "expected one of: " + join(allowed, ", ") + ", got '" + value + "'");
}

std::string StrictReader::string_or(const json& obj, const std::string& pointer, const std::string& key,
                                    const std::string& fallback) const {
  auto it = obj.find(key);
  return it == obj.end() ? fallback : string(*it, pointer_join(pointer, key));
}

bool StrictReader::boolean_or(const json& obj, const std::string& pointer, const std::string& key,
                              bool fallback) const {
  auto it = obj.find(key);
  return it == obj.end() ? fallback : boolean(*it, pointer_join(pointer, key));
}

std::vector<std::string> StrictReader::strings_or_empty(const json& obj, const std::string& pointer,
                                                        const std::string& key) const {
  auto it = obj.find(key);
  return it == obj.end() ? std::vector<std::string>{} : strings(*it, pointer_join(pointer, key));
}

}  // namespace tc
