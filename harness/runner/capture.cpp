#include "harness/runner/capture.h"

#include "common/pattern.h"
#include "common/redact.h"
#include "harness/runner/expectation.h"
#include "harness/runner/response_source.h"

namespace tc {

namespace {
template <class T>
Result<json> as_json(Result<T> value) {
  if (!value) return value.error();
  return json(std::move(*value));
}

// The capture's value and, in `desc`, where it was taken from.
Result<json> capture_value(const CaptureSpec& cap, const HttpResponse& response, const std::string& bearer_scheme,
                           std::string& desc) {
  const std::string from = cap.from.empty() ? "body" : cap.from;
  switch (cap.source) {
    case CaptureSpec::Source::json:
      desc += " from json " + cap.expr;
      return body_at(response, cap.expr);
    case CaptureSpec::Source::header:
      desc += " from header " + cap.expr;
      return as_json(header_value(response, cap.expr));
    case CaptureSpec::Source::jwt_claim:
      desc += " from claim " + cap.expr + " of " + from;
      return jwt_claim(response, cap.from, bearer_scheme, cap.expr);
    case CaptureSpec::Source::cookie:
      break;  // the jar, not the response: read by capture_from
    case CaptureSpec::Source::regex: {
      desc += " from /" + cap.expr + "/ in " + from;
      auto pattern = compiled_regex(cap.expr);
      if (!pattern) return pattern.error();
      return as_json(regex_group(response, cap.from, **pattern));
    }
  }
  return input_error({}, "unknown capture source");
}

// The capture's value from the jar, the final response or the hop it names.
Result<json> capture_from(const CaptureSpec& cap, const HttpResponse& response, const CookieJar* jar,
                          const std::string& bearer_scheme, std::string& desc) {
  if (cap.source == CaptureSpec::Source::cookie) {
    const std::string host = cap.from.empty() ? url_host(response.effective_url) : cap.from;
    desc += " from cookie " + cap.expr + " for " + host;
    return as_json(cookie_value(jar, host, cap.expr));
  }
  if (!cap.hop) return capture_value(cap, response, bearer_scheme, desc);
  auto hop = hop_response(response, *cap.hop);
  if (!hop) return hop.error();
  auto value = capture_value(cap, *hop, bearer_scheme, desc);
  desc += " of hop " + std::to_string(*cap.hop);
  return value;
}
}  // namespace

std::vector<Outcome> apply_captures(const std::vector<CaptureSpec>& captures, const HttpResponse& response,
                                    Scope& into, const CookieJar* jar) {
  const std::string scheme = bearer_scheme(into);
  std::vector<Outcome> out;
  out.reserve(captures.size());
  for (const auto& cap : captures) {
    std::string desc = cap.name;
    auto value = capture_from(cap, response, jar, scheme, desc);
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
