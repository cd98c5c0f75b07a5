// expect: hops — a followed exchange asserted hop by hop: a list with one item per response, in
// order (the redirects, then the final answer), each a map of the kinds that read only what a
// response says (status, headers) checked against that hop; `{}` leaves a hop unchecked. The
// number of responses must be the list's length.
#include <algorithm>

#include "harness/runner/expectation.h"
#include "harness/runner/response_source.h"

namespace tc {

namespace {
constexpr const char* kKind = "hops";
const std::vector<std::string> kHopKinds = {"status", "headers"};

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.array(spec, pointer, true);
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const std::string p = pointer_join(pointer, i);
    r.object(spec[i], p, kHopKinds);
    for (const auto& [kind, check] : spec[i].items())
      if (const ExpectationKind* k = find_expectation_kind(kind)) k->read(check, r, pointer_join(p, kind));
  }
}

std::string chain(const HttpResponse& response) {
  std::string out;
  for (const auto& hop : response.hops)
    out += (out.empty() ? "" : " → ") + std::to_string(hop.status) + " " + hop.method + " " + hop.url;
  return out;
}

std::vector<Outcome> evaluate(const StepContext& c) {
  if (!c.spec.is_array()) return {failed_outcome(kKind, "", "a list of hop checks", brief(c.spec))};
  const std::size_t want = c.spec.size(), got = c.response.hops.size();
  std::vector<Outcome> out;
  const std::string expected = std::to_string(want) + " responses", actual = std::to_string(got) + ": " + chain(c.response);
  out.push_back(want == got ? passed_outcome(kKind, "count", expected, actual) : failed_outcome(kKind, "count", expected, actual));
  for (std::size_t i = 0; i < std::min(want, got); ++i) {
    auto hop = hop_response(c.response, static_cast<int>(i));
    if (!c.spec[i].is_object() || !hop) continue;
    for (const auto& [kind, check] : c.spec[i].items()) {
      const ExpectationEvaluation* registered = find_expectation_evaluation(kind);
      if (!registered) continue;
      StepContext sc{check, *hop, c.scope, c.environment, c.run, c.correlation_id, c.loc, c.jar};
      for (auto& o : registered->evaluate(sc)) {
        o.kind = kKind;
        o.description = "hop " + std::to_string(i) + " " + kind + (o.description.empty() ? "" : " " + o.description);
        out.push_back(std::move(o));
      }
    }
  }
  return out;
}
}  // namespace

void register_expect_hops() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
