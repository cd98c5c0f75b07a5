// expect: elapsed_ms — {below: N}: the response took less than N milliseconds.
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "elapsed_ms";

void read(const json& spec, const StrictReader& r, const std::string& pointer) {
  r.object(spec, pointer, {"below"}, {"below"});
  const json& below = spec["below"];
  if (!is_template(below) && !(below.is_number() && below.get<double>() > 0))
    r.fail(pointer_join(pointer, "below"), "below takes a positive number of milliseconds");
}

std::vector<Outcome> evaluate(const StepContext& c) {
  const json below = c.spec.is_object() ? c.spec.value("below", json()) : json();
  char actual[32];
  std::snprintf(actual, sizeof actual, "%.1f ms", c.response.elapsed_ms);
  if (!below.is_number()) return {failed_outcome(kKind, "", "below a number of ms", "spec rendered to " + brief(c.spec))};
  std::string expected = "below " + below.dump() + " ms";
  return {c.response.elapsed_ms < below.get<double>() ? passed_outcome(kKind, "", expected, actual)
                                                      : failed_outcome(kKind, "", expected, actual)};
}
}  // namespace

void register_expect_elapsed() {
  register_expectation_kind({kKind, read});
  register_expectation_evaluator(kKind, evaluate, Spelling::answering_component, Timing::read);
}

}  // namespace tc
