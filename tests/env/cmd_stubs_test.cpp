// `tenantcheck stubs up`: prints every component and URL, serves until SIGTERM, tears down, exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <regex>

#include <nlohmann/json.hpp>

#include "cli_process.h"
#include "common/http_client.h"
#include "env_test_support.h"
#include "harness/env/readiness.h"
#include "process_table.h"

namespace tc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StubsUp, PrintsEveryComponentServesAndStopsCleanlyOnSigterm) {
  test::ScratchDir dir;
  const std::string log = dir.path.string() + "/stubs-up.out";
  auto cli = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                           {"stubs", "up", "--env", test::source_path("compose/local.yaml"),
                                            "--reports", dir.path.string() + "/reports"},
                                           {},
                                           log});
  ASSERT_TRUE(cli.ok()) << cli.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);

  const std::string out = test::read_file(log);
  static const std::regex line_re(R"((\w+)\t(http://127\.0\.0\.1:\d+)\tstub)");
  HttpClient http;
  int answered = 0;
  for (std::sregex_iterator it(out.begin(), out.end(), line_re), end; it != end; ++it) {
    HttpRequest req;
    req.url = (*it)[2].str() + "/";
    req.timeout_ms = 3000;
    auto res = http.send(req);
    EXPECT_TRUE(res.ok()) << (*it)[1].str();
    answered += res.ok();
  }
  EXPECT_EQ(answered, 5) << out;

  const auto stubs = test::children_of(cli->pid());
  EXPECT_EQ(stubs.size(), 5u);
  cli->signal(SIGTERM);
  ASSERT_TRUE(cli->wait_for(15000)) << "stubs up did not stop on SIGTERM";
  EXPECT_EQ(cli->describe_exit(), "exited with status 0") << test::read_file(log);
  EXPECT_THAT(test::read_file(log), HasSubstr("stopped"));
  EXPECT_TRUE(test::all_gone_within(stubs, 3000));
}

TEST(StubsUp, WritesATopologyARunCanPointAtWithAFixedPortOnRequest) {
  test::ScratchDir dir;
  const int port = free_local_port();
  ASSERT_NE(port, 0);
  const std::string log = dir.path.string() + "/stubs-up.out", written = dir.path.string() + "/running.yaml";
  auto cli = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                           {"stubs", "up", "--env", test::source_path("compose/local.yaml"), "--reports",
                                            dir.path.string() + "/stubs", "--port", "gateway=" + std::to_string(port),
                                            "--write-topology", written},
                                           {},
                                           log});
  ASSERT_TRUE(cli.ok()) << cli.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);
  EXPECT_THAT(test::read_file(log), HasSubstr("gateway\thttp://127.0.0.1:" + std::to_string(port) + "\tstub"));
  const std::string topology = test::read_file(written);
  EXPECT_THAT(topology, HasSubstr("external: {url: \"http://127.0.0.1:" + std::to_string(port) + "\"}")) << topology;

  // The pack's audit-checking scenarios against the running stubs: tokens, gateway, backends, audit.
  auto run = test::run_cli({"run", "--env", written, "--reports", dir.path.string() + "/run",
                            test::source_path("scenarios/propagation")},
                           dir.path.string() + "/run.out", 120000);
  EXPECT_EQ(run.exit, "exited with status 0") << topology << run.output;
  EXPECT_THAT(run.output, HasSubstr(" passed, 0 failed"));
  EXPECT_THAT(run.output, Not(HasSubstr("has no audit source")));

  cli->signal(SIGTERM);
  ASSERT_TRUE(cli->wait_for(15000));
  EXPECT_EQ(cli->describe_exit(), "exited with status 0") << test::read_file(log);
}

// Values read from the environment are secrets: the printed list masks them and the written
// topology keeps the templates that read them, so a run renders them again from its environment.
TEST(StubsUp, NeitherTheListNorTheWrittenTopologyHoldsAValueFromTheEnvironment) {
  test::ScratchDir dir;
  const std::string url = "http://127.0.0.1:9/planted-url-N5w1", audit = "http://127.0.0.1:9/planted-audit-P8k3";
  const std::string env_file = dir.write("external.yaml",
                                         "profile: " + test::source_path("fixtures/contracts/reference.yaml") +
                                             "\ncomponents:\n  api:\n    external: {url: \"{{env.TC_PLANTED_URL}}\"}\n"
                                             "    audit: {http: \"{{ env.TC_PLANTED_AUDIT }}?id={{correlation_id}}\", deadline_ms: 500}\n"
                                             "  v2:\n    external: {url: \"{{api}}/v2\"}\n");
  const std::string log = dir.path.string() + "/stubs-up.out", written = dir.path.string() + "/running.yaml";
  auto cli = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                           {"stubs", "up", "--env", env_file, "--reports", dir.path.string() + "/stubs",
                                            "--write-topology", written},
                                           {{"TC_PLANTED_URL", url}, {"TC_PLANTED_AUDIT", audit}},
                                           log});
  ASSERT_TRUE(cli.ok()) << cli.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);
  cli->signal(SIGTERM);
  ASSERT_TRUE(cli->wait_for(15000));
  const std::string out = test::read_file(log), topology = test::read_file(written);
  EXPECT_THAT(out, HasSubstr("api\t«redacted»\texternal")) << out;
  EXPECT_THAT(topology, HasSubstr("external: {url: \"{{env.TC_PLANTED_URL}}\"}")) << topology;
  EXPECT_THAT(topology, HasSubstr("{http: \"{{ env.TC_PLANTED_AUDIT }}?id={{correlation_id}}\"")) << topology;
  EXPECT_THAT(topology, HasSubstr("external: {url: \"{{api}}/v2\"}")) << topology;  // the secret through another URL
  EXPECT_THAT(out, HasSubstr("v2\t«redacted»/v2\texternal")) << out;
  for (const std::string& text : {out, topology}) {
    EXPECT_THAT(text, Not(HasSubstr("planted-url-N5w1")));
    EXPECT_THAT(text, Not(HasSubstr("planted-audit-P8k3")));
  }
}

// A platform's topology names its pack and its clauses: the written one keeps both, so a run against
// the running stubs runs that platform's pack, not the reference one, and reports its own matrix.
TEST(StubsUp, TheWrittenTopologyOfAPlatformKeepsItsPackAndItsClauses) {
  test::ScratchDir dir;
  const std::string log = dir.path.string() + "/stubs-up.out", written = dir.path.string() + "/running.yaml";
  auto cli = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                           {"stubs", "up", "--env", test::source_path("compose/seed-002.yaml"),
                                            "--reports", dir.path.string() + "/stubs", "--write-topology", written},
                                           {},
                                           log});
  ASSERT_TRUE(cli.ok()) << cli.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);
  const std::string topology = test::read_file(written);
  EXPECT_THAT(topology, HasSubstr("clauses: [I, U1, A8, P]")) << topology;
  auto run = test::run_cli({"run", "--env", written, "--reports", dir.path.string() + "/run"}, dir.path.string() + "/run.out", 120000);
  cli->signal(SIGTERM);
  ASSERT_TRUE(cli->wait_for(15000));
  EXPECT_EQ(run.exit, "exited with status 0") << topology << run.output;
  EXPECT_THAT(run.output, HasSubstr("PASS platforms_seed_002_planes.")) << run.output;
  EXPECT_THAT(run.output, Not(HasSubstr("PASS isolation_"))) << "the reference pack is not this platform's";
  const std::string md = test::read_file(dir.path.string() + "/run/requirements.md");
  EXPECT_THAT(md, HasSubstr("| P1 |"));
  EXPECT_THAT(md, Not(HasSubstr("| W1 |")));
  EXPECT_THAT(md, HasSubstr("- not covered: 0")) << md;
}

TEST(StubsUp, ExitsThreeWhenAComponentCannotStartAndTwoForABadFile) {
  test::ScratchDir dir;
  auto failing = dir.write("failing.yaml", "profile: p\ncomponents:\n  gw: {spawn: {command: sh, args: [-c, \"exit 1\"]}}\n");
  auto run = test::run_cli({"stubs", "up", "--env", failing, "--reports", dir.path.string()}, dir.path.string() + "/a.out", 20000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("component 'gw'"));

  auto bad = dir.write("bad.yaml", "profile: p\ncomponents:\n  gw: {spwan: {command: sh}}\n");
  run = test::run_cli({"stubs", "up", "--env", bad, "--reports", dir.path.string()}, dir.path.string() + "/b.out", 20000);
  EXPECT_EQ(run.exit, "exited with status 2") << run.output;
  EXPECT_THAT(run.output, HasSubstr(bad + ":3"));
}

// --profile is the one set of spellings: the stubs answer with the copy given, not the topology's.
TEST(StubsUp, TheProfileFlagReachesEveryStub) {
  test::ScratchDir dir;
  std::string profile = test::read_file(test::source_path("fixtures/contracts/reference.yaml"));
  const std::string spelled = "unauthenticated: unauthenticated ";
  ASSERT_NE(profile.find(spelled), std::string::npos);
  profile.replace(profile.find(spelled), spelled.size(), "unauthenticated: login_needed_first ");
  const std::string copy = dir.write("profile.yaml", profile);
  const std::string log = dir.path.string() + "/stubs-up.out";
  auto cli = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                           {"stubs", "up", "--env", test::source_path("compose/local.yaml"),
                                            "--profile", copy, "--reports", dir.path.string() + "/reports"},
                                           {},
                                           log});
  ASSERT_TRUE(cli.ok()) << cli.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);
  std::smatch gateway;
  const std::string out = test::read_file(log);
  ASSERT_TRUE(std::regex_search(out, gateway, std::regex(R"(gateway\t(http://127\.0\.0\.1:\d+)\t)"))) << out;
  HttpRequest req;
  req.url = gateway[1].str() + "/api/platform/items";
  req.timeout_ms = 3000;
  auto res = HttpClient().send(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(nlohmann::json::parse(res->body, nullptr, false).value("error", ""), "login_needed_first") << res->body;
  // Every stub, not only the gateway asked above, was started with the copy.
  int stubs = 0;
  for (pid_t child : test::children_of(cli->pid())) {
    const auto args = test::command_line(child);
    if (args.size() < 2 || args[0].find("tenantcheck-stub") == std::string::npos) continue;
    ++stubs;
    const auto flag = std::find(args.begin(), args.end(), "--profile");
    ASSERT_TRUE(flag != args.end() && flag + 1 != args.end()) << args[1] << " has no --profile";
    EXPECT_EQ(*(flag + 1), copy) << args[1];
  }
  EXPECT_EQ(stubs, 5) << "compose/local.yaml has five stub components";
  cli->signal(SIGTERM);
  ASSERT_TRUE(cli->wait_for(15000));
  EXPECT_EQ(cli->describe_exit(), "exited with status 0") << test::read_file(log);
}

TEST(StubsUp, TheProfileFlagIsRefusedWhereItCannotReachAComponent) {
  test::ScratchDir dir;
  auto external = dir.write("external.yaml", "profile: p\ncomponents:\n  api: {external: {url: \"http://127.0.0.1:9\"}}\n");
  auto run = test::run_cli({"stubs", "up", "--env", external, "--profile",
                            test::source_path("fixtures/contracts/reference.yaml"), "--reports", dir.path.string()},
                           dir.path.string() + "/a.out", 20000);
  EXPECT_EQ(run.exit, "exited with status 2") << run.output;
  EXPECT_THAT(run.output, HasSubstr("flag --profile: component 'api' is external")) << run.output;
}

}  // namespace
}  // namespace tc
