// `tenantcheck doctor`: one line per check, a verdict, exit 0 when everything answers, 3 otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <map>
#include <sstream>

#include "cli_process.h"
#include "env_test_support.h"

namespace tc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Doctor, AllStubTopologyPassesEveryCheck) {
  test::ScratchDir dir;
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/local.yaml"), "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 0") << run.output;
  for (const char* line : {"OK authority reachable", "OK authority discovery", "OK authority jwks",
                           "OK gateway unauthenticated", "OK platform audit", "OK graph reachable",
                           "OK authority token users.one", "OK authority token users.reader",
                           "OK authority token users.none", "OK authority token clients.default", "OK doctor:"})
    EXPECT_THAT(run.output, HasSubstr(line)) << run.output;
  EXPECT_THAT(run.output, Not(HasSubstr("FAIL")));
  int lines = 0;  // "started" lines included: the verdict counts every line it prints
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("OK ", 0) == 0 && line.rfind("OK doctor:", 0) != 0) ++lines;
  EXPECT_THAT(run.output, HasSubstr("OK doctor: " + std::to_string(lines) + " checks, 0 failed")) << run.output;
}

TEST(Doctor, APrincipalWhoseCredentialsAreRefusedFailsWithoutPrintingThem) {
  test::ScratchDir dir;
  std::string bindings = test::read_file(test::source_path("fixtures/reference/bindings.yaml"));
  const std::regex first_password(R"(password: [^,}\s]+)");
  bindings = std::regex_replace(bindings, first_password, "password: Wrong-pw-7731", std::regex_constants::format_first_only);
  auto file = dir.write("bindings.yaml", bindings);
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/local.yaml"), "--bindings", file,
                            "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL authority token users.one"));
  EXPECT_THAT(run.output, HasSubstr("OK authority token users.default"));
  EXPECT_THAT(run.output, Not(HasSubstr("Wrong-pw-7731")));
  EXPECT_THAT(run.output, Not(HasSubstr("access_token")));
}

// `tenantcheck doctor` on a topology whose only component is an external gateway at `url`, with
// `env` added to its environment. Port 1 on loopback: nothing listens there, refused at once.
test::CliRun doctor_of_one_gateway(const test::ScratchDir& dir, const std::string& url,
                                   std::map<std::string, std::string> env = {}) {
  auto file = dir.write("down.yaml",
                        "profile: " + test::source_path("fixtures/contracts/reference.yaml") + "\n"
                        "components:\n"
                        "  gateway: {external: {url: \"" + url + "\"}}\n");
  return test::run_cli({"doctor", "--env", file, "--reports", dir.path.string()}, dir.path.string() + "/doctor.out", 60000,
                       std::move(env));
}

TEST(Doctor, AnUnreachableComponentFailsItsCheckAndTheVerdict) {
  test::ScratchDir dir;
  auto run = doctor_of_one_gateway(dir, "http://127.0.0.1:1");
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL gateway reachable"));
  EXPECT_THAT(run.output, HasSubstr("FAIL doctor: 1 checks, 1 failed"));
}

TEST(Doctor, EveryUnsetVariableIsListedAtOnceAndTheVerdictCountsItsLines) {
  // The staging example reads every URL and secret from the environment; none is set here.
  test::ScratchDir dir;
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/staging.example.yaml"), "--bindings",
                            test::source_path("tests/env/data/staging/bindings.yaml"), "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  int lines = 0, unset = 0;
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("OK doctor:", 0) == 0 || line.rfind("FAIL doctor:", 0) == 0) continue;
    if (line.rfind("OK ", 0) == 0 || line.rfind("FAIL ", 0) == 0) ++lines;
    if (line.rfind("FAIL environment TC_STAGING_", 0) == 0) ++unset;
  }
  EXPECT_GE(unset, 18) << "every URL, audit URL, password and secret: " << run.output;
  EXPECT_EQ(unset, lines) << "nothing else is checked before the variables are set: " << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL environment TC_STAGING_GRAPH_AUDIT: not set"));
  EXPECT_THAT(run.output, HasSubstr("FAIL environment TC_STAGING_PW_READER: not set"));
  EXPECT_THAT(run.output, HasSubstr("FAIL doctor: " + std::to_string(lines) + " checks, " + std::to_string(lines) +
                                    " failed"));
}

TEST(Doctor, AURLReadFromTheEnvironmentIsMaskedInItsLines) {
  test::ScratchDir dir;
  auto run = doctor_of_one_gateway(dir, "{{env.TC_DOCTOR_TEST_GATEWAY}}", {{"TC_DOCTOR_TEST_GATEWAY", "http://127.0.0.1:1"}});
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL gateway reachable"));
  EXPECT_THAT(run.output, Not(HasSubstr("127.0.0.1:1"))) << run.output;
}


// Seed 002's onboarding checks (fixtures/seed-002/bindings.yaml `onboarding`), one line per tenant
// and check: "<tenant id> onboarding.<check>".
const std::vector<std::string> kOnboardingChecks = {"applications", "memberships", "policy_bindings", "scopes",
                                                    "audit_readiness", "backend_audit_readiness"};

std::string seed_002_bindings() { return test::read_file(test::source_path("fixtures/seed-002/bindings.yaml")); }

// `text` with its first occurrence of `from` replaced by `to`; the test fails when there is none.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Doctor, EveryTenantOfSeed002IsOnboardedOnItsStubs) {
  test::ScratchDir dir;
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/seed-002.yaml"), "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 0") << run.output;
  for (const char* tenant : {"tenant:coulomb", "tenant:volta"})
    for (const auto& check : kOnboardingChecks)
      EXPECT_THAT(run.output, HasSubstr(std::string("OK ") + tenant + " onboarding." + check + ":")) << run.output;
  EXPECT_THAT(run.output, HasSubstr("one matches {\"id\":\"app-coulomb-portal\"}"));
  EXPECT_THAT(run.output, HasSubstr("one matches {\"role\":\"tenant_admin\"}"));
  EXPECT_THAT(run.output, HasSubstr("has resolved_tenant tenant:volta"));
  EXPECT_THAT(run.output, Not(HasSubstr("s2-bob-passphrase")));
}

// Each kind of check fails on what it looks at, the line saying what was missing, and the other
// tenant's checks are not disturbed.
TEST(Doctor, ATenantThatIsNotOnboardedFailsTheChecksThatSayWhy) {
  test::ScratchDir dir;
  std::string b = seed_002_bindings();
  b = replaced(b, "contains: {id: \"{{fx.items.apps.coulomb}}\"}", "contains: {id: app-coulomb-ledger}");
  b = replaced(b, "at_least: 2}", "at_least: 9}");
  b = replaced(b, "\"{{fx.roles.tenant_admin}}\"}}", "owner}}");
  b = replaced(b, "scopes: {as: member, token: \"{{fx.scopes.console}}\"}", "scopes: {as: member, token: \"openid profile users:admin\"}");
  b = replaced(b, "backend_audit_readiness: {audit: applications, component: apps}",
               "backend_audit_readiness: {audit: applications, component: authority}");
  auto file = dir.write("bindings.yaml", b);
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/seed-002.yaml"), "--bindings", file,
                            "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  for (const char* line : {"FAIL tenant:coulomb onboarding.applications: GET /v1/tenants/tenant%3Acoulomb/applications as users.member answered 200, /items has 1 element(s), none matches {\"id\":\"app-coulomb-ledger\"}",
                           "FAIL tenant:coulomb onboarding.memberships: GET /v1/tenants/tenant%3Acoulomb/members as users.admin answered 200, /members has ",
                           " element(s), fewer than 9",
                           "FAIL tenant:coulomb onboarding.policy_bindings:", "none matches {\"role\":\"owner\"}",
                           "FAIL tenant:coulomb onboarding.scopes: users.member asked for \"openid profile users:admin\"",
                           "FAIL tenant:coulomb onboarding.backend_audit_readiness: authority's record of applications",
                           "OK tenant:coulomb onboarding.audit_readiness:", "OK tenant:volta onboarding.applications:",
                           "OK tenant:volta onboarding.memberships:"})
    EXPECT_THAT(run.output, HasSubstr(line)) << run.output;
  EXPECT_THAT(run.output, Not(HasSubstr("access_token")));
}

TEST(Doctor, AnOnboardingCheckNamingWhatTheBindingsLackIsRefusedWithItsPointer) {
  test::ScratchDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{as: admin, get: \"{{path(fx.routes.admin.members, tenant)}}\",\n                    pointer",
       "/onboarding/tenants/coulomb/memberships/as: users has no 'nobody'"},
      {"audit_readiness: {audit: applications}", "/onboarding/tenants/coulomb/audit_readiness/audit: 'scopes' is no get check"},
      {"get: \"{{path(fx.routes.data.applications, tenant)}}\"", "'gateway' is not in scope here"},
      {"at_least: 2}", "/onboarding/tenants/coulomb/memberships/status: expected an integer or one template, got a string"},
  };
  const std::vector<std::string> with = {"{as: nobody, get: \"{{path(fx.routes.admin.members, tenant)}}\",\n                    pointer",
                                         "audit_readiness: {audit: scopes}", "get: \"{{gateway}}/v1\"",
                                         "at_least: 2, status: two hundred}"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto file = dir.write("bindings-" + std::to_string(i) + ".yaml", replaced(seed_002_bindings(), cases[i].first, with[i]));
    auto run = test::run_cli({"doctor", "--env", test::source_path("compose/seed-002.yaml"), "--bindings", file,
                              "--reports", dir.path.string()},
                             dir.path.string() + "/doctor.out", 60000);
    EXPECT_EQ(run.exit, "exited with status 2") << run.output;
    EXPECT_THAT(run.output, HasSubstr(cases[i].second)) << run.output;
    EXPECT_THAT(run.output, Not(HasSubstr("started"))) << "nothing starts on a bad bindings file";
  }
}

// A template that renders to the wrong kind of value, or does not render, fails the checks it
// feeds (with the pointer and the reason) instead of stopping doctor; the other checks still run.
TEST(Doctor, AnOnboardingValueThatRendersWronglyFailsItsCheckAndTheRestRun) {
  test::ScratchDir dir;
  std::string b = seed_002_bindings();
  b = replaced(b, "scope: \"{{fx.scopes.console}}\"", "scope: \"{{fx.scopes.console}} {{fx.scopes.tenant_wide}}\"");
  b = replaced(b, "backend_audit_readiness: {audit: applications, component: apps}",
               "backend_audit_readiness: {audit: applications, component: \"{{fx.users}}\"}");
  b = replaced(b, "at_least: 2}", "at_least: 2, status: \"{{fx.tenants}}\"}");
  auto file = dir.write("bindings.yaml", b);
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/seed-002.yaml"), "--bindings", file,
                            "--reports", dir.path.string()},
                           dir.path.string() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  for (const char* line : {"FAIL tenant:coulomb onboarding.applications:", "scopes.tenant_wide",
                           "FAIL tenant:coulomb onboarding.backend_audit_readiness: /onboarding/tenants/coulomb/"
                           "backend_audit_readiness/component rendered to a map, not a string",
                           "FAIL tenant:coulomb onboarding.memberships: /onboarding/tenants/coulomb/memberships/status "
                           "rendered to a map, not an integer",
                           "OK tenant:coulomb onboarding.scopes:"})
    EXPECT_THAT(run.output, HasSubstr(line)) << run.output;
}

// Against a bound staging: the stubs run elsewhere (`stubs up` writes a topology of external
// components with http audit sources that are polled), the passwords come from the environment.
TEST(Doctor, TheOnboardingChecksRunAgainstABoundStagingWithItsSecretsMasked) {
  test::ScratchDir dir;
  const std::string log = dir.path.string() + "/stubs-up.out", written = dir.path.string() + "/running.yaml";
  auto up = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                          {"stubs", "up", "--env", test::source_path("compose/seed-002.yaml"),
                                           "--reports", dir.path.string() + "/stubs", "--write-topology", written},
                                          {},
                                          log});
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  ASSERT_TRUE(test::wait_for_text(log, "up: ", 30000)) << test::read_file(log);
  std::string b = seed_002_bindings();
  const std::map<std::string, std::string> passwords = {{"TC_ONBOARDING_PW_ADA", "s2-ada-passphrase"},
                                                        {"TC_ONBOARDING_PW_BOB", "s2-bob-passphrase"},
                                                        {"TC_ONBOARDING_PW_VIC", "s2-vic-passphrase"},
                                                        {"TC_ONBOARDING_PW_EVE", "s2-eve-passphrase"}};
  for (const auto& [name, password] : passwords) b = replaced(b, "password: " + password, "password: \"{{env." + name + "}}\"");
  // A value from the environment in a check's own path is printed in its line: masked too.
  b = replaced(b, "get: \"{{path(fx.routes.data.applications, tenant)}}\"",
               "get: \"{{path(fx.routes.data.applications, tenant)}}?probe={{env.TC_ONBOARDING_PROBE}}\"");
  // So is a tenant id from the environment, printed where a component's name is.
  b = replaced(b, "volta: \"tenant:volta\"", "volta: \"{{env.TC_ONBOARDING_TENANT}}\"");
  std::map<std::string, std::string> env = passwords;
  env["TC_ONBOARDING_PROBE"] = "probe-value-7f3a";
  env["TC_ONBOARDING_TENANT"] = "tenant:volta";
  auto file = dir.write("staging-bindings.yaml", b);
  auto run = test::run_cli({"doctor", "--env", written, "--bindings", file, "--reports", dir.path.string() + "/doctor"},
                           dir.path.string() + "/doctor.out", 60000, env);
  up->signal(SIGTERM);
  EXPECT_TRUE(up->wait_for(15000));
  EXPECT_EQ(run.exit, "exited with status 0") << run.output;
  for (const std::string tenant : {"tenant:coulomb", "«redacted»"})
    for (const auto& check : kOnboardingChecks)
      EXPECT_THAT(run.output, HasSubstr("OK " + tenant + " onboarding." + check + ":")) << run.output;
  EXPECT_THAT(run.output, HasSubstr("OK tenant:coulomb onboarding.applications: GET /v1/tenants/tenant%3Acoulomb/applications?probe="));
  for (const auto& [name, value] : env) EXPECT_THAT(run.output, Not(HasSubstr(value)));
}

}  // namespace
}  // namespace tc
