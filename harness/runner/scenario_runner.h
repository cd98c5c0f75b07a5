// Runs one ScenarioCase (a scenario, or one matrix row of it) to a ScenarioResult: skipped when the
// run's deadline has passed (recorded as an environment error) or the scenario requires a capability
// the environment does not offer; else the matrix row's values and
// the scenario's vars become variables, and the steps run in order with one cookie jar of their own
// (a browser session: cookies never pass between cases or matrix rows). After a failed step only steps
// marked cleanup run; the others are reported as not run. Every StepResult and the ScenarioResult
// are published to the registered ResultSinks.
#pragma once
#include "harness/model/scenario.h"
#include "harness/runner/results.h"
#include "harness/runner/run_context.h"

namespace tc {

ScenarioResult run_scenario(const ScenarioCase& scenario_case, RunContext& run);

}  // namespace tc
