// The real tenantcheck binary against a small topology whose one component is an in-test server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>
#include <regex>

#include "cmd_run_fixture.h"
#include "common/redact.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

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

TEST_F(CmdRun, ARunThatSelectedNothingIsNotAPass) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  Outcome o = run({"--gtest_filter=nomatch*"});
  EXPECT_EQ(o.code, 4) << o.out << o.err;
  EXPECT_NE(o.err.find("the run tested nothing: no case was selected"), std::string::npos) << o.err;
  EXPECT_EQ(o.last_line(), "0 passed, 0 failed") << o.out;
  o = run({"--gtest_filter=nomatch*", "--allow-empty"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  o = run({"--gtest_list_tests"});  // lists, and runs nothing by design
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("call_the_api"), std::string::npos) << o.out;
}

TEST_F(CmdRun, ARunWhoseEveryCaseWasSkippedIsNotAPass) {
  FixedServer server(200);
  topology(server.url());
  scenario("b.yaml", R"(scenarios:
  - name: needs mint
    requires: [mint]
    steps:
      - name: call
        request: {url: "{{api}}/x"}
        expect: {status: 200}
)");
  Outcome o = run({});
  EXPECT_EQ(o.code, 4) << o.out << o.err;
  EXPECT_NE(o.err.find("every case was skipped"), std::string::npos) << o.err;
  EXPECT_EQ(o.last_line(), "0 passed, 0 failed, 1 skipped") << o.out;
  EXPECT_EQ(run({"--allow-empty"}).code, 0);
}

TEST_F(CmdRun, CaseNamesDoNotDependOnThePathTheRunWasGiven) {
  FixedServer server(200);
  topology(server.url());
  scenario("signin/deep/pkce-flow.yaml", kOneScenario);
  const std::string full = "signin_deep_pkce_flow.call_the_api\n";
  EXPECT_EQ(run({"--list", "scenarios"}).out, full);
  EXPECT_EQ(run({"--list", "scenarios/signin"}).out, full);
  EXPECT_EQ(run({"--list", "scenarios/signin/deep/"}).out, full);
  EXPECT_EQ(run({"--list", "scenarios/signin/deep/pkce-flow.yaml"}).out, full);
  EXPECT_EQ(run_cli({"run", "--env", "topology.yaml", "--list", (dir.path / "scenarios" / "signin").string()}, dir.path).out,
            full);
}

TEST_F(CmdRun, StepsFromAnIncludeAreNamedWithTheirParameters) {
  FixedServer server(500);
  topology(server.url());
  write_file(dir.path / "scenarios" / "steps" / "token.yaml", R"(params: [user, tenant]
steps:
  - name: "token for {{ user.username }} in {{tenant}}"
    request: {url: "{{api}}/token/{{tenant}}"}
    expect: {status: 200}
)");
  scenario("a.yaml", R"(scenarios:
  - name: included
    vars:
      bea: {username: bea}
    steps:
      - include: steps/token.yaml
        with: {user: "{{bea}}", tenant: tenant-bravo}
)");
  Outcome o = run({});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("step 'token for bea in tenant-bravo'"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("{{"), std::string::npos) << o.out;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  EXPECT_EQ(results["cases"][0]["steps"][0]["name"], "token for bea in tenant-bravo") << results.dump(2);
  EXPECT_EQ(read_file(dir.path / "out" / "junit.xml").find("{{"), std::string::npos);
}

TEST_F(CmdRun, VariablesFromTheCommandLineAreShownAndSecretsAreNot) {
  FixedServer server(200);
  topology(server.url());
  setenv("TC_CMD_RUN_TEST_TENANT", "tenant-from-env-31", 1);
  write_file(dir.path / "more.yaml", "region: eu-west\n");
  scenario("a.yaml", R"(scenarios:
  - name: call in a tenant
    steps:
      - name: call
        request:
          url: "{{api}}/t/{{tenant}}/{{region}}/{{env.TC_CMD_RUN_TEST_TENANT}}"
          headers: {X-Api-Key: "{{api_key}}"}
        expect: {status: 200}
)");
  Outcome o = run({"--var", "tenant=tenant-bravo", "--vars", "more.yaml", "--secret", "api_key=planted-cli-secret-42",
                   "--verbose"});
  unsetenv("TC_CMD_RUN_TEST_TENANT");
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const std::string transcript =
      json::parse(read_file(dir.path / "out" / "results.json"))["cases"][0]["steps"][0]["transcript"];
  EXPECT_NE(transcript.find("/t/tenant-bravo/eu-west/\u00abredacted\u00bb"), std::string::npos) << transcript;
  EXPECT_NE(transcript.find("X-Api-Key: \u00abredacted\u00bb"), std::string::npos) << transcript;
  for (const auto& e : fs::recursive_directory_iterator(dir.path / "out"))
    if (e.is_regular_file()) {
      const std::string text = read_file(e.path());
      EXPECT_EQ(text.find("planted-cli-secret-42"), std::string::npos) << e.path();
      EXPECT_EQ(text.find("tenant-from-env-31"), std::string::npos) << e.path();
    }
  EXPECT_EQ(o.out.find("planted-cli-secret-42"), std::string::npos) << o.out;
  EXPECT_EQ(run({"--var", "not a name=1"}).code, 2);
  EXPECT_EQ(run({"--var", "api=shadowing-a-component"}).code, 2);
}

// A variable's bytes need not be UTF-8 (a command line is bytes): quoting one as JSON text, in the
// scenario's vars or a step, replaces what is not UTF-8 instead of ending the run.
TEST_F(CmdRun, AVariableThatIsNotUtf8IsQuotedNotFatal) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", R"(scenarios:
  - name: a value that is not utf-8
    vars:
      quoted: "{{json(v)}}"
    steps:
      - name: call
        request:
          url: "{{api}}/x"
          headers: {X-Quoted: "{{quoted}}", X-Again: "{{json(v)}}"}
        expect: {status: 200}
)");
  Outcome o = run({"--var", "v=caf\xe9"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  ASSERT_EQ(results["cases"].size(), 1u) << results.dump(2);
  EXPECT_EQ(results["cases"][0]["outcome"], "passed") << results.dump(2);
  EXPECT_EQ(server.requests(), 1);

  // JSON text is UTF-8: such a value in a JSON body is an error of its step, not replaced on the wire.
  scenario("a.yaml", R"(scenarios:
  - name: a json body that is not utf-8
    steps:
      - name: call
        request:
          url: "{{api}}/x"
          json: {name: "{{v}}"}
        expect: {status: 200}
)");
  o = run({"--var", "v=caf\xe9"});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("a.yaml:5: /scenarios/0/steps/0/request/json: the JSON body holds a value that is not UTF-8 text"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(CmdRun, AMatrixMayNameBoundEntriesAndItsCasesAreNamedByThem) {
  FixedServer server(200);
  write_file(dir.path / "topology.yaml", external_topology(server.url()) + "bindings: " + std::string(TC_SOURCE_DIR) +
                                             "/fixtures/reference/bindings.yaml\n");
  scenario("a.yaml", R"(scenarios:
  - name: each user
    matrix:
      - {user: "{{fx.users.one}}", tenant: "{{ fx.tenants.alpha }}"}
      - {user: "{{fx.users.default}}", tenant: "{{ fx.tenants.bravo }}"}
    steps:
      - name: call
        request: {url: "{{api}}/u/{{user.sub}}/{{tenant}}"}
        expect: {status: 200}
)");
  EXPECT_EQ(run({"--list"}).out, "a.each_user/one_alpha\na.each_user/default_bravo\n");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "2 passed, 0 failed") << o.out;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  EXPECT_NE(results["cases"][1]["steps"][0]["url"].get<std::string>().find("/u/user-bea/tenant-bravo"), std::string::npos)
      << results.dump(2);
}

TEST_F(CmdRun, AMatrixMayRangeOverABoundCollection) {
  FixedServer server(200);
  write_file(dir.path / "topology.yaml", external_topology(server.url()) + "bindings: " + std::string(TC_SOURCE_DIR) +
                                             "/fixtures/reference/bindings.yaml\n");
  scenario("a.yaml", R"(scenarios:
  - name: every tenant
    matrix: {each: "{{fx.tenants}}", as: tenant}
    steps:
      - name: call
        request: {url: "{{api}}/t/{{tenant}}"}
        expect: {status: 200}
)");
  EXPECT_EQ(run({"--list"}).out,
            "a.every_tenant/alpha\na.every_tenant/bravo\na.every_tenant/charlie\na.every_tenant/platform\n");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "4 passed, 0 failed") << o.out;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  EXPECT_NE(results["cases"][2]["steps"][0]["url"].get<std::string>().find("/t/tenant-charlie"), std::string::npos)
      << results.dump(2);
  scenario("a.yaml", R"(scenarios:
  - name: every tenant
    matrix: {each: "{{fx.tenant}}", as: tenant}
    steps:
      - name: call
        request: {url: "{{api}}/t/{{tenant}}"}
        expect: {status: 200}
)");
  o = run({});
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("unknown bound name 'fx.tenant'"), std::string::npos) << o.err;
}

// A profile's list sizes its scenarios: one case per entry, and none applicable when it is empty.
TEST_F(CmdRun, AMatrixMayRangeOverAListOfTheProfileAndAnEmptyOneIsNotApplicable) {
  FixedServer server(200);
  const std::string reference = read_file(fs::path(TC_SOURCE_DIR) / "fixtures" / "contracts" / "reference.yaml");
  auto with_aliases = [&](const std::string& list) {
    std::string profile = reference;
    const std::string from = "tenant_aliases: [X-Tenant-Id, X-Tenant]";
    ASSERT_NE(profile.find(from), std::string::npos);
    profile.replace(profile.find(from), from.size(), "tenant_aliases: " + list);
    write_file(dir.path / "profile.yaml", profile);
    std::string topology = external_topology(server.url());
    topology.replace(0, topology.find('\n'), "profile: " + (dir.path / "profile.yaml").string());
    write_file(dir.path / "topology.yaml", topology);
  };
  scenario("a.yaml", R"(scenarios:
  - name: every alias
    matrix: {each: "{{contract.headers.tenant_aliases}}", as: alias}
    steps:
      - name: call
        request: {url: "{{api}}/a", headers: {"{{alias}}": tenant-alpha}}
        expect: {status: 200}
)");
  with_aliases("[X-One, X-Two, X-Three]");
  EXPECT_EQ(run({"--list"}).out, "a.every_alias/0\na.every_alias/1\na.every_alias/2\n");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "3 passed, 0 failed") << o.out;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  EXPECT_NE(results["cases"][1]["steps"][0]["transcript"].get<std::string>().find("X-Two: tenant-alpha"), std::string::npos)
      << results.dump(2);

  // A profile may write a one-entry list as the entry alone.
  with_aliases("X-Only");
  EXPECT_EQ(run({"--list"}).out, "a.every_alias/tenant_aliases\n");
  o = run({});
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed") << o.out;
  EXPECT_NE(json::parse(read_file(dir.path / "out" / "results.json"))["cases"][0]["steps"][0]["transcript"].get<std::string>().find(
                "X-Only: tenant-alpha"),
            std::string::npos);

  with_aliases("[]");
  o = run({"--allow-empty"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "0 passed, 0 failed, 1 skipped") << o.out;
  EXPECT_NE(o.out.find("for platforms whose profile lists headers.tenant_aliases; this one's lists none"), std::string::npos)
      << o.out;
  EXPECT_EQ(server.requests(), 4);

  // A number is no collection, nor is a string the profile does not read as a list (a path named
  // by mistake).
  for (const std::string range : {"contract.windows.token_leeway_seconds", "contract.paths.introspect"}) {
    scenario("a.yaml", "scenarios:\n  - name: every alias\n    matrix: {each: \"{{" + range +
                           "}}\", as: alias}\n    steps:\n      - name: call\n        request: {url: \"{{api}}/a\"}\n"
                           "        expect: {status: 200}\n");
    o = run({});
    EXPECT_EQ(o.code, 2) << o.out << o.err;
    EXPECT_NE(o.err.find("'" + range + "' is no collection of the profile"), std::string::npos) << o.err;
  }
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
        expect: {status: 200}
)");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "1 passed, 0 failed, 1 skipped") << o.out;
  EXPECT_NE(o.out.find("needs capability 'mint' that the topology does not offer"), std::string::npos) << o.out;
}

// An input error sends nothing and leaves an earlier run's reports as they were.
TEST_F(CmdRun, InputErrorsExitTwoWithFileAndLine) {
  FixedServer server(200);
  topology(server.url());
  write_file(dir.path / "out" / "results.json", "{\"an earlier run\": true}\n");
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
    EXPECT_TRUE(fs::exists(dir.path / "out" / "results.json")) << c.name;
  }
}

// A topology's clause selection must name clauses of the contract document; a selector that selects
// none is an input error at its pointer before anything is sent.
TEST_F(CmdRun, AClauseSelectionNamingNoClauseExitsTwoAtItsPointer) {
  FixedServer server(200);
  // The project home here is the scratch folder (it has scenarios/): give it the contract document.
  write_file(dir.path / "docs" / "contract.md", read_file(fs::path(TC_SOURCE_DIR) / "docs" / "contract.md"));
  write_file(dir.path / "topology.yaml", "clauses: [I1, Q]\n" + external_topology(server.url(), "[]"));
  scenario("a.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("topology.yaml:1: /clauses/1"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("'Q' selects no clause"), std::string::npos) << o.err;
  EXPECT_EQ(server.requests(), 0);
  write_file(dir.path / "topology.yaml", "clauses: [I1, G]\n" + external_topology(server.url(), "[]"));
  o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const std::string md = read_file(dir.path / "out" / "requirements.md");
  EXPECT_NE(md.find("| G1 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("| A1 |"), std::string::npos) << md;
}

// --list runs nothing, and an earlier run's reports stay.
TEST_F(CmdRun, ListPrintsNamesAndRunsNothing) {
  FixedServer server(200);
  topology(server.url());
  scenario("signin/pkce-flow.yaml", kOneScenario);
  write_file(dir.path / "out" / "results.json", "{\"an earlier run\": true}\n");
  Outcome o = run({"--list"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, "signin_pkce_flow.call_the_api\n");
  EXPECT_EQ(server.requests(), 0);
  EXPECT_TRUE(fs::exists(dir.path / "out" / "results.json"));
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
  Outcome o = run({"--skip-tags", "smoke,slow", "--allow-empty"});
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

// libcurl is opened by the run, not by the program loader: where the library found is no library,
// the run says so, exits three, starts nothing and sends nothing. An earlier run's reports are gone
// all the same (they are cleared while libcurl opens): none may pass for this run's.
TEST_F(CmdRun, ALibcurlThatCannotBeOpenedExitsThreeSayingWhy) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  write_file(dir.path / "out" / "results.json", "{\"an earlier run\": true}\n");
  const fs::path libs = dir.path / "libs";
  fs::create_directories(libs);
  write_file(libs / "libcurl.so.4", "not a library\n");
  const char* before = std::getenv("LD_LIBRARY_PATH");
  const std::optional<std::string> kept = before ? std::optional<std::string>(before) : std::nullopt;
  setenv("LD_LIBRARY_PATH", libs.c_str(), 1);
  Outcome o = run({});
  if (kept) setenv("LD_LIBRARY_PATH", kept->c_str(), 1);
  else unsetenv("LD_LIBRARY_PATH");
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("cannot load libcurl.so.4"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("topology"), std::string::npos) << "no run header before the error: " << o.out;
  EXPECT_EQ(server.requests(), 0);
  EXPECT_FALSE(fs::exists(dir.path / "out" / "results.json"));
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

// Problem: a gateway's 502 after its backend died was filed as a contract violation. Here the
// gateway (a server that answers 502) is external and the backend a component the runner started,
// which has exited by the time the step fails: the case is an environment error naming it. The
// gateway answers late so that the backend (`true`) has surely exited when the answer comes.
TEST_F(CmdRun, AFailureWhileAStartedComponentIsGoneIsAnEnvironmentErrorNamingIt) {
  FixedServer gateway(502, 1500);
  write_file(dir.path / "topology.yaml",
             external_topology(gateway.url()) +
                 "  backend:\n"
                 "    spawn: {command: \"true\", url: \"" + gateway.url() + "\", ready: {tcp: true, deadline_ms: 5000}}\n");
  scenario("a.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("component 'backend'"), std::string::npos) << o.err;
  const json results = json::parse(read_file(dir.path / "out" / "results.json"));
  ASSERT_EQ(results["cases"].size(), 1u) << results.dump(2);
  EXPECT_EQ(results["cases"][0]["outcome"], "error") << results.dump(2);
  EXPECT_NE(results["cases"][0].dump().find("component 'backend'"), std::string::npos) << results.dump(2);
  const std::string junit = read_file(dir.path / "out" / "junit.xml");
  EXPECT_NE(junit.find("<error "), std::string::npos) << junit;
  EXPECT_EQ(junit.find("<failure "), std::string::npos) << junit;
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

// A flake's fingerprints and transcripts name the steps as they ran: a step named after an
// environment value (a secret) shows it masked, on the error stream and in flakes.json.
TEST_F(CmdRun, AFlakeShowsNoSecretThatAStepNameOrTranscriptHeld) {
  const std::string planted = "planted-flake-name-K4v9";
  ::setenv("TC_FLAKE_PLANTED", planted.c_str(), 1);
  FixedServer server(std::vector<int>{200, 503});
  topology(server.url());
  scenario("a.yaml", R"(scenarios:
  - name: call the api
    steps:
      - name: "call {{env.TC_FLAKE_PLANTED}}"
        request: {url: "{{api}}/items"}
        expect: {status: 200}
)");
  Outcome o = run({"--gtest_repeat=2"});
  ::unsetenv("TC_FLAKE_PLANTED");
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("determinism: 2 repetitions, 1 flake(s)"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("[call " + std::string(kRedacted) + " 503 fail]"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find(planted), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find(planted), std::string::npos) << o.out;
  for (const auto& e : fs::recursive_directory_iterator(dir.path / "out")) {
    if (e.is_regular_file()) {
      EXPECT_EQ(read_file(e.path()).find(planted), std::string::npos) << e.path();
    }
  }
}

// A secret learnt in a later case (a session cookie whose value an earlier case had already sent)
// is masked in everything the run wrote, the earlier case's Allure result among it, and in every
// escaped form a report gives it (HTML and XML escape its & and ').
TEST_F(CmdRun, ASecretLearntInALaterCaseIsMaskedInTheReportsOfTheEarlierOnes) {
  const std::string late = "late-&-cookie-'Vq83xZ1p'";
  const std::string tail = "Vq83xZ1p";  // in every form of it
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", R"(scenarios:
  - name: the value goes out first
    steps:
      - name: send it
        request: {url: "{{api}}/items/)" + late + R"("}
        expect: {status: 200}
  - name: then comes back as a session
    steps:
      - name: get the cookie
        request: {url: "{{api}}/set-cookie/)" + late + R"("}
        expect: {status: 200}
)");
  Outcome o = run({});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.last_line(), "2 passed, 0 failed") << o.out;
  EXPECT_EQ(o.out.find(tail), std::string::npos) << o.out;
  EXPECT_EQ(o.err.find(tail), std::string::npos) << o.err;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path / "out")) {
    if (!e.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(read_file(e.path()).find(tail), std::string::npos) << e.path();
  }
  EXPECT_GE(files, 8) << "results, JUnit, requirements, HTML and Allure files";
  EXPECT_NE(read_file(dir.path / "out" / "results.json").find("/items/" + std::string(kRedacted)), std::string::npos);
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
