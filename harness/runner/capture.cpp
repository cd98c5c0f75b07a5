#include "harness/runner/capture.h"

#include <regex>

#include "common/bearer.h"
#include "common/json_match.h"
#include "common/jwt.h"
#include "common/redact.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
Result<json> json_at(const HttpResponse& response, const std::string& pointer) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return input_error({}, "the body is not JSON");
  const json* node = find_pointer(body, pointer);
  if (!node) return input_error({}, "no " + (pointer.empty() ? std::string("(root)") : pointer) + " in the JSON body");
  return *node;
}
}  // namespace

Result<std::string> response_text(const HttpResponse& response, const std::string& from) {
  if (from.empty() || from == "body") return response.body;
  if (from.rfind("json:", 0) == 0) {
    auto node = json_at(response, from.substr(5));
    if (!node) return node.error();
    return node->is_string() ? node->get<std::string>() : node->dump();
  }
  if (from.rfind("header:", 0) == 0) {
    std::string name = from.substr(7);
    auto v = response.headers.get(name);
    if (!v) return input_error({}, "no header " + name);
    return *v;
  }
  return input_error({}, "unknown source '" + from + "' (body, json:/pointer, header:Name)");
}

Result<std::string> response_token(const HttpResponse& response, const std::string& from) {
  auto text = response_text(response, from);
  if (!text) return text;
  // An Authorization-style value ("Bearer <token>", RFC 6750 §2.1) gives its token; anything else is the token.
  std::string t = trim(*text);
  return credential_of(t, "Bearer").value_or(t);
}

std::vector<Outcome> apply_captures(const std::vector<CaptureSpec>& captures, const HttpResponse& response,
                                    Scope& into) {
  std::vector<Outcome> out;
  for (const auto& cap : captures) {
    std::string desc = cap.name;
    Result<json> value = input_error({}, "");
    switch (cap.source) {
      case CaptureSpec::Source::json:
        desc += " from json " + cap.expr;
        value = json_at(response, cap.expr);
        break;
      case CaptureSpec::Source::header: {
        desc += " from header " + cap.expr;
        auto v = response.headers.get(cap.expr);
        value = v ? Result<json>(json(*v)) : Result<json>(input_error({}, "no header " + cap.expr));
        break;
      }
      case CaptureSpec::Source::jwt_claim: {
        desc += " from claim " + cap.expr + " of " + (cap.from.empty() ? "body" : cap.from);
        auto token = response_token(response, cap.from);
        if (!token) { value = token.error(); break; }
        auto jwt = decode_jwt(*token);
        if (!jwt) { value = input_error({}, "not a JWT: " + jwt.error().message); break; }
        auto it = jwt->payload.find(cap.expr);
        value = it != jwt->payload.end() ? Result<json>(*it) : Result<json>(input_error({}, "no claim " + cap.expr));
        break;
      }
      case CaptureSpec::Source::regex: {
        desc += " from /" + cap.expr + "/ in " + (cap.from.empty() ? "body" : cap.from);
        auto text = response_text(response, cap.from);
        if (!text) { value = text.error(); break; }
        try {
          std::smatch m;
          std::regex re(cap.expr);
          if (std::regex_search(*text, m, re)) value = json(m.size() > 1 ? m[1].str() : m[0].str());
          else value = input_error({}, "no match");
        } catch (const std::regex_error& e) {
          value = input_error({}, std::string("invalid regular expression: ") + e.what());
        }
        break;
      }
    }
    if (value) {
      out.push_back(passed_outcome("capture", desc, "a value", global_redactor().apply(brief(*value, 80))));
      into.set(cap.name, std::move(*value));
    } else {
      out.push_back(failed_outcome("capture", desc, "a value", value.error().message));
    }
  }
  return out;
}

}  // namespace tc
