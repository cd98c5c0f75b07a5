#include "harness/env/supervisor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "common/encoding.h"
#include "common/fixtures.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "env_test_support.h"
#include "process_table.h"

namespace tc {
namespace {

using test::children_of;
using test::load;
using test::options_for;
using test::ScratchDir;
using test::source_path;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Every test starts and ends without children; a leftover one would hide a teardown bug.
class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(children_of(::getpid()).empty()); }
  ScratchDir dir;
};

TEST_F(SupervisorTest, StartsTheLocalTopologyAndEveryStubAnswers) {
  Topology t = load(source_path("compose/local.yaml"));
  std::vector<pid_t> pids;
  {
    Supervisor supervisor(options_for(dir));
    auto env = supervisor.start(t);
    ASSERT_TRUE(env.ok()) << env.error().to_string();
    EXPECT_EQ(env->components.size(), 5u);
    EXPECT_EQ(env->capabilities, t.capabilities);
    EXPECT_EQ(env->profile_path, t.profile);
    HttpClient http;
    for (const auto& [name, c] : env->components) {
      EXPECT_EQ(c.url.rfind("http://127.0.0.1:", 0), 0u) << name << " " << c.url;
      HttpRequest req;
      req.url = c.url + "/";
      req.timeout_ms = 3000;
      auto res = http.send(req);
      EXPECT_TRUE(res.ok()) << name << ": " << (res ? "" : res.error().to_string());
      EXPECT_EQ(c.audit.kind, "stub") << name;
      EXPECT_EQ(c.audit.location, c.url) << name;
      EXPECT_EQ(c.audit.deadline_ms, 300) << name;
      EXPECT_EQ(c.log_file, dir.path.string() + "/reports/logs/" + name + ".log");
      EXPECT_TRUE(std::filesystem::exists(c.log_file)) << c.log_file;
    }
    auto profile = ContractProfile::load(t.profile);
    ASSERT_TRUE(profile.ok());
    HttpRequest discovery;
    discovery.url = env->components.at("authority").url + profile->path("discovery");
    auto res = http.send(discovery);
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->status, profile->status("ok"));
    EXPECT_TRUE(supervisor.check_alive().ok());

    pids = children_of(::getpid());
    EXPECT_EQ(pids.size(), 5u);
    // The shared secret travels in the environment, never in argv.
    for (pid_t p : pids) {
      std::ifstream cmdline("/proc/" + std::to_string(p) + "/cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      EXPECT_THAT(args, ::testing::Not(HasSubstr("secret"))) << args;
    }
    supervisor.stop();
    EXPECT_TRUE(children_of(::getpid()).empty());
  }
  for (pid_t p : pids) EXPECT_EQ(test::proc_stat(p).state, 0) << "pid " << p << " still exists";
}

TEST_F(SupervisorTest, ASpawnedGatewayForwardsARequestToAStubBackend) {
  Topology t = load(source_path("compose/build-under-test.example.yaml"));
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(t);
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto profile = ContractProfile::load(t.profile);
  ASSERT_TRUE(profile.ok());
  auto fixtures = Fixtures::load(t.fixtures);
  ASSERT_TRUE(fixtures.ok()) << fixtures.error().to_string();
  // A confidential client with exactly one tenant: its token selects that tenant (A5).
  const Client* client = nullptr;
  for (const auto& c : fixtures->clients)
    if (!c.is_public && c.tenants.size() == 1 && !c.scopes.empty()) client = &c;
  ASSERT_NE(client, nullptr);

  HttpClient http;
  HttpRequest token;
  token.method = "POST";
  token.url = env->components.at("authority").url + profile->path("token");
  token.headers.add("Content-Type", "application/x-www-form-urlencoded");
  token.body = "grant_type=client_credentials&client_id=" + url_encode(client->client_id) +
               "&client_secret=" + url_encode(client->secret) + "&scope=" + url_encode(client->scopes.front());
  auto token_res = http.send(token);
  ASSERT_TRUE(token_res.ok()) << token_res.error().to_string();
  ASSERT_EQ(token_res->status, profile->status("ok")) << token_res->body;
  const std::string access_token = json::parse(token_res->body).at("access_token").get<std::string>();

  // The echo route of the backend the scope names answers through the spawned gateway.
  const std::string role = client->scopes.front().substr(0, client->scopes.front().find('.'));
  std::string echo;  // the gateway route that forwards to the role's echo
  for (const auto& r : fixtures->routes)
    if (r.backend == role && r.upstream == fixtures->backends.at(role).echo) echo = r.path;
  ASSERT_FALSE(echo.empty()) << "no gateway route to the " << role << " echo";
  HttpRequest req;
  req.url = env->components.at("gateway").url + echo;
  req.headers.add(profile->header("authorization"), profile->value("bearer_scheme") + " " + access_token);
  auto res = http.send(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, profile->status("ok")) << res->body << "\n" << supervisor.log_tail("gateway");
  // Only a request that went through the gateway carries its context signature.
  EXPECT_THAT(lower(res->body), HasSubstr(lower(profile->header("context_signature"))));
  EXPECT_FALSE(env->components.at("gateway").log_file.empty());
}

TEST_F(SupervisorTest, AComponentThatNeverGetsReadyFailsWithinItsDeadlineAndStopsTheOthers) {
  auto path = dir.write("never.yaml",
                        "profile: " + source_path("fixtures/contracts/reference.yaml") + "\n"
                        "fixtures: " + source_path("fixtures/reference") + "\n"
                        "components:\n"
                        "  authority: {stub: authority}\n"
                        "  never:\n"
                        "    spawn:\n"
                        "      command: sh\n"
                        "      args: [-c, \"echo listening-on-nothing {{port}}; exec sleep 30\"]\n"
                        "      ready: {tcp: true, deadline_ms: 800}\n");
  Supervisor supervisor(options_for(dir));
  const auto t0 = Clock::now();
  auto env = supervisor.start(load(path));
  const long took = elapsed_ms(t0);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().kind, ErrorKind::environment);
  EXPECT_EQ(env.error().where.component, "never");
  EXPECT_THAT(env.error().message, HasSubstr("not ready within 800 ms"));
  EXPECT_THAT(env.error().message, HasSubstr("listening-on-nothing"));   // the log tail
  EXPECT_LT(took, 800 + 5000);   // the deadline, the stub's start and the teardown
  EXPECT_TRUE(children_of(::getpid()).empty()) << "the authority stub or sleep survived";
}

TEST_F(SupervisorTest, ASpawnedComponentGetsASecondFreePortDistinctFromItsFirst) {
  auto path = dir.write("two-ports.yaml",
                        "profile: p\n"
                        "components:\n"
                        "  twice:\n"
                        "    spawn:\n"
                        "      command: sh\n"
                        "      args: [-c, \"echo ports {{port}} {{second_port}}; exit 4\"]\n"
                        "      ready: {tcp: true, deadline_ms: 5000}\n");
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(path));
  ASSERT_FALSE(env.ok());
  const std::string tail = supervisor.log_tail("twice");
  int first = 0, second = 0;
  ASSERT_EQ(std::sscanf(tail.substr(tail.find("ports ")).c_str(), "ports %d %d", &first, &second), 2) << tail;
  EXPECT_GT(first, 0);
  EXPECT_GT(second, 0);
  EXPECT_NE(first, second);
}

TEST_F(SupervisorTest, AComponentThatExitsAtOnceFailsWithItsOutput) {
  auto path = dir.write("exits.yaml",
                        "profile: p\n"
                        "components:\n"
                        "  broken:\n"
                        "    spawn:\n"
                        "      command: sh\n"
                        "      args: [-c, \"echo starting on {{port}}; echo unknown flag --frobnicate >&2; exit 3\"]\n"
                        "      ready: {http: /healthz, deadline_ms: 20000}\n");
  Supervisor supervisor(options_for(dir));
  const auto t0 = Clock::now();
  auto env = supervisor.start(load(path));
  ASSERT_FALSE(env.ok());
  EXPECT_LT(elapsed_ms(t0), 5000) << "waited for the deadline although the child had exited";
  EXPECT_EQ(env.error().kind, ErrorKind::environment);
  EXPECT_EQ(env.error().where.component, "broken");
  EXPECT_THAT(env.error().message, HasSubstr("exited with status 3"));
  EXPECT_THAT(env.error().message, HasSubstr("starting on"));
  EXPECT_THAT(env.error().message, HasSubstr("unknown flag --frobnicate"));
  EXPECT_THAT(supervisor.log_tail("broken"), HasSubstr("unknown flag"));   // logs outlive the stop
  EXPECT_TRUE(children_of(::getpid()).empty());
}

TEST_F(SupervisorTest, AMissingExecutableIsAnEnvironmentErrorNamingTheComponent) {
  auto path = dir.write("missing.yaml", "profile: p\ncomponents:\n  gw: {spawn: {command: ./no-such-binary}}\n");
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(path));
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().kind, ErrorKind::environment);
  EXPECT_EQ(env.error().where.component, "gw");
  EXPECT_THAT(env.error().message, HasSubstr("no-such-binary"));
}

TEST_F(SupervisorTest, CheckAliveNamesAComponentThatDied) {
  auto path = dir.write("dies.yaml",
                        "profile: " + source_path("fixtures/contracts/reference.yaml") + "\n"
                        "fixtures: " + source_path("fixtures/reference") + "\n"
                        "components:\n"
                        "  authority: {stub: authority}\n");
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(path));
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto pids = children_of(::getpid());
  ASSERT_EQ(pids.size(), 1u);
  ::kill(pids[0], SIGKILL);
  // The kill is asynchronous: check_alive must name the component once the kernel has ended it.
  Result<Unit> alive = Unit{};
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while ((alive = supervisor.check_alive()).ok() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(alive.ok()) << "check_alive did not notice the death of pid " << pids[0];
  EXPECT_EQ(alive.error().where.component, "authority");
  EXPECT_THAT(alive.error().message, HasSubstr("killed by signal 9"));
}

// The runner killed with SIGKILL cannot tear anything down: its children must die with it.
TEST_F(SupervisorTest, ChildrenDieWhenTheRunnerIsKilled) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string topology = source_path("compose/local.yaml");
  const SupervisorOptions options = options_for(dir);
  pid_t runner = ::fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    ::close(fds[0]);
    Supervisor supervisor(options);
    auto t = load_topology(topology);
    std::string report = "error";
    if (t && supervisor.start(*t).ok()) {
      report.clear();
      for (pid_t p : children_of(::getpid())) report += std::to_string(p) + " ";
    }
    report += "\n";
    (void)!::write(fds[1], report.data(), report.size());
    for (;;) ::pause();   // until SIGKILL
  }
  ::close(fds[1]);
  std::string report;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (report.find('\n') == std::string::npos && Clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 200) == 1) {
      char buf[256];
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      report.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fds[0]);
  std::vector<pid_t> stubs;
  for (std::size_t pos = 0; pos < report.size();) {
    std::size_t end = report.find_first_of(" \n", pos);
    if (end > pos && report.substr(pos, end - pos) != "error") stubs.push_back(std::stoi(report.substr(pos, end - pos)));
    pos = end + 1;
  }
  ::kill(runner, SIGKILL);
  int status = 0;
  ::waitpid(runner, &status, 0);
  EXPECT_EQ(stubs.size(), 5u) << "runner reported: " << report;
  const bool gone = test::all_gone_within(stubs, 5000);
  for (pid_t p : stubs)   // never leave one behind, even when the test fails
    if (!test::process_gone(p)) ::kill(p, SIGKILL);
  EXPECT_TRUE(gone) << "stub processes outlived the runner";
}

}  // namespace
}  // namespace tc
