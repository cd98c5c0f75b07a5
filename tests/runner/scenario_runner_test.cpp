#include "harness/runner/scenario_runner.h"

#include <atomic>

#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

class Recorder : public ResultSink {
 public:
  std::vector<std::string> steps;
  int scenarios = 0;
  void on_step(const ScenarioCase&, const StepResult& s) override { steps.push_back(s.name + (s.ran ? "" : " (not run)")); }
  void on_scenario(const ScenarioCase&, const ScenarioResult&) override { ++scenarios; }
};

struct ScenarioRunnerTest : ::testing::Test {
  TestServer server{[](const stub::Request& r) { return respond(r.path == "/fail" ? 500 : 200, "{}"); }};
  Recorder recorder;
  void SetUp() override { add_result_sink(&recorder); }
  void TearDown() override { remove_result_sink(&recorder); }

  Scenario scenario() {
    Scenario s;
    s.file = "scenarios/flow.yaml";
    s.name = "a flow";
    s.loc = loc_at(3, "/scenarios/0");
    return s;
  }
};

TEST_F(ScenarioRunnerTest, StepsAfterAFailureAreNotRunExceptCleanup) {
  auto run = make_run({component("api", server.url())});
  Scenario s = scenario();
  s.steps = {step("first", "{{api}}/ok", {expect("status", 200)}), step("second", "{{api}}/fail", {expect("status", 200)}),
             step("third", "{{api}}/ok"), step("cleanup", "{{api}}/ok")};
  s.steps[3].cleanup = true;
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{"first", "second", "third (not run)", "cleanup"}));
  EXPECT_EQ(recorder.scenarios, 1);
  EXPECT_EQ(server.requests().size(), 3u);
  std::string message = r.failure_message();
  EXPECT_NE(message.find("scenario 'a flow'"), std::string::npos) << message;
  EXPECT_NE(message.find("step 'second' (scenarios/test.yaml:10): status: expected 200, actual 500"), std::string::npos)
      << message;
  EXPECT_NE(message.find("< HTTP/1.1 500"), std::string::npos) << message;
}

// A step with `repeat` is sent that many times, one result each, and stops at the first that fails.
TEST_F(ScenarioRunnerTest, ARepeatedStepIsSentItsCountOfTimesUntilOneFails) {
  std::atomic<int> served{0};
  TestServer budget{[&served](const stub::Request&) { return respond(++served <= 2 ? 200 : 429, "{}"); }};
  auto run = make_run({component("api", budget.url())});
  Scenario s = scenario();
  s.vars = json{{"limit", 3}};
  s.steps = {step("spend", "{{api}}/items", {expect("status", 200)}), step("after", "{{api}}/items")};
  s.steps[0].repeat = "{{limit}}";
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{"spend (1 of 3)", "spend (2 of 3)", "spend (3 of 3)", "after (not run)"}));
  EXPECT_EQ(budget.requests().size(), 3u);

  recorder.steps.clear();
  s.vars = json{{"limit", 2}};
  served = 0;
  r = run_scenario(c, *run);
  EXPECT_FALSE(r.failed()) << r.failure_message();
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{"spend (1 of 2)", "spend (2 of 2)", "after"}));
  EXPECT_EQ(budget.requests().size(), 3u + 3u);

  // A count that is no whole number in range is the step's error, and nothing is sent.
  for (const json& bad : {json(0), json("three"), json(1001), json(2.5)}) {
    recorder.steps.clear();
    s.vars = json{{"limit", bad}};
    const std::size_t before = budget.requests().size();
    r = run_scenario(c, *run);
    ASSERT_EQ(r.steps.size(), 2u) << bad;
    ASSERT_TRUE(r.steps[0].error) << bad;
    EXPECT_EQ(r.steps[0].error->kind, ErrorKind::input);
    EXPECT_NE(r.steps[0].error->message.find("repeat is a whole number from 1 to 1000, got " + bad.dump()), std::string::npos)
        << r.steps[0].error->message;
    EXPECT_EQ(r.steps[0].error->where.pointer, s.steps[0].loc.pointer + "/repeat");
    EXPECT_EQ(budget.requests().size(), before) << bad;
    EXPECT_FALSE(r.steps[1].ran);
  }
}

TEST_F(ScenarioRunnerTest, AMissingCapabilitySkipsWithTheReason) {
  auto run = make_run({component("api", server.url())}, {"mint"});
  Scenario s = scenario();
  s.requires_caps = {"mint", "login-hint"};
  s.steps = {step("first", "{{api}}/ok")};
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  ASSERT_TRUE(r.skipped);
  EXPECT_EQ(*r.skipped, "needs capability 'login-hint' that the topology does not offer");
  EXPECT_TRUE(server.requests().empty());
}

// A scenario for profiles whose switch is set otherwise is skipped, saying both values; one for
// this profile's value runs.
TEST_F(ScenarioRunnerTest, AScenarioForAnotherSettingOfAProfileSwitchIsSkipped) {
  auto run = make_run({component("api", server.url())});
  Scenario s = scenario();
  s.steps = {step("first", "{{api}}/ok")};
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  s.switches = {{"backend_requires_signature", false}};
  ScenarioResult skipped = run_scenario(c, *run);
  ASSERT_TRUE(skipped.skipped);
  EXPECT_EQ(*skipped.skipped, "for profiles whose switches.backend_requires_signature is false; this one's is true");
  EXPECT_TRUE(server.requests().empty());
  s.switches = {{"backend_requires_signature", true}, {"strict_claim_match", false}};
  ScenarioResult ran = run_scenario(c, *run);
  EXPECT_FALSE(ran.skipped);
  EXPECT_FALSE(ran.failed()) << ran.failure_message();
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(ScenarioRunnerTest, AStepMissingACapabilityIsSkippedInsideTheCaseAndTheOthersRun) {
  auto run = make_run({component("api", server.url())}, {"echo"});
  Scenario s = scenario();
  s.steps = {step("first", "{{api}}/ok"), step("minted", "{{api}}/mint"), step("last", "{{api}}/ok")};
  s.steps[1].requires_caps = {"echo", "mint"};
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  EXPECT_FALSE(r.skipped);
  EXPECT_FALSE(r.failed()) << r.failure_message();
  EXPECT_EQ(recorder.steps, (std::vector<std::string>{"first", "minted (not run)", "last"}));
  ASSERT_EQ(r.steps.size(), 3u);
  ASSERT_TRUE(r.steps[1].skipped);
  EXPECT_EQ(*r.steps[1].skipped, "needs capability 'mint' that the topology does not offer");
  ASSERT_EQ(server.requests().size(), 2u);
  for (const auto& req : server.requests()) EXPECT_EQ(req.path, "/ok");
}

TEST_F(ScenarioRunnerTest, ACaseWhoseEveryStepLacksACapabilityIsSkippedWithTheReason) {
  auto run = make_run({component("api", server.url())});
  Scenario s = scenario();
  s.steps = {step("minted", "{{api}}/ok"), step("rotated", "{{api}}/ok")};
  s.steps[0].requires_caps = {"mint"};
  s.steps[1].requires_caps = {"mint"};
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  ASSERT_TRUE(r.skipped);
  EXPECT_EQ(*r.skipped, "every step needs capability 'mint' that the topology does not offer");
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ScenarioRunnerTest, MatrixValuesAndScenarioVarsAreVariables) {
  auto run = make_run({component("api", server.url())});
  Scenario s = scenario();
  s.vars = {{"path", "/{{tenant}}/{{user}}"}};
  s.steps = {step("first", "{{api}}{{path}}")};
  ScenarioCase c{&s, json{{"user", "bea"}, {"tenant", "tenant-bravo"}}, "flow", "a_flow/bea_tenant_bravo"};
  ScenarioResult r = run_scenario(c, *run);
  EXPECT_FALSE(r.failed()) << r.failure_message();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].path, "/tenant-bravo/bea");
}

TEST_F(ScenarioRunnerTest, AnEnvironmentErrorIsKeptOnTheScenario) {
  std::string dead_url;
  {
    TestServer gone([](const stub::Request&) { return respond(200); });
    dead_url = gone.url();
  }
  auto run = make_run({component("platform", dead_url)});
  Scenario s = scenario();
  s.steps = {step("first", "{{platform}}/x")};
  ScenarioCase c{&s, json(), "flow", "a_flow"};
  ScenarioResult r = run_scenario(c, *run);
  ASSERT_TRUE(r.environment_error);
  EXPECT_EQ(r.environment_error->where.component, "platform");
}

}  // namespace
}  // namespace tc
