// expect: cookies — what the case's cookie jar holds after the step, per host: host name -> cookie
// name -> the checks of `expect: headers` (equals, matches, present, absent, count, …) on the values
// of the cookies a request to that host may carry (CookieJar::for_host: host-only cookies of the
// host, Domain cookies of it or a parent domain, any path). Cookie names compare in any letter case.
#include "common/cookie_jar.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "cookies";

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.map(spec, pointer);
  if (spec.empty()) r.fail(pointer, "cookies maps a host name to checks of its cookies");
  for (const auto& [host, checks] : spec.items()) read_header_checks(checks, r, pointer_join(pointer, host));
}

std::vector<Outcome> evaluate(const StepContext& c) {
  if (!c.spec.is_object()) return {failed_outcome(kKind, "", "a map of host to cookie checks", brief(c.spec))};
  if (!c.jar) return {skipped_outcome(kKind, "", "this step runs without a cookie jar")};
  std::vector<Outcome> out;
  for (const auto& [host, checks] : c.spec.items()) {
    Headers cookies;
    for (auto& cookie : c.jar->for_host(host)) cookies.add(std::move(cookie.name), std::move(cookie.value));
    for (auto& o : check_headers(kKind, checks, cookies)) {
      o.description = host + " " + o.description;
      out.push_back(std::move(o));
    }
  }
  return out;
}
}  // namespace

void register_expect_cookies() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
