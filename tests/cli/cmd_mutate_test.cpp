// `tenantcheck mutate` over the real stubs: faults the pack kills, a fault a partial pack lets
// through, and a fault that is not in the catalogue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"

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

TEST(CmdMutate, AFaultOutsideTheCatalogueIsAUsageError) {
  TempDir dir;
  Outcome o = run_cli({"mutate", "--env", kSource + "/compose/local.yaml", "--reports", "out", "--faults",
                       "gateway.no_such_fault"},
                      dir.path);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("--faults"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("gateway.no_such_fault"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace tc::cli_test
