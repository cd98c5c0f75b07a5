#include "common/json_match.h"

#include <vector>

#include "common/document.h"
#include "common/json_text.h"

namespace tc {

const nlohmann::json* find_pointer(const nlohmann::json& doc, const std::string& pointer) {
  if (pointer.empty()) return &doc;
  if (pointer[0] != '/') return nullptr;
  const nlohmann::json* node = &doc;
  std::size_t pos = 1;
  while (true) {
    std::size_t next = pointer.find('/', pos);
    std::string raw = pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~') {
        if (i + 1 >= raw.size()) return nullptr;
        if (raw[i + 1] == '0')
          token += '~';
        else if (raw[i + 1] == '1')
          token += '/';
        else
          return nullptr;
        ++i;
      } else {
        token += raw[i];
      }
    }
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (token.empty() || token.size() > 18) return nullptr;
      if (token.size() > 1 && token[0] == '0') return nullptr;
      for (char c : token)
        if (c < '0' || c > '9') return nullptr;
      std::size_t index = std::stoull(token);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (next == std::string::npos) return node;
    pos = next + 1;
  }
}

namespace {

bool scalar_equal(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
    if (a.is_number_unsigned() && b.is_number_unsigned()) return a.get<std::uint64_t>() == b.get<std::uint64_t>();
    // Mixed signed/unsigned integers: compare through signed when both fit.
    if (a.is_number_unsigned() && a.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return false;
    if (b.is_number_unsigned() && b.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return false;
    return a.get<std::int64_t>() == b.get<std::int64_t>();
  }
  return a == b;
}

std::string at(const std::string& pointer) { return "at " + (pointer.empty() ? std::string("/") : pointer); }

}  // namespace

std::optional<std::string> subset_mismatch(const nlohmann::json& expected, const nlohmann::json& actual,
                                           const std::string& pointer) {
  if (expected.is_object()) {
    if (!actual.is_object())
      return at(pointer) + ": expected an object, actual " + json_type_name(actual) + " " + json_text(actual);
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      std::string child = pointer_join(pointer, it.key());
      auto found = actual.find(it.key());
      if (found == actual.end()) return at(child) + ": expected " + json_text(it.value()) + ", actual absent";
      if (auto m = subset_mismatch(it.value(), *found, child)) return m;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual.is_array())
      return at(pointer) + ": expected an array, actual " + json_type_name(actual) + " " + json_text(actual);
    // Each expected element claims a distinct actual element; greedy first fit is enough for
    // the small arrays expectations name.
    std::vector<bool> used(actual.size(), false);
    for (std::size_t i = 0; i < expected.size(); ++i) {
      bool matched = false;
      for (std::size_t j = 0; j < actual.size() && !matched; ++j) {
        if (used[j]) continue;
        if (!subset_mismatch(expected[i], actual[j], pointer_join(pointer, j))) {
          used[j] = true;
          matched = true;
        }
      }
      if (!matched)
        return at(pointer_join(pointer, i)) + ": expected " + json_text(expected[i]) + ", no matching element in " +
               json_text(actual);
    }
    return std::nullopt;
  }
  if (!scalar_equal(expected, actual)) return at(pointer) + ": expected " + json_text(expected) + ", actual " + json_text(actual);
  return std::nullopt;
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "integer";
    case nlohmann::json::value_t::number_float: return "number";
    case nlohmann::json::value_t::string: return "string";
    case nlohmann::json::value_t::array: return "array";
    case nlohmann::json::value_t::object: return "object";
    default: return "unknown";
  }
}

bool is_of_type(const nlohmann::json& value, const std::string& type) {
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (value.is_number_float()) {
      double d = value.get<double>();
      return d == static_cast<double>(static_cast<long long>(d));
    }
    return false;
  }
  return json_type_name(value) == type;
}

}  // namespace tc
