// Runs one request step: renders its variables and request with the step's scope (a child of the
// scenario's), sets the correlation id header (contract.headers.correlation_id) to
// "<run_id>-<8 random chars>" unless the step sets it, sends it with the calling thread's client,
// applies the captures into the scenario's scope (later steps see them), then evaluates every
// expectation in order. A transport failure is an environment error naming the component the
// request reaches (RunContext::component_for); it is recorded in the RunContext (the run then exits 3).
// `jar` is the case's cookie jar: the request, and every redirect it follows, sends its cookies and
// stores what the answers set, as a browser does; without one the step sends and keeps no cookies.
#pragma once
#include "harness/model/scenario.h"
#include "harness/runner/results.h"
#include "harness/runner/run_context.h"
#include "harness/template/template.h"

namespace tc {

StepResult run_step(const StepSpec& step, Scope& scenario_scope, RunContext& run, CookieJar* jar = nullptr);

// Renders a map of variables into `scope`, each seeing those already set. Variables may refer to
// each other in any order (maps do not keep their order); a cycle or an undefined name is an error.
Result<Unit> render_vars(const json& vars, Scope& scope, const Loc& loc, const TemplateContext& ctx);

}  // namespace tc
