// What components write reaches the reports folder redacted, while they run: a spawned build's
// output with planted environment values in it, and a stub's log and audit file with a secret that
// reached a URL path and a correlation id. And teardown reaches what a component started itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/encoding.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "common/redact.h"
#include "cli_process.h"
#include "env_test_support.h"
#include "harness/env/supervisor.h"
#include "process_table.h"

namespace tc {
namespace {

using test::children_of;
using test::load;
using test::options_for;
using test::ScratchDir;
using test::source_path;
using ::testing::HasSubstr;
using ::testing::Not;

using test::read_file;

// The file's content once it holds `needle` (at most 5 s).
std::string await_content(const std::string& path, const std::string& needle) {
  test::wait_for_text(path, needle, 5000);
  return read_file(path);
}

// A spawned component: `script` run by sh, which then becomes a stub backend.
std::string spawned_backend(const ScratchDir& dir, const std::string& script, const std::string& env) {
  const std::string file = dir.write("component.sh", script + "\nexec \"$@\"\n");
  return "profile: " + source_path("fixtures/contracts/reference.yaml") + "\n"
         "fixtures: " + source_path("fixtures/reference") + "\n"
         "components:\n"
         "  build:\n"
         "    spawn:\n"
         "      command: sh\n"
         "      args: [" + file + ", \"{{stub_binary}}\", backend, --role, platform,\n"
         "             --port, \"{{port}}\", --fixtures, \"{{fixtures}}\", --profile, \"{{profile}}\"]\n"
         "      env: {TC_SHARED_SECRET: \"{{shared_secret}}\"" + env + "}\n"
         "      ready: {tcp: true, deadline_ms: 15000}\n"
         "      url: \"http://127.0.0.1:{{port}}\"\n";
}

class ComponentOutput : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(children_of(::getpid()).empty()); }
  void TearDown() override { EXPECT_TRUE(children_of(::getpid()).empty()); }
  ScratchDir dir;
};

// Problem: a spawned component's log held every planted environment value in clear.
TEST_F(ComponentOutput, ASpawnedComponentsOutputIsRedactedLineByLineWhileItRuns) {
  const std::string planted = "planted-env-value/7Rq+Zx 9";
  ::setenv("TC_COMPONENT_OUTPUT_TEST_SECRET", planted.c_str(), 1);
  const std::string script =
      "echo \"plain: $PLANTED\"\n"
      "printf 'json: %s\\n' \"$(printf %s \"$PLANTED\" | sed 's|/|\\\\/|g')\"\n"
      "echo 'url: " + url_encode(planted) + "'\n"
      "echo \"base64: $(printf 'user:%s' \"$PLANTED\" | base64 -w0)\"\n"
      "echo still-readable";
  auto path = dir.write("spawn.yaml", spawned_backend(dir, script, ", PLANTED: \"{{env.TC_COMPONENT_OUTPUT_TEST_SECRET}}\""));
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(path));
  ::unsetenv("TC_COMPONENT_OUTPUT_TEST_SECRET");
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  const std::string log = env->components.at("build").log_file;
  const std::string running = await_content(log, "still-readable");  // written as it comes, not at the end
  EXPECT_THAT(running, HasSubstr("plain: " + std::string(kRedacted)));
  EXPECT_THAT(running, HasSubstr("json: " + std::string(kRedacted)));
  EXPECT_THAT(running, HasSubstr("url: " + std::string(kRedacted)));
  EXPECT_THAT(running, HasSubstr("still-readable"));
  supervisor.stop();
  const std::string stopped = read_file(log);
  for (const std::string& form : {planted, std::string("planted-env-value"), url_encode(planted),
                                  base64_encode("user:" + planted).substr(8, 16)})
    EXPECT_THAT(stopped, Not(HasSubstr(form))) << stopped;
}

// Problem: a secret that reached a URL path and a correlation id was written in clear into the
// gateway's log and audit file. The records the audit query answers with stay whole.
TEST_F(ComponentOutput, AStubsLogAndAuditFileAreRedactedAsTheyAreWritten) {
  const std::string planted = "planted-cid-4kQ9vW2";
  global_redactor().add_secret(planted);  // as the runner does with a value read from the environment
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(source_path("compose/local.yaml")));
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  auto profile = ContractProfile::load(source_path("fixtures/contracts/reference.yaml"));
  ASSERT_TRUE(profile.ok());
  HttpClient http;
  HttpRequest req;
  req.url = env->components.at("gateway").url + "/api/platform/items/" + planted;
  req.headers.add(profile->header("correlation_id"), planted);
  auto res = http.send(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();

  HttpRequest query;
  query.url = env->components.at("gateway").url + profile->path("audit") + "?correlation_id=" + planted;
  auto records = http.send(query);
  ASSERT_TRUE(records.ok()) << records.error().to_string();
  EXPECT_THAT(records->body, HasSubstr("\"correlation_id\":\"" + planted + "\"")) << records->body;

  const std::string audit = dir.path.string() + "/reports/audit/gateway.jsonl";
  const std::string audit_text = await_content(audit, kRedacted.data());
  EXPECT_THAT(audit_text, HasSubstr("\"correlation_id\":\"" + std::string(kRedacted) + "\""));
  EXPECT_THAT(audit_text, Not(HasSubstr(planted)));
  const std::string log_text = await_content(env->components.at("gateway").log_file, kRedacted.data());
  EXPECT_THAT(log_text, HasSubstr(kRedacted.data()));
  EXPECT_THAT(log_text, Not(HasSubstr(planted)));
  supervisor.stop();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path.string() + "/reports"))
    if (entry.is_regular_file()) {
      EXPECT_THAT(read_file(entry.path().string()), Not(HasSubstr(planted))) << entry.path();
    }
}

// A secret learnt after a component logged it (a session a build logs as it creates it, then
// answers with): the logs and audit files are read again at teardown, the value masked.
TEST_F(ComponentOutput, ASecretLearntAfterAComponentLoggedItIsMaskedAtTeardown) {
  const std::string late = "learnt-late-value-H6t2";
  Supervisor supervisor(options_for(dir));
  auto env = supervisor.start(load(source_path("compose/local.yaml")));
  ASSERT_TRUE(env.ok()) << env.error().to_string();
  HttpClient http;
  HttpRequest req;
  req.url = env->components.at("gateway").url + "/api/platform/items/" + late;
  ASSERT_TRUE(http.send(req).ok());
  const std::string log = env->components.at("gateway").log_file;
  ASSERT_THAT(await_content(log, late), HasSubstr(late));  // not yet a secret: logged as it came
  global_redactor().add_secret(late);
  supervisor.stop();
  EXPECT_THAT(read_file(log), HasSubstr(kRedacted.data()));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path.string() + "/reports"))
    if (entry.is_regular_file()) {
      EXPECT_THAT(read_file(entry.path().string()), Not(HasSubstr(late))) << entry.path();
    }
}

// Problem: a spawned component's own children outlived the run (only the child was signalled).
TEST_F(ComponentOutput, WhatASpawnedComponentStartedIsGoneAfterTheStop) {
  const std::string pid_file = dir.path.string() + "/grandchild.pid";
  auto path = dir.write("spawn.yaml", spawned_backend(dir, "sleep 300 & echo $! > " + pid_file, ""));
  {
    Supervisor supervisor(options_for(dir));
    auto env = supervisor.start(load(path));
    ASSERT_TRUE(env.ok()) << env.error().to_string();
    supervisor.stop();
  }
  const pid_t grandchild = static_cast<pid_t>(std::stol(read_file(pid_file)));
  ASSERT_GT(grandchild, 1);
  const bool gone = test::all_gone_within({grandchild}, 3000);
  if (!gone) ::kill(grandchild, SIGKILL);
  EXPECT_TRUE(gone) << "pid " << grandchild << " (started by the component) outlived the run";
}

}  // namespace
}  // namespace tc
