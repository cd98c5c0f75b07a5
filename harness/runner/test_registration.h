// GoogleTest registration: every ScenarioCase becomes one test (suite = suite_name, test =
// test_name, at the scenario's file and line), so --gtest_filter, --gtest_repeat, --gtest_shuffle,
// --gtest_output and sharding work as for any GoogleTest test. The test body runs the scenario
// (scenario_runner.h): a missing capability is GTEST_SKIP with the reason, each failed step an
// ADD_FAILURE_AT its file and line naming scenario, step, expected and actual, with the transcript.
// Requirements and tags are recorded as test properties (they show in the XML report).
#pragma once
#include <vector>

#include "harness/model/scenario.h"
#include "harness/runner/run_context.h"

namespace tc {

// `cases` (and the scenarios they point to) and `run` must outlive RUN_ALL_TESTS.
void register_scenario_tests(const std::vector<ScenarioCase>& cases, RunContext& run);

}  // namespace tc
