// The console and the reports of a real tenantcheck run against an in-test server (the rest of
// `run`'s behaviour is in cmd_run_test.cpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "cmd_run_fixture.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

TEST_F(CmdRun, TheConsoleHasAHeaderDurationsATotalAndNoGoogleTestLines) {
  FixedServer server(500);
  topology(server.url());
  scenario("api/call-api.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  for (const char* fact : {"  topology ", "  profile ", "  pack ", "  reports "})
    EXPECT_NE(o.out.find(fact), std::string::npos) << fact << "\n" << o.out;
  EXPECT_NE(o.out.find("topology.yaml"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("reference.yaml"), std::string::npos) << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex(R"(FAIL api_call_api\.call_the_api \(\d+ ms\))"))) << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex(R"(\nduration [0-9.]+ m?s\n)"))) << o.out;
  EXPECT_EQ(o.out.find(": Failed"), std::string::npos) << "no GoogleTest failure header: " << o.out;
  EXPECT_EQ(o.out.find("cmd_run"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("    step 'call' ("), std::string::npos) << "the failure line, indented: " << o.out;
  EXPECT_EQ(o.out.find("\033["), std::string::npos) << "no colour into a pipe";
}

// A run whose reports cannot be written says so and exits 3: a passing verdict no report holds is
// not a pass.
TEST_F(CmdRun, AReportThatCannotBeWrittenIsAnEnvironmentError) {
  FixedServer server(200);
  topology(server.url());
  scenario("api/call-api.yaml", kOneScenario);
  Outcome o;
  {
    FileSizeLimit limit(2048);  // the console's lines fit; the reports do not
    o = run({});
  }
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("cannot write"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("PASS api_call_api.call_the_api"), std::string::npos) << "the verdict is still printed: " << o.out;
  Outcome unlimited = run({});
  EXPECT_EQ(unlimited.code, 0) << unlimited.out << unlimited.err;
  EXPECT_EQ(unlimited.err.find("reports: "), std::string::npos) << unlimited.err;
}

// The same for a case's Allure result alone: allure-results/ takes the files it already holds (its
// categories and environment, rewritten in place) and refuses new ones; every other report is written.
TEST_F(CmdRun, AnAllureResultThatCannotBeWrittenIsAnEnvironmentError) {
  FixedServer server(200);
  topology(server.url());
  scenario("api/call-api.yaml", kOneScenario);
  for (const char* kept : {"categories.json", "environment.properties"}) write_file(dir.path / "out" / "allure-results" / kept, "");
  Outcome o;
  {
    ImmutableDir frozen(dir.path / "out" / "allure-results");
    if (!frozen.ok()) GTEST_SKIP() << "this file system cannot make a folder immutable here";
    o = run({});
  }
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("allure-results"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("PASS api_call_api.call_the_api"), std::string::npos) << o.out;
  EXPECT_TRUE(fs::exists(dir.path / "out" / "junit.xml")) << "the other reports are written";
}

TEST_F(CmdRun, VerbosePrintsEveryRequestAndResponseRedactedAsItHappens) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", R"(scenarios:
  - name: call with a token
    steps:
      - name: call
        request:
          url: "{{api}}/items"
          headers: {Authorization: "Bearer planted-verbose-token-5Kq"}
        expect: {status: 200}
)");
  Outcome quiet = run({});
  EXPECT_EQ(quiet.out.find("> GET "), std::string::npos) << quiet.out;
  Outcome o = run({"--verbose"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  const auto request = o.out.find("> GET " + server.url() + "/items"), response = o.out.find("< HTTP/1.1 200");
  EXPECT_NE(request, std::string::npos) << o.out;
  EXPECT_NE(response, std::string::npos) << o.out;
  EXPECT_LT(response, o.out.find("PASS a.call_with_a_token")) << "before the case ends: " << o.out;
  EXPECT_EQ(o.out.find("planted-verbose-token-5Kq"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\u00abredacted\u00bb"), std::string::npos) << o.out;
}

// An external api whose audit records are the JSON lines of audit.jsonl: one record of correlation id
// cid-html-1, its tenant fields last, well past the few hundred characters a message line keeps.
void audited_api(const fs::path& dir, const std::string& url) {
  write_file(dir / "topology.yaml", "profile: " + std::string(TC_SOURCE_DIR) +
                                        "/fixtures/contracts/reference.yaml\ncapabilities: []\ncomponents:\n"
                                        "  api:\n    external: {url: \"" + url + "\"}\n"
                                        "    audit: {jsonl: audit.jsonl, deadline_ms: 300}\n");
  const json record = {{"correlation_id", "cid-html-1"},
                       {"event", "data.read"},
                       {"route", "/items"},
                       {"detail", std::string(400, 'd')},
                       {"zz_resolved_tenant", "tenant-alpha"}};
  write_file(dir / "audit.jsonl", record.dump() + "\n");
}

const char* kAuditedScenario = R"(scenarios:
  - name: read items as alpha
    requirements: [G3]
    steps:
      - name: read items
        request:
          url: "{{api}}/items"
          headers: {X-Correlation-Id: cid-html-1, Authorization: "Bearer planted-html-token-9Zx"}
        expect:
          status: 409
          audit:
            - component: api
              present: {event: data.read}
)";

TEST_F(CmdRun, AnAuditRecordIsAttachedWholeToAllure) {
  FixedServer server(200);
  audited_api(dir.path, server.url());
  scenario("a.yaml", kAuditedScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  std::string attachment;
  for (const auto& e : fs::directory_iterator(dir.path / "out" / "allure-results")) {
    const std::string text = read_file(e.path());
    if (e.path().string().find("-attachment") != std::string::npos && text.find("data.read") != std::string::npos)
      attachment = text;
  }
  EXPECT_NE(attachment.find("\"zz_resolved_tenant\": \"tenant-alpha\""), std::string::npos) << attachment;
}

TEST_F(CmdRun, TheHtmlReportShowsEachCaseStepsChecksTranscriptAndAuditRecordRedacted) {
  FixedServer server(200);
  audited_api(dir.path, server.url());
  scenario("a.yaml", kAuditedScenario);
  scenario("b.yaml", kOneScenario);
  Outcome o = run({});
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  const std::string index = read_file(dir.path / "out" / "html" / "index.html");
  EXPECT_NE(index.find("1 passed, 1 failed"), std::string::npos) << index;
  EXPECT_NE(index.find("href=\"case-0001.html\""), std::string::npos) << index;
  EXPECT_NE(index.find("href=\"case-0002.html\""), std::string::npos) << index;
  const std::string page = read_file(dir.path / "out" / "html" / "case-0001.html");
  EXPECT_NE(page.find("read items as alpha"), std::string::npos);
  EXPECT_NE(page.find("expected 409, actual 200"), std::string::npos) << page;   // the failure
  EXPECT_NE(page.find("&lt; HTTP/1.1 200"), std::string::npos) << page;          // the transcript
  EXPECT_NE(page.find("&quot;zz_resolved_tenant&quot;: &quot;tenant-alpha&quot;"), std::string::npos) << page;
  EXPECT_NE(page.find("\u00abredacted\u00bb"), std::string::npos) << page;
  for (const auto& e : fs::directory_iterator(dir.path / "out" / "html")) {
    const std::string text = read_file(e.path());
    EXPECT_EQ(text.find("planted-html-token-9Zx"), std::string::npos) << e.path();
    EXPECT_EQ(text.find("<script"), std::string::npos) << "no script: " << e.path();
    for (const char* remote : {"<link", " src=", "url("}) EXPECT_EQ(text.find(remote), std::string::npos) << e.path();
  }
}

TEST_F(CmdRun, ColourOnlyOnATerminalAndNeverWithNoColor) {
  FixedServer server(200);
  topology(server.url());
  scenario("a.yaml", kOneScenario);
  EXPECT_EQ(run({}).out.find("\033["), std::string::npos) << "a pipe gets none";
  if (!pseudo_terminal_available()) GTEST_SKIP() << "no pseudo-terminal on this machine (/dev/pts)";
  const std::string tty = run_in_terminal({"run", "--env", "topology.yaml", "--reports", "out", "scenarios"}, dir.path, {});
  EXPECT_NE(tty.find("\033[32mPASS\033[0m a.call_the_api"), std::string::npos) << tty;
  const std::string no_color =
      run_in_terminal({"run", "--env", "topology.yaml", "--reports", "out", "scenarios"}, dir.path, {"NO_COLOR=1"});
  EXPECT_NE(no_color.find("PASS a.call_the_api"), std::string::npos) << no_color;
  EXPECT_EQ(no_color.find("\033["), std::string::npos) << no_color;
}

}  // namespace
}  // namespace tc::cli_test
