#include "harness/loader/strict.h"

#include <algorithm>

#include "harness/loader/variables.h"

namespace tc::loader {

void reject(const Document& doc, const std::string& pointer, const std::string& message) {
  throw Rejected{input_error(doc.where(pointer), message)};
}

void reject(Error error) { throw Rejected{std::move(error)}; }

Loc loc_of(const Document& doc, const std::string& pointer) { return Loc{doc.file, doc.line_of(pointer), pointer}; }

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

void check_object(const Document& doc, const json& node, const std::string& pointer,
                  const std::vector<std::string>& allowed, const std::vector<std::string>& required) {
  if (!node.is_object()) reject(doc, pointer, "expected a map, got " + describe_type(node));
  for (const auto& [key, value] : node.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    reject(doc, pointer_join(pointer, key), "unknown key '" + key + "' (expected one of: " + list + ")");
  }
  for (const auto& r : required)
    if (!node.contains(r)) reject(doc, pointer, "missing required key '" + r + "'");
}

void check_string(const Document& doc, const json& node, const std::string& pointer) {
  if (!node.is_string()) reject(doc, pointer, "expected a string, got " + describe_type(node));
}

void check_bool(const Document& doc, const json& node, const std::string& pointer) {
  if (!node.is_boolean()) reject(doc, pointer, "expected true or false, got " + describe_type(node));
}

void check_array(const Document& doc, const json& node, const std::string& pointer, bool non_empty) {
  if (!node.is_array()) reject(doc, pointer, "expected a list, got " + describe_type(node));
  if (non_empty && node.empty()) reject(doc, pointer, "expected a non-empty list");
}

std::vector<std::string> read_string_list(const Document& doc, const json& node, const std::string& pointer) {
  check_array(doc, node, pointer);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    check_string(doc, node[i], pointer_join(pointer, i));
    out.push_back(node[i].get<std::string>());
  }
  return out;
}

bool is_identifier(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

void check_identifier(const Document& doc, const std::string& name, const std::string& pointer, const std::string& what) {
  if (!is_identifier(name))
    reject(doc, pointer, what + " '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  if (builtin_variables().count(name))
    reject(doc, pointer, what + " '" + name + "' would hide the built-in variable of that name");
}

}  // namespace tc::loader
