// expect: received — what a backend says it received, read out of its echo (B4) through the profile's
// `echo` section (where the headers are, one string or a list, the names' case). Same checks as
// `headers`; names match in any letter case, so the pack asserts what was received, not how the
// platform's echo spells it.
#include "common/echo_shape.h"
#include "harness/runner/expectation.h"

namespace tc {

namespace {
constexpr const char* kKind = "received";

std::vector<Outcome> evaluate(const StepContext& c) {
  const json* contract = c.scope.lookup("contract");
  auto shape = EchoShape::from_profile(contract ? *contract : json::object());
  if (!shape) return {failed_outcome(kKind, "(profile)", "an echo section in the profile", shape.error().message)};
  const json& body = c.response.body_json();
  if (body.is_discarded()) return {failed_outcome(kKind, "(echo)", "a JSON echo body", brief(json(c.response.body)))};
  auto received = shape->received(body);
  if (!received) return {failed_outcome(kKind, "(echo)", "the received headers at " + shape->headers_at, brief(body))};
  return check_headers(kKind, c.spec, *received);
}
}  // namespace

void register_expect_received() {
  register_expectation_kind({kKind, read_header_checks});
  register_expectation_evaluator(kKind, evaluate);
}

}  // namespace tc
