// `tenantcheck explore` over the real stubs: a fault-free platform gives no finding, a broken one gives
// findings whose written scenarios fail on it and pass on a conforming one, the same seed gives the
// same findings, nothing secret reaches a file, and a platform held to other rules is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_support.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

const std::string kSource = TC_SOURCE_DIR;

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST(CmdExplore, AFaultFreePlatformGivesNoFindingAndOnePassingCase) {
  TempDir dir;
  Outcome o = run_cli({"explore", "--seed", "5", "--budget", "1500", "--reports", "out"}, dir.path, std::chrono::seconds(120));
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("0 finding class(es)"), std::string::npos) << o.out;
  const json record = json::parse(read_file(dir.path / "out" / "results.json"));
  ASSERT_EQ(record["cases"].size(), 1u) << record.dump(2);
  EXPECT_EQ(record["cases"][0]["outcome"], "passed");
  EXPECT_EQ(record["properties"]["explore.seed"], "5");
  EXPECT_GE(std::stol(record["properties"]["explore.requests"].get<std::string>()), 1500);
  EXPECT_TRUE(fs::exists(dir.path / "out" / "junit.xml"));
  EXPECT_TRUE(fs::exists(dir.path / "out" / "html" / "index.html"));
}

// As for run: what explore cannot write into its reports folder (its scratch flows among it) is
// said, and the exit is 3; the stubs outlive the full disk (their output is lost, not their pipes).
TEST(CmdExplore, AReportThatCannotBeWrittenIsAnEnvironmentError) {
  TempDir dir;
  Outcome o;
  {
    FileSizeLimit limit(2048);
    o = run_cli({"explore", "--seed", "5", "--budget", "300", "--reports", "out"}, dir.path, std::chrono::seconds(120));
  }
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: "), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("internal error"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("exited"), std::string::npos) << "no stub died: " << o.err;
  EXPECT_NE(o.out.find("explore: "), std::string::npos) << o.out;
}

// A finding's scenario file is what a user copies into the pack: one that cannot be written is said
// and is an environment error, not a failure whose cases point at files that do not exist.
TEST(CmdExplore, AFindingsScenarioThatCannotBeWrittenIsAnEnvironmentError) {
  TempDir dir;
  fs::create_directories(dir.path / "out" / "explore" / "candidates");
  ImmutableDir frozen(dir.path / "out" / "explore");  // no scenarios/ in it; its candidates/ stays writable
  if (!frozen.ok()) GTEST_SKIP() << "this file system cannot make a folder immutable here";
  Outcome o = run_cli({"explore", "--seed", "11", "--budget", "2500", "--fault", "gateway.conflict_allowed", "--reports", "out"},
                      dir.path, std::chrono::seconds(120));
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: cannot write " + (fs::path("out") / "explore" / "scenarios").string() + "/"),
            std::string::npos) << o.err;
  EXPECT_NE(o.out.find("finding class(es)"), std::string::npos) << "the findings are still printed: " << o.out;
  EXPECT_EQ(o.out.find("; scenarios in "), std::string::npos) << "no folder of scenarios is pointed at: " << o.out;
}

// As for run: a case's Allure result that cannot be written (allure-results/ refuses new files, its
// categories and environment rewritten in place) is said, and the exit is 3.
TEST(CmdExplore, AnAllureResultThatCannotBeWrittenIsAnEnvironmentError) {
  TempDir dir;
  for (const char* kept : {"categories.json", "environment.properties"}) write_file(dir.path / "out" / "allure-results" / kept, "");
  Outcome o;
  {
    ImmutableDir frozen(dir.path / "out" / "allure-results");
    if (!frozen.ok()) GTEST_SKIP() << "this file system cannot make a folder immutable here";
    o = run_cli({"explore", "--seed", "5", "--budget", "300", "--reports", "out"}, dir.path, std::chrono::seconds(120));
  }
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("allure-results"), std::string::npos) << o.err;
  EXPECT_TRUE(fs::exists(dir.path / "out" / "junit.xml")) << "the other reports are written";
}

TEST(CmdExplore, FindingsOfAFaultAreScenariosThatFailOnItAndPassWithoutIt) {
  TempDir dir;
  const std::vector<std::string> explore = {"explore", "--seed", "11", "--budget", "2500", "--fault", "gateway.conflict_allowed"};
  auto args = explore;
  args.insert(args.end(), {"--reports", "first"});
  Outcome o = run_cli(args, dir.path, std::chrono::seconds(120));
  ASSERT_EQ(o.code, 1) << o.out << o.err;
  const fs::path scenarios = dir.path / "first" / "explore" / "scenarios";
  const auto written = files_in(scenarios);
  ASSERT_FALSE(written.empty()) << o.out;
  const json record = json::parse(read_file(dir.path / "first" / "results.json"));
  ASSERT_EQ(record["cases"].size(), written.size());
  bool cites_g3 = false;
  for (const auto& c : record["cases"]) {
    EXPECT_EQ(c["outcome"], "failed");
    for (const auto& r : c["requirements"]) cites_g3 = cites_g3 || r == "G3";
  }
  EXPECT_TRUE(cites_g3) << record.dump(2);

  Outcome clean = run_cli({"run", scenarios.string(), "--reports", "clean"}, dir.path, std::chrono::seconds(120));
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  Outcome broken = run_cli({"run", scenarios.string(), "--reports", "broken", "--fault", "gateway.conflict_allowed"}, dir.path,
                           std::chrono::seconds(120));
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find(std::to_string(written.size()) + " failed"), std::string::npos) << broken.out;

  args = explore;
  args.insert(args.end(), {"--reports", "second"});
  Outcome again = run_cli(args, dir.path, std::chrono::seconds(120));
  EXPECT_EQ(again.code, 1) << again.out << again.err;
  EXPECT_EQ(files_in(dir.path / "second" / "explore" / "scenarios"), written) << "the same seed, the same findings";
}

TEST(CmdExplore, TheMatrixReplaysThePacksRequestsUnderEveryPrincipal) {
  TempDir dir;
  const std::string pack = kSource + "/scenarios/isolation/cross-tenant-reads.yaml";
  Outcome clean = run_cli({"explore", "--matrix", pack, "--seed", "2", "--budget", "1500", "--reports", "clean"}, dir.path,
                          std::chrono::seconds(120));
  ASSERT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("matrix: "), std::string::npos) << clean.out;
  EXPECT_EQ(clean.out.find("matrix: 0 distinct"), std::string::npos) << clean.out;
  const json record = json::parse(read_file(dir.path / "clean" / "results.json"));
  EXPECT_TRUE(record["properties"].contains("explore.matrix")) << record["properties"].dump(2);
  Outcome broken = run_cli({"explore", "--matrix", pack, "--seed", "2", "--budget", "1500", "--fault", "backend.cross_tenant_read",
                            "--reports", "broken"}, dir.path, std::chrono::seconds(120));
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find("FAIL explore.I1_"), std::string::npos) << broken.out;
}

TEST(CmdExplore, NoFixtureSecretReachesAnyFileTheRunWrites) {
  TempDir dir;
  Outcome o = run_cli({"explore", "--seed", "3", "--budget", "2000", "--fault", "gateway.accept_alg_none", "--reports", "out"},
                      dir.path, std::chrono::seconds(120));
  ASSERT_EQ(o.code, 1) << o.out << o.err;
  const std::vector<std::string> secrets = {"ada-fixture-pw", "bea-fixture-pw", "dee-fixture-pw",
                                            "svc-alpha-fixture-secret", "svc-none-fixture-secret"};
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path / "out")) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string text = read_file(e.path());
    for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << e.path();
    EXPECT_EQ(text.find("eyJhbGciOiJSUzI1NiI"), std::string::npos) << "a signed token in " << e.path();
  }
  EXPECT_GT(files, 5);
  for (const auto& s : secrets) EXPECT_EQ((o.out + o.err).find(s), std::string::npos) << s;
}

// Seed 001's platform: workspaces, an admin's active tenant and memberships changing during the run.
// Clean, nothing is found; admin groups widened to the workspace with no active tenant are a W4
// finding, written as a scenario that names the surface.
TEST(CmdExplore, Seed001sWorkspacesAreJudged) {
  TempDir dir;
  Outcome clean = run_cli({"explore", "--env", kSource + "/compose/seed-001.yaml", "--seed", "2", "--budget", "1500",
                           "--allow-writes", "--reports", (dir.path / "clean").string()}, dir.path);
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("0 finding class(es)"), std::string::npos) << clean.out;
  Outcome broken = run_cli({"explore", "--env", kSource + "/compose/seed-001.yaml", "--seed", "2", "--budget", "1500",
                            "--fault", "gateway.admin_groups_widen", "--reports", (dir.path / "broken").string()}, dir.path);
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  bool w4 = false;
  for (const auto& e : fs::directory_iterator(dir.path / "broken" / "explore" / "scenarios"))
    w4 |= e.path().filename().string().rfind("w4-", 0) == 0 && read_file(e.path()).find("{{fx.routes.admin.groups}}") != std::string::npos;
  EXPECT_TRUE(w4) << broken.out;
  // The pack's run before the matrix removes a member and selects tenants: those users are left out.
  Outcome matrix = run_cli({"explore", "--env", kSource + "/compose/seed-001.yaml", "--seed", "5", "--budget", "3000",
                            "--allow-writes", "--matrix", "--reports", (dir.path / "matrix").string()}, dir.path);
  EXPECT_EQ(matrix.code, 0) << matrix.out << matrix.err;
  EXPECT_NE(matrix.out.find("the pack changed the selections or memberships of"), std::string::npos) << matrix.out;
  EXPECT_NE(matrix.out.find(" users.leaver"), std::string::npos) << matrix.out;
}

TEST(CmdExplore, AnUnknownFaultStopsTheStubGivenIt) {
  TempDir dir;
  // A fault the stubs do not know stops the stub that was given it, as for run: the environment fails.
  Outcome bad = run_cli({"explore", "--fault", "gateway.no_such_fault", "--budget", "10"}, dir.path);
  EXPECT_EQ(bad.code, 3) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("unknown fault 'gateway.no_such_fault'"), std::string::npos) << bad.err;
}

// Seed 003's platform: its tenants' budgets (T2) and lifecycle (T4) are the model's too. Clean, the
// exploration finds nothing; with a negotiated limit ignored, the sixth request of that tenant is a
// T2 finding, written as a scenario.
TEST(CmdExplore, Seed003sBudgetsAreJudged) {
  TempDir dir;
  Outcome clean = run_cli({"explore", "--env", kSource + "/compose/seed-003.yaml", "--seed", "5", "--budget", "1500",
                           "--reports", (dir.path / "clean").string()}, dir.path);
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("0 finding class(es)"), std::string::npos) << clean.out;
  Outcome broken = run_cli({"explore", "--env", kSource + "/compose/seed-003.yaml", "--seed", "5", "--budget", "1500",
                            "--fault", "gateway.rate_limit_ignores_negotiated", "--reports", (dir.path / "broken").string()},
                           dir.path);
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  bool t2 = false;
  for (const auto& e : fs::directory_iterator(dir.path / "broken" / "explore" / "scenarios"))
    t2 |= e.path().filename().string().rfind("t2-", 0) == 0 && read_file(e.path()).find("requirements: [T2") != std::string::npos;
  EXPECT_TRUE(t2) << broken.out;
}

// Seed 004's platform: callers are sessions and the tenant is the host's. Clean, nothing is found;
// a placeholder that reports its own slug instead of the one asked is an H2 finding.
TEST(CmdExplore, Seed004sHostsAreJudged) {
  TempDir dir;
  Outcome clean = run_cli({"explore", "--env", kSource + "/compose/seed-004.yaml", "--seed", "3", "--budget", "300",
                           "--reports", (dir.path / "clean").string()}, dir.path);
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  Outcome broken = run_cli({"explore", "--env", kSource + "/compose/seed-004.yaml", "--seed", "3", "--budget", "300",
                            "--fault", "gateway.placeholder_reports_own_slug", "--reports", (dir.path / "broken").string()},
                           dir.path);
  EXPECT_EQ(broken.code, 1) << broken.out << broken.err;
  EXPECT_NE(broken.out.find("H2 "), std::string::npos) << broken.out;
}

}  // namespace
}  // namespace tc::cli_test
