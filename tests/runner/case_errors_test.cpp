// No case is lost on the way to the reports: a response whose bytes are not UTF-8 is data (recorded
// escaped, asserted like any other), and an exception inside a case becomes that case's error in
// results.json, junit.xml and the Allure results.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "common/redact.h"
#include "harness/report/allure.h"
#include "harness/report/run_record.h"
#include "harness/report/run_reports.h"
#include "harness/runner/scenario_runner.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A run of one scenario with the recorder and the Allure writer listening, then every report written.
struct CaseReports : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("tc-case-errors-" + std::to_string(::getpid()));
  Scenario scenario;

  void TearDown() override { fs::remove_all(dir); }

  RunRecord run(RunContext& run_context, std::vector<StepSpec> steps) {
    scenario.file = "scenarios/bytes.yaml";
    scenario.name = "a case";
    scenario.loc = loc_at(3, "/scenarios/0");
    scenario.steps = std::move(steps);
    ScenarioCase c{&scenario, json(), "bytes", "a_case"};
    AllureOptions options;
    options.results_dir = (dir / "allure-results").string();
    auto allure = AllureWriter::open(options);
    if (!allure) {
      ADD_FAILURE() << allure.error().to_string();
      return {};
    }
    RunRecorder recorder({&*allure});  // as a run wires them: Allure follows the record
    add_result_sink(&recorder);
    run_scenario(c, run_context);
    remove_result_sink(&recorder);
    RunRecord record = recorder.record();
    EXPECT_TRUE(write_run_reports(record, dir.string(), {}).ok());
    return record;
  }

  nlohmann::json allure_result() const {
    for (const auto& e : fs::directory_iterator(dir / "allure-results"))
      if (e.path().filename().string().find("-result.json") != std::string::npos)
        return nlohmann::json::parse(slurp(e.path()));
    return nullptr;
  }
};

// Problem: a body that is not UTF-8 threw inside the test (type_error.316) and the case vanished.
TEST_F(CaseReports, ABodyThatIsNotUtf8IsRecordedEscapedAndAssertedLikeAnyOther) {
  TestServer server([](const stub::Request&) {
    Headers h;
    h.add("X-Bytes", "caf\xC3(");
    return respond(200, "\xFF\xFE{\"broken\": \"\xC0\xAF\"}", h);
  });
  auto ctx = make_run({component("api", server.url())});
  RunRecord record = run(*ctx, {step("bytes", "{{api}}/x",
                                     {expect("status", 200), expect("json", json::array({{{"pointer", "/broken"}, {"equals", "x"}}})),
                                      expect("headers", {{"X-Bytes", "cafe"}})})});
  ASSERT_EQ(record.cases.size(), 1u);
  const CaseRecord& c = record.cases.front();
  EXPECT_EQ(c.outcome, "failed");
  ASSERT_EQ(c.steps.size(), 1u);
  EXPECT_EQ(c.steps[0].status, 200);
  EXPECT_NE(c.steps[0].transcript.find("< \\xff\\xfe{\"broken\": \"\\xc0\\xaf\"}"), std::string::npos) << c.steps[0].transcript;
  std::string failures;
  for (const auto& f : c.failures) failures += f + "\n";
  EXPECT_NE(failures.find("not JSON: \"\\\\xff\\\\xfe{"), std::string::npos) << failures;
  EXPECT_NE(failures.find("actual \"caf\\\\xc3(\""), std::string::npos) << failures;
  EXPECT_NE(slurp(dir / "results.json").find("\"outcome\": \"failed\""), std::string::npos);
  EXPECT_NE(slurp(dir / "junit.xml").find("<failure"), std::string::npos);
  EXPECT_EQ(allure_result().value("status", ""), "failed");
}

// Problem: whatever throws inside a case must not take it out of the reports: it is the case's error.
TEST_F(CaseReports, AnExceptionInsideACaseReachesEveryReportAsAnError) {
  register_builtin_expectations();
  register_expectation_evaluator("explodes", [](const StepContext&) -> std::vector<Outcome> {
    throw std::runtime_error("planted failure inside an expectation");
  });
  TestServer server([](const stub::Request&) { return respond(200, "{}"); });
  auto ctx = make_run({component("api", server.url())});
  StepSpec cleanup = step("cleanup", "{{api}}/cleanup");
  cleanup.cleanup = true;
  RunRecord record = run(*ctx, {step("first", "{{api}}/x", {expect("status", 200), expect("explodes", json::object())}),
                                step("second", "{{api}}/y"), cleanup});
  ASSERT_EQ(record.cases.size(), 1u);
  const CaseRecord& c = record.cases.front();
  EXPECT_EQ(c.outcome, "error");
  ASSERT_EQ(c.steps.size(), 3u);
  EXPECT_NE(c.steps[0].error.find("planted failure inside an expectation"), std::string::npos) << c.steps[0].error;
  EXPECT_FALSE(c.steps[1].ran);  // after a failure only cleanup runs
  EXPECT_TRUE(c.steps[2].ran);
  EXPECT_EQ(server.requests().size(), 2u);

  const std::string results = slurp(dir / "results.json");
  EXPECT_NE(results.find("\"outcome\": \"error\""), std::string::npos) << results;
  EXPECT_NE(results.find("planted failure inside an expectation"), std::string::npos);
  const std::string junit = slurp(dir / "junit.xml");
  EXPECT_NE(junit.find("<error "), std::string::npos) << junit;
  EXPECT_NE(junit.find("planted failure inside an expectation"), std::string::npos) << junit;
  const auto allure = allure_result();
  EXPECT_EQ(allure.value("status", ""), "broken") << allure.dump(2);
  EXPECT_NE(allure.dump().find("planted failure inside an expectation"), std::string::npos);
}

// A secret may be learnt after a step's transcript was redacted: here an expectation reads an
// environment value (a secret from then on) that the response had already echoed. Every report of
// the case masks it, the transcript of the step and the case's output alike.
TEST_F(CaseReports, ASecretLearntAfterTheTranscriptIsMaskedInEveryReport) {
  register_builtin_expectations();
  const std::string late = "late-learnt-value-Q7x2";
  ::setenv("TC_TEST_LATE_SECRET", late.c_str(), 1);
  TestServer server([&](const stub::Request&) { return respond(200, "{\"echo\":\"" + late + "\"}"); });
  auto ctx = make_run({component("api", server.url())});
  RunRecord record = run(*ctx, {step("echo", "{{api}}/x",
                                     {expect("json", json::array({{{"pointer", "/echo"}, {"equals", "{{env.TC_TEST_LATE_SECRET}}"}}}))})});
  ::unsetenv("TC_TEST_LATE_SECRET");
  ASSERT_EQ(record.cases.size(), 1u);
  const CaseRecord& c = record.cases.front();
  EXPECT_EQ(c.outcome, "passed");
  ASSERT_EQ(c.steps.size(), 1u);
  EXPECT_EQ(c.steps[0].transcript.find(late), std::string::npos) << c.steps[0].transcript;
  EXPECT_NE(c.steps[0].transcript.find("{\"echo\":\"" + std::string(kRedacted) + "\"}"), std::string::npos) << c.steps[0].transcript;
  EXPECT_EQ(c.output.find(late), std::string::npos) << c.output;
  EXPECT_NE(c.output.find(kRedacted), std::string::npos) << c.output;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      EXPECT_EQ(slurp(e.path()).find(late), std::string::npos) << e.path();
    }
  }
}

}  // namespace
}  // namespace tc
