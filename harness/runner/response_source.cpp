#include "harness/runner/response_source.h"

#include "common/bearer.h"
#include "common/json_match.h"
#include "common/jwt.h"
#include "common/text.h"

namespace tc {

Result<json> body_at(const HttpResponse& response, const std::string& pointer) {
  const json& body = response.body_json();
  if (body.is_discarded()) return input_error({}, "the body is not JSON");
  const json* node = find_pointer(body, pointer);
  if (!node) return input_error({}, "no " + (pointer.empty() ? std::string("(root)") : pointer) + " in the JSON body");
  return *node;
}

Result<std::string> header_value(const HttpResponse& response, const std::string& name) {
  auto v = response.headers.get(name);
  if (!v) return input_error({}, "no header " + name);
  return *v;
}

Result<std::string> response_text(const HttpResponse& response, const std::string& from) {
  if (from.empty() || from == "body") return response.body;
  if (from.rfind("json:", 0) == 0) {
    auto node = body_at(response, from.substr(5));
    if (!node) return node.error();
    return node->is_string() ? node->get<std::string>() : node->dump();
  }
  if (from.rfind("header:", 0) == 0) return header_value(response, from.substr(7));
  return input_error({}, "unknown source '" + from + "' (body, json:/pointer, header:Name)");
}

Result<std::string> response_token(const HttpResponse& response, const std::string& from,
                                   const std::string& bearer_scheme) {
  auto text = response_text(response, from);
  if (!text) return text;
  std::string t = trim(*text);
  if (bearer_scheme.empty()) return t;
  return credential_of(t, bearer_scheme).value_or(t);
}

Result<json> jwt_claim(const HttpResponse& response, const std::string& from, const std::string& bearer_scheme,
                       const std::string& name) {
  auto token = response_token(response, from, bearer_scheme);
  if (!token) return token.error();
  auto jwt = decode_jwt(*token);
  if (!jwt) return input_error({}, "not a JWT: " + jwt.error().message);
  auto it = jwt->payload.find(name);
  if (it == jwt->payload.end()) return input_error({}, "no claim " + name);
  return *it;
}

Result<std::string> regex_group(const HttpResponse& response, const std::string& from, const std::regex& pattern) {
  // A header: each of its fields in turn (Set-Cookie is one cookie per field), the first match wins.
  std::vector<std::string> texts;
  if (from.rfind("header:", 0) == 0) texts = response.headers.all(from.substr(7));
  if (texts.empty()) {
    auto text = response_text(response, from);
    if (!text) return text;
    texts.push_back(std::move(*text));
  }
  std::smatch m;
  for (const auto& text : texts)
    if (std::regex_search(text, m, pattern)) return m.size() > 1 ? m[1].str() : m[0].str();
  return input_error({}, "no match");
}

Result<HttpResponse> hop_response(const HttpResponse& response, int index) {
  const auto count = response.hops.size();
  if (index < 0 || static_cast<std::size_t>(index) >= count)
    return input_error({}, "no hop " + std::to_string(index) + " (" + std::to_string(count) + " responses)");
  const HttpHop& hop = response.hops[static_cast<std::size_t>(index)];
  HttpResponse out;
  out.status = hop.status;
  out.headers = hop.headers;
  out.effective_url = hop.url;
  if (static_cast<std::size_t>(index) + 1 == count) out.body = response.body;
  return out;
}

Result<std::string> cookie_value(const CookieJar* jar, const std::string& host, const std::string& name) {
  if (jar)
    for (const auto& c : jar->for_host(host))
      if (c.name == name) return c.value;
  return input_error({}, "no cookie " + name + " for " + host + " in the jar");
}

std::string bearer_scheme(const Scope& scope) {
  const json* scheme = scope.lookup("contract.values.bearer_scheme");
  return scheme && scheme->is_string() ? scheme->get<std::string>() : "";
}

}  // namespace tc
