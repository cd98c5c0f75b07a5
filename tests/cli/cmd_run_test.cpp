// The real tenantcheck binary against a small topology whose one component is an in-test server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

const char* kOneScenario = R"(tags: [smoke]
scenarios:
  - name: call the api
    requirements: [G1]
    steps:
      - name: call
        request: {url: "{{api}}/items"}
        expect:
          status: "{{contract.status.ok}}"
)";

struct CmdRun : ::testing::Test {
  TempDir dir;
  void scenario(const std::string& rel, const std::string& text) { write_file(dir.path / "scenarios" / rel, text); }
  void topology(const std::string& url, const std::string& caps = "[]") {
    write_file(dir.path / "topology.yaml", external_topology(url, caps));
  }
  Outcome run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--env", "topology.yaml", "--reports", "out"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::none_of(extra.begin(), extra.end(), [](const std::string& a) { return a.rfind("scenarios", 0) == 0; }))
      args.push_back("scenarios");
    return run_cli(args, dir.path);
  }
};

TEST_F(CmdRun, AllPassingExitsZeroWithTheSummaryLast) {
  FixedServer server(200);
  topology(server.url());
  scenario("api/call-api.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed") << o.out;
  EXPECT_NE(o.out.find("PASS api_call_api.call_the_api"), std::string::npos) << o.out;
  EXPECT_EQ(server.requests(), 1);
  std::string xml = read_file(dir.path / "out" / "junit.xml");
  EXPECT_NE(xml.find("call_the_api"), std::string::npos);
  EXPECT_NE(xml.find("requirements: G1"), std::string::npos) << xml;
  EXPECT_NE(xml.find("tags: smoke"), std::string::npos) << xml;
  json requirements = json::parse(read_file(dir.path / "out" / "requirements.json"));
  ASSERT_EQ(requirements["clauses"].size(), 1u) << requirements.dump(2);  // no docs/contract.md here
  EXPECT_EQ(requirements["clauses"][0]["id"], "G1");
  EXPECT_EQ(requirements["clauses"][0]["verdict"], "passed");
}

TEST_F(CmdRun, WrongStatusExitsOneAndJunitNamesScenarioStepExpectedAndActual) {
  FixedServer server(500);
  topology(server.url());
  scenario("api/call-api.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "0 passed, 1 failed") << o.out;
  EXPECT_NE(o.out.find("FAIL api_call_api.call_the_api"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("    "), std::string::npos) << "failure message indented: " << o.out;
  std::string xml = read_file(dir.path / "out" / "junit.xml");
  EXPECT_NE(xml.find("scenario: call the api"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"contract violation\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt; HTTP/1.1 500"), std::string::npos) << "the transcript in system-out: " << xml;
  EXPECT_NE(xml.find("step &apos;call&apos;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("call-api.yaml:6"), std::string::npos) << xml;
  EXPECT_NE(xml.find("expected 200, actual 500"), std::string::npos) << xml;
}

TEST_F(CmdRun, AMissingCapabilityIsCountedAsSkipped) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  scenario("b.yaml", R"(scenarios:
  - name: needs mint
    requires: [mint]
    steps:
      - name: call
        request: {url: "{{api}}/x"}
)");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed, 1 skipped") << o.out;
  EXPECT_NE(o.out.find("needs capability 'mint' that the topology does not offer"), std::string::npos) << o.out;
}

TEST_F(CmdRun, InputErrorsExitTwoWithFileAndLine) {
  FixedServer server(200);
  topology(server.url());
  struct Case { const char* name; const char* text; const char* needle; };
  const Case cases[] = {
      {"typo.yaml", "scenarios:\n  - name: x\n    steps:\n      - name: s\n        requets: {url: \"{{api}}/x\"}\n", "typo.yaml:5"},
      {"syntax.yaml", "scenarios:\n  - name: x\n    steps: [\n      - name: s\n", "syntax.yaml:"},
      {"undefined.yaml", "scenarios:\n  - name: x\n    steps:\n      - name: s\n        request: {url: \"{{nowhere}}/x\"}\n",
       "undefined.yaml:5"},
  };
  for (const auto& c : cases) {
    fs::remove_all(dir.path / "scenarios");
    scenario(c.name, c.text);
    Outcome o = run({});
    EXPECT_EQ(o.code, 2) << c.name << "\n" << o.out << o.err;
    EXPECT_NE(o.err.find("error: scenarios/"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find(c.needle), std::string::npos) << c.name << ": " << o.err;
    EXPECT_EQ(server.requests(), 0);
  }
}

TEST_F(CmdRun, ListPrintsNamesAndRunsNothing) {
  FixedServer server(200);
  topology(server.url());
  scenario("signin/pkce-flow.yaml", kOneScenario);
  Outcome o = run({"--list"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "signin_pkce_flow.call_the_api\n");
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(CmdRun, ADashInAFileNameDoesNotBreakGtestFilter) {
  FixedServer server(200);
  topology(server.url());
  scenario("tenant-switch.yaml", kOneScenario);
  scenario("other.yaml", kOneScenario);
  Outcome o = run({"--gtest_filter=tenant_switch.*"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed") << o.out;
  EXPECT_NE(o.out.find("PASS tenant_switch.call_the_api"), std::string::npos) << o.out;
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(CmdRun, TagsSelectAndSkipTagsDeselect) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run({"--skip-tags", "smoke,slow"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("1 deselected"), std::string::npos) << o.out;
  EXPECT_EQ(o.last_line(), "0 passed, 0 failed") << o.out;
  EXPECT_EQ(server.requests(), 0);
  o = run({"--tags", "smoke"});
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed") << o.out;
}

TEST_F(CmdRun, AnUnreachableComponentExitsThreeNamingIt) {
  std::string dead;
  {
    FixedServer gone(200);
    dead = gone.url();
  }
  topology(dead);
  scenario("a.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("component 'api'"), std::string::npos) << o.err;
}

TEST_F(CmdRun, AnUnknownFlagIsAUsageErrorNamingIt) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run({"--bogus-flag"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--bogus-flag"), std::string::npos) << o.err;
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(CmdRun, SigtermDuringARunExits143) {
  FixedServer server(200, 3000);  // every request hangs long enough to be interrupted
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run_cli({"run", "--env", "topology.yaml", "--reports", "out", "scenarios"}, dir.path,
                      std::chrono::seconds(30), 800, SIGTERM);
  EXPECT_EQ(o.code, 143) << o.out << o.err;
}

TEST_F(CmdRun, PastItsDeadlineARunStartsNoFurtherScenarioAndExitsThree) {
  FixedServer server(200, 3000);  // the first scenario alone outlasts the deadline
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  scenario("b.yaml", kOneScenario);
  Outcome o = run({"--deadline", "2"});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed, 1 skipped") << o.out;
  EXPECT_NE(o.err.find("run deadline of 2 s passed"), std::string::npos) << o.err;
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(CmdRun, ANonPositiveRateOrDeadlineIsAUsageError) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  for (const char* flag : {"--max-rate", "--deadline"}) {
    Outcome o = run({flag, "0"});
    EXPECT_EQ(o.code, 2) << flag << o.err;
    EXPECT_NE(o.err.find(flag), std::string::npos) << o.err;
  }
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(CmdRun, AnOutcomeThatDiffersBetweenRepetitionsIsAFlakeWithBothTranscripts) {
  FixedServer server(std::vector<int>{200, 503});
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run({"--gtest_repeat=2"});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("FLAKE a.call_the_api: repetition 1 [call 200 pass] but repetition 2 [call 503 fail]"),
            std::string::npos) << o.err;
  EXPECT_NE(o.err.find("determinism: 2 repetitions, 1 flake(s)"), std::string::npos) << o.err;
  json flakes = json::parse(read_file(dir.path / "out" / "flakes.json"));
  ASSERT_EQ(flakes["flakes"].size(), 1u) << flakes.dump(2);
  EXPECT_NE(flakes["flakes"][0]["transcripts"][1].get<std::string>().find("< HTTP/1.1 503"), std::string::npos);
}

TEST_F(CmdRun, RepetitionsThatAgreeAreNoFlake) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run({"--gtest_repeat=3"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "3 passed, 0 failed") << o.out;
  EXPECT_NE(o.err.find("determinism: 3 repetitions, 0 flake(s)"), std::string::npos) << o.err;
}

TEST(Cli, VersionAndNoCommand) {
  TempDir dir;
  Outcome o = run_cli({"--version"}, dir.path);
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("tenantcheck "), std::string::npos) << o.out;
  o = run_cli({}, dir.path);
  EXPECT_EQ(o.code, 2);
}

}  // namespace
}  // namespace tc::cli_test
