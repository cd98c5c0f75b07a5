#include "common/echo_shape.h"

namespace tc {

namespace {
Error shape_error(const Document* doc, const std::string& key, const std::string& message) {
  Where w = doc ? doc->where(pointer_join("/echo", key)) : Where{};
  return input_error(w, "echo." + key + " " + message);
}

std::string spelled(const std::string& name, EchoShape::Names names) {
  if (names == EchoShape::Names::lower) return to_lower(name);
  if (names == EchoShape::Names::as_received) return name;
  std::string out = name;
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}
}  // namespace

Result<EchoShape> EchoShape::from_profile(const json& profile_values, const Document* where) {
  auto it = profile_values.find("echo");
  if (it == profile_values.end() || !it->is_object())
    return input_error(where ? where->where("") : Where{}, "contract profile has no mapping 'echo' (B4: how a backend echoes headers)");
  const json& e = *it;
  EchoShape shape;
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto v = e.find(key);
    if (v == e.end() || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  };
  auto at = text("headers_at");
  if (!at || (!at->empty() && (*at)[0] != '/')) return shape_error(where, "headers_at", "must be a JSON pointer (\"/headers\")");
  shape.headers_at = *at;
  auto values = text("values");
  if (values == "list") shape.values = Values::list;
  else if (values == "string") shape.values = Values::string;
  else return shape_error(where, "values", "must be list or string");
  auto names = text("names");
  if (names == "lower") shape.names = Names::lower;
  else if (names == "upper") shape.names = Names::upper;
  else if (names == "as_received") shape.names = Names::as_received;
  else return shape_error(where, "names", "must be lower, upper or as_received");
  return shape;
}

json EchoShape::body(const Headers& received) const {
  json map = json::object();
  for (const auto& [name, value] : received.entries()) {
    // Names that differ only in case are one header: the first spelling keeps them together.
    std::string key = spelled(name, names);
    for (const auto& [k, v] : map.items())
      if (iequals(k, key)) key = k;
    json& slot = map[key];
    if (values == Values::list) slot.push_back(value);
    else slot = slot.is_string() ? json(slot.get<std::string>() + ", " + value) : json(value);
  }
  json out = json::object();
  out[json::json_pointer(headers_at)] = std::move(map);
  return out;
}

Result<Headers> EchoShape::received(const json& body) const {
  const json::json_pointer at(headers_at);
  if (!body.contains(at) || !body.at(at).is_object())
    return input_error({}, "the echo has no map of headers at " + (headers_at.empty() ? "the root" : headers_at));
  Headers out;
  for (const auto& [name, value] : body.at(at).items()) {
    if (value.is_string()) out.add(name, value.get<std::string>());
    else if (value.is_array())
      for (const auto& v : value) out.add(name, v.is_string() ? v.get<std::string>() : v.dump());
    else out.add(name, value.dump());
  }
  return out;
}

}  // namespace tc
