// Reading back GoogleTest's JUnit XML, and the flake detector's fingerprints.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/report/flakes.h"
#include "harness/report/junit_read.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("tc-junit-" + std::to_string(::getpid()) + ".xml");
  std::ofstream(p) << text;
  return p.string();
}

TEST(JunitRead, EveryTestcaseWithOutcomeAndRequirements) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="3" failures="1">
  <testsuite name="signin_flow" tests="3">
    <testcase name="passes" file="a.yaml" line="3" status="run" result="completed" classname="signin_flow">
      <properties>
        <property name="requirements" value="A5,I4"/>
      </properties>
    </testcase>
    <testcase name="fails" status="run" result="completed" classname="signin_flow">
      <failure message="expected 404 &lt;b&gt;" type=""><![CDATA[step 'x' > a body holding </testcase> and
<property name="requirements" value="Z9"/> and <skipped ]]>]]&gt;<![CDATA[ split as GoogleTest splits "]]>"]]></failure>
      <properties><property name="requirements" value="G3"/></properties>
    </testcase>
    <testcase name="skips" status="run" result="skipped" classname="signin_flow">
      <skipped message="needs capability &apos;mint&apos;"/>
    </testcase>
    <testcase name="bare" status="run" result="completed" classname="other" />
  </testsuite>
</testsuites>)";
  const std::string file = write_temp(xml);
  auto cases = read_junit(file);
  fs::remove(file);
  ASSERT_TRUE(cases.ok()) << cases.error().to_string();
  ASSERT_EQ(cases->size(), 4u);
  EXPECT_EQ((*cases)[0].full_name(), "signin_flow.passes");
  EXPECT_EQ((*cases)[0].outcome, "passed");
  EXPECT_EQ((*cases)[0].requirements, (std::vector<std::string>{"A5", "I4"}));
  EXPECT_EQ((*cases)[1].outcome, "failed");
  EXPECT_EQ((*cases)[1].requirements, (std::vector<std::string>{"G3"}));
  EXPECT_EQ((*cases)[2].outcome, "skipped");
  EXPECT_EQ((*cases)[3].full_name(), "other.bare");
  EXPECT_EQ((*cases)[3].outcome, "passed");
}

TEST(JunitRead, AFileWithoutTestsuitesIsAnInputErrorNamingIt) {
  const std::string file = write_temp("<html></html>");
  auto cases = read_junit(file);
  fs::remove(file);
  ASSERT_FALSE(cases.ok());
  EXPECT_EQ(cases.error().where.file, file);
  EXPECT_FALSE(read_junit("/nonexistent/junit.xml").ok());
}

StepResult step(const std::string& name, int status, bool fail) {
  StepResult s;
  s.name = name;
  s.ran = true;
  s.status = status;
  if (fail) s.outcomes.push_back(Outcome{Outcome::Status::failed, "status", "", "200", std::to_string(status), ""});
  s.transcript = "< HTTP/1.1 " + std::to_string(status);
  return s;
}

TEST(Flakes, OnlyACaseWhoseFingerprintChangesIsAFlake) {
  Scenario s;
  ScenarioCase steady{&s, nullptr, "suite", "steady"}, shaky{&s, nullptr, "suite", "shaky"};
  FlakeDetector d;
  for (int rep = 0; rep < 3; ++rep) {
    ScenarioResult a, b;
    a.steps = {step("call", 200, false)};
    b.steps = {step("call", rep == 2 ? 503 : 200, rep == 2)};
    d.on_scenario(steady, a);
    d.on_scenario(shaky, b);
  }
  EXPECT_EQ(d.repetitions(), 3);
  auto flakes = d.flakes();
  ASSERT_EQ(flakes.size(), 1u);
  EXPECT_EQ(flakes[0].test, "suite.shaky");
  EXPECT_EQ(flakes[0].other, 3);
  EXPECT_EQ(flakes[0].first_fingerprint, "call 200 pass");
  EXPECT_EQ(flakes[0].other_fingerprint, "call 503 fail");
  EXPECT_NE(flakes[0].other_transcript.find("503"), std::string::npos);
}

}  // namespace
}  // namespace tc
