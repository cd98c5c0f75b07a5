// `tenantcheck mutate` over the real stubs: faults the pack kills, a fault a partial pack lets
// through, and a fault that is not in the catalogue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "env/process_table.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

const std::string kSource = TC_SOURCE_DIR;

TEST(CmdMutate, FaultsThePackKillsScoreFullAndNameTheirScenarios) {
  TempDir dir;
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--jobs", "2",
                       "--faults", "gateway.forward_caller_tenant_header,backend.forbidden_instead_of_not_found",
                       kSource + "/scenarios"},
                      dir.path, std::chrono::seconds(240));
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("mutation score 2/2 (100.0 %)"), std::string::npos) << o.out;
  json doc = json::parse(read_file(dir.path / "out" / "mutation.json"));
  EXPECT_EQ(doc["fault_free"]["verdict"], "passed") << doc.dump(2);
  ASSERT_EQ(doc["results"].size(), 2u);
  for (const auto& r : doc["results"]) {
    EXPECT_EQ(r["verdict"], "killed") << r.dump(2);
    EXPECT_FALSE(r["killed_by"].empty()) << r.dump(2);
  }
  EXPECT_EQ(doc["results"][0]["clauses"], json::array({"G2"})) << doc["results"][0].dump(2);
  EXPECT_EQ(doc["results"][0]["invariants"], json::array({"I1"})) << doc["results"][0].dump(2);
  const std::string md = read_file(dir.path / "out" / "mutation.md");
  EXPECT_NE(md.find("| `backend.forbidden_instead_of_not_found` |"), std::string::npos) << md;
  EXPECT_TRUE(fs::exists(dir.path / "out" / "mutation" / "fault-free" / "junit.xml"));
}

TEST(CmdMutate, AFaultNoSelectedScenarioCatchesSurvivesAndExitsOne) {
  TempDir dir;
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--faults",
                       "gateway.cacheable_tenant_response", kSource + "/scenarios/signin"},
                      dir.path, std::chrono::seconds(240));
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("SURVIVED gateway.cacheable_tenant_response"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("not killed: gateway.cacheable_tenant_response (survived)"), std::string::npos) << o.out;
  json doc = json::parse(read_file(dir.path / "out" / "mutation.json"));
  EXPECT_EQ(doc["score"], 0.0);
}

// The verdict of a mutation run lives in mutation.json: one the disk does not take (a link to
// /dev/full, where every write fails) is said and is an environment error, whatever the score;
// mutation.md is still written, over an earlier run's.
TEST(CmdMutate, AVerdictThatCannotBeWrittenIsAnEnvironmentError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  TempDir dir;
  fs::create_directories(dir.path / "out");
  fs::create_symlink("/dev/full", dir.path / "out" / "mutation.json");
  write_file(dir.path / "out" / "mutation.md", "an earlier run's verdict");
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--faults",
                       "gateway.cacheable_tenant_response", kSource + "/scenarios/signin"},
                      dir.path, std::chrono::seconds(240));
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("reports: cannot write " + (fs::path("out") / "mutation.json").string()), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("mutation score 0/1"), std::string::npos) << "the score is still printed: " << o.out;
  EXPECT_NE(read_file(dir.path / "out" / "mutation.md").find("Mutation score: 0/1"), std::string::npos)
      << "mutation.md is this run's, written whatever became of mutation.json";
}

TEST(CmdMutate, AFaultOutsideTheCatalogueIsAUsageError) {
  TempDir dir;
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--faults",
                       "gateway.no_such_fault"},
                      dir.path);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("--faults"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("gateway.no_such_fault"), std::string::npos) << o.err;
}

// Problem: mutate had no SIGINT/SIGTERM handling — killed by the signal itself, its runs torn down
// by the kernel, no mutation.json, and the authority key file left behind. Interrupted, it stops
// its runs, writes what it has, removes the key file and exits 128 + the signal; nothing it started
// outlives it.
TEST(CmdMutate, ASignalStopsTheRunsWritesTheFaultsDoneSoFarAndLeavesNothingBehind) {
  TempDir dir;
  const fs::path tmp = dir.path / "tmp";
  fs::create_directories(tmp);
  ::setenv("TMPDIR", tmp.c_str(), 1);
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--faults",
                       "gateway.no_www_authenticate,gateway.conflict_allowed,gateway.scope_unchecked,"
                       "gateway.accept_expired_token,gateway.accept_alg_none,gateway.unsigned_forward,"
                       "backend.list_all_tenants,backend.cross_tenant_read,backend.no_audit_on_denial,"
                       "backend.unsigned_context_accepted",
                       kSource + "/scenarios"},
                      dir.path, std::chrono::seconds(120), 0, SIGTERM, "out/mutation/fault-free/run.log");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(o.code, 143) << o.out << o.err;
  ASSERT_TRUE(fs::exists(dir.path / "out" / "mutation.json")) << o.out << o.err;
  const json doc = json::parse(read_file(dir.path / "out" / "mutation.json"));
  EXPECT_EQ(doc.value("interrupted", false), true) << doc.dump(2);
  EXPECT_EQ(doc["fault_free"]["verdict"], "interrupted") << "the signal came while it ran: " << doc.dump(2);
  ASSERT_EQ(doc["results"].size(), 10u) << doc.dump(2);
  int not_run = 0;
  for (const auto& r : doc["results"]) not_run += r["verdict"] == "not run";
  EXPECT_GT(not_run, 0) << doc.dump(2);
  EXPECT_NE(read_file(dir.path / "out" / "mutation.md").find("interrupted"), std::string::npos);
  for (const auto& e : fs::directory_iterator(tmp)) ADD_FAILURE() << "left behind: " << e.path();
  // No process it started is left: runs and their stubs inherit the test's TMPDIR.
  EXPECT_TRUE(test::left_with_environment("TMPDIR=" + tmp.string(), 5000).empty());
}

}  // namespace
}  // namespace tc::cli_test
