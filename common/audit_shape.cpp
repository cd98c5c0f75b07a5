#include "common/audit_shape.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "common/redact.h"
#include "common/utc_time.h"

namespace tc {
namespace {

using nlohmann::json;
using Type = json::value_t;

struct Field {
  std::string_view name;
  std::initializer_list<Type> types;  // what its value may be; null where U1 lets it be absent
  std::string_view what;              // the types, as a message says them
};

constexpr Type kString = Type::string, kNull = Type::null, kObject = Type::object, kArray = Type::array,
               kInt = Type::number_integer, kUnsigned = Type::number_unsigned;

// U1's fields in its order. attempted_tenant is a list on a conflict (G3).
const Field kFields[] = {
    {"ts", {kString}, "a string"},
    {"component", {kString}, "a string"},
    {"event", {kString}, "a string"},
    {"outcome", {kString}, "a string"},
    {"status", {kInt, kUnsigned, kNull}, "an integer or null"},
    {"correlation_id", {kString}, "a string"},
    {"actor", {kObject}, "an object"},
    {"resolved_tenant", {kString, kNull}, "a string or null"},
    {"attempted_tenant", {kString, kArray, kNull}, "a string, a list or null"},
    {"target_tenant", {kString, kNull}, "a string or null"},
    {"reason", {kString, kNull}, "a string or null"},
    {"method", {kString}, "a string"},
    {"path", {kString}, "a string"},
    {"change_summary", {kObject, kNull}, "an object or null"},
};
const Field kActorFields[] = {
    {"sub", {kString, kNull}, "a string or null"},
    {"client_id", {kString, kNull}, "a string or null"},
    {"tenant", {kString, kNull}, "a string or null"},
};

template <std::size_t N>
std::optional<std::string> fields_problem(const json& object, const Field (&fields)[N], const std::string& of) {
  for (const Field& f : fields) {
    const auto it = object.find(f.name);
    if (it == object.end()) return of + " has no field '" + std::string(f.name) + "' (U1: an absent value is null)";
    bool allowed = false;
    for (Type t : f.types) allowed = allowed || it->type() == t;
    if (!allowed) return of + "'s " + std::string(f.name) + " is not " + std::string(f.what) + ": " + it->dump();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> audit_shape_problem(const json& record) {
  if (!record.is_object()) return "the record is not a JSON object";
  if (auto problem = fields_problem(record, kFields, "the record")) return problem;
  if (auto problem = fields_problem(record["actor"], kActorFields, "the record's actor")) return problem;
  if (!is_rfc3339_utc(record["ts"].get_ref<const std::string&>()))
    return "the record's ts is not an RFC 3339 time in UTC: " + record["ts"].dump();
  const auto& path = record["path"].get_ref<const std::string&>();
  if (path.empty() || path.front() != '/' || path.find('?') != std::string::npos)
    return "the record's path is not a request's path without its query: " + record["path"].dump();
  // One value, or on a conflict the sorted list of the distinct values (two or more).
  if (const auto& attempted = record["attempted_tenant"]; attempted.is_array()) {
    const bool strings = std::all_of(attempted.begin(), attempted.end(), [](const json& v) { return v.is_string(); });
    if (!strings || attempted.size() < 2 || !std::is_sorted(attempted.begin(), attempted.end()) ||
        std::adjacent_find(attempted.begin(), attempted.end()) != attempted.end())
      return "the record's attempted_tenant list is not the sorted list of two or more distinct values: " +
             attempted.dump();
  }
  if (holds_jwt(record.dump())) return "the record holds a token (U1: secrets never appear in a record)";
  return std::nullopt;
}

}  // namespace tc
