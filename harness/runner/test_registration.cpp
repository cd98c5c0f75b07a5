#include "harness/runner/test_registration.h"

#include <gtest/gtest.h>

#include "common/json_text.h"
#include "common/redact.h"
#include "common/text.h"
#include "harness/runner/scenario_runner.h"

namespace tc {

namespace {
class ScenarioTest : public testing::Test {
 public:
  ScenarioTest(const ScenarioCase& c, RunContext& run) : case_(c), run_(run) {}

  void TestBody() override {
    const Scenario& s = *case_.scenario;
    if (!s.requirements.empty()) RecordProperty("requirements", join(s.requirements, ","));
    if (!s.tags.empty()) RecordProperty("tags", join(s.tags, ","));
    RecordProperty("scenario", s.name);
    ScenarioResult result = run_scenario(case_, run_);
    if (result.skipped) GTEST_SKIP() << *result.skipped;
    for (const auto& step : result.steps) {
      auto lines = step.failure_lines();
      if (lines.empty()) continue;
      std::string message = "scenario '" + s.name + "'";
      if (!case_.row.is_null()) message += " " + json_text(case_.row);
      message += "\n";
      for (const auto& l : lines) message += l + "\n";
      message += step.transcript;
      ADD_FAILURE_AT(step.loc.file.c_str(), step.loc.line) << global_redactor().apply(message);
    }
  }

 private:
  const ScenarioCase& case_;
  RunContext& run_;
};
}  // namespace

void register_scenario_tests(const std::vector<ScenarioCase>& cases, RunContext& run) {
  for (const auto& c : cases) {
    const Scenario& s = *c.scenario;
    testing::RegisterTest(c.suite_name.c_str(), c.test_name.c_str(), nullptr, nullptr, s.file.c_str(), s.loc.line,
                          [&c, &run]() -> ScenarioTest* { return new ScenarioTest(c, run); });
  }
}

}  // namespace tc
