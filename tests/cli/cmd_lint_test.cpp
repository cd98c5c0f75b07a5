#include <gtest/gtest.h>

#include "cli_support.h"

namespace tc::cli_test {
namespace {

TEST(CmdLint, GoodFilesAreCounted) {
  TempDir dir;
  write_file(dir.path / "s" / "a.yaml", "scenarios:\n  - name: one\n    steps:\n      - name: s\n        request: {url: \"http://x/{{run_id}}\"}\n        expect: {status: 200}\n  - name: two\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n        expect: {}\n");
  write_file(dir.path / "s" / "b.yaml", "scenarios:\n  - name: three\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n        expect: {status: 200}\n");
  Outcome o = run_cli({"lint", "--profile", std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml", "s"}, dir.path);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.out, "2 files, 3 scenarios OK\n");
}

TEST(CmdLint, EveryFilesErrorIsPrinted) {
  TempDir dir;
  write_file(dir.path / "s" / "a.yaml", "scenarios:\n  - name: one\n    stepz: []\n");
  write_file(dir.path / "s" / "b.yaml", "scenarios:\n  - name: two\n    steps:\n      - name: s\n        request: {url: \"{{contract.paths.nowhere}}\"}\n");
  write_file(dir.path / "s" / "c.yaml", "scenarios:\n  - name: three\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n        expect: {status: 200}\n");
  Outcome o = run_cli({"lint", "--profile", std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml", "s"}, dir.path);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("a.yaml:3"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("b.yaml:5"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("c.yaml"), std::string::npos) << o.err;
}

// A project with the reference bindings and a topology of two components, gateway and platform, and
// the contract document's clause ids: what `lint` proves a scenario against.
struct LintProject : ::testing::Test {
  TempDir dir;
  void SetUp() override {
    const std::string src = TC_SOURCE_DIR;
    write_file(dir.path / "topology.yaml", "profile: " + src + "/fixtures/contracts/reference.yaml\n"
                                           "bindings: " + src + "/fixtures/reference/bindings.yaml\n"
                                           "capabilities: [direct-backend]\ncomponents:\n"
                                           "  gateway: {external: {url: \"http://127.0.0.1:1\"}}\n"
                                           "  platform: {external: {url: \"http://127.0.0.1:1\"}}\n");
    fs::create_directories(dir.path / "docs");
    fs::copy_file(src + "/docs/contract.md", dir.path / "docs" / "contract.md");
  }
  Outcome lint(const std::string& text) {
    write_file(dir.path / "scenarios" / "a.yaml", text);
    return run_cli({"lint", "--env", "topology.yaml", "scenarios"}, dir.path);
  }
  Outcome run(const std::string& text) {
    write_file(dir.path / "scenarios" / "a.yaml", text);
    return run_cli({"run", "--env", "topology.yaml", "--reports", "out", "scenarios"}, dir.path);
  }
};

std::string one_step(const std::string& request, const std::string& expect = "{status: 200}",
                     const std::string& scenario_keys = "") {
  return "scenarios:\n  - name: s\n" + scenario_keys + "    steps:\n      - name: call\n        request: " + request +
         "\n        expect: " + expect + "\n";
}

TEST_F(LintProject, ATypoInABoundNameIsAnInputErrorOfLintAndRun) {
  const std::string text = one_step("{url: \"{{gateway}}/items/{{fx.items.platform.alhpa}}\"}");
  Outcome o = lint(text);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("a.yaml:5: /scenarios/0/steps/0/request/url: unknown bound name 'fx.items.platform.alhpa'"),
            std::string::npos) << o.err;
  EXPECT_NE(o.err.find("(it has: alpha, alpha_2, bravo, charlie)"), std::string::npos) << o.err;
  o = run(text);
  EXPECT_EQ(o.code, 2) << "an input error, before anything starts: " << o.out << o.err;
  EXPECT_EQ(o.out.find("FAIL"), std::string::npos) << o.out;
}

TEST_F(LintProject, AnAuditComponentTheTopologyLacksIsAnError) {
  Outcome o = lint(one_step("{url: \"{{gateway}}/items\"}", "{audit: [{component: gatway, present: {event: x}}]}"));
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("/audit/0/component: audit component 'gatway' is not a component of the topology (gateway, "
                       "platform)"), std::string::npos) << o.err;
}

TEST_F(LintProject, AnUnknownCapabilityIsAnErrorAndAKnownOneTheTopologyLacksIsNot) {
  Outcome o = lint(one_step("{url: \"{{gateway}}/items\"}", "{status: 200}", "    requires: [stub-audti]\n"));
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("/scenarios/0/requires/0: unknown capability 'stub-audti' (known: context-secret, "
                       "direct-backend, echo, login-hint, mint, source-address, stub-audit)"), std::string::npos) << o.err;
  o = lint(one_step("{url: \"{{gateway}}/items\"}", "{status: 200}", "    requires: [stub-audit]\n"));
  EXPECT_EQ(o.code, 0) << o.out << o.err;
}

TEST_F(LintProject, EveryErrorOfAFileIsReported) {
  // A method that is none, an unknown clause, and a step that checks nothing: three errors, one file.
  Outcome o = lint(R"(scenarios:
  - name: s
    requirements: [G33]
    steps:
      - name: post
        request: {method: PSOT, url: "{{gateway}}/items"}
        expect: {status: 201}
      - name: look
        request: {url: "{{gateway}}/items"}
)");
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("/scenarios/0/requirements/0: unknown requirement 'G33': not a clause id of the contract"),
            std::string::npos) << o.err;
  EXPECT_NE(o.err.find("/scenarios/0/steps/0/request/method: 'PSOT' is not an HTTP method"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("/scenarios/0/steps/1: step 'look' checks nothing"), std::string::npos) << o.err;
}

TEST_F(LintProject, AStructuralErrorOfOneScenarioDoesNotHideTheNext) {
  Outcome o = lint(R"(scenarios:
  - name: one
    stepz: []
  - name: two
    steps:
      - name: call
        request: {url: "{{gatway}}/items"}
        expect: {status: 200}
  - name: three
    requires: [mnit]
    steps:
      - name: call
        request: {url: "{{gateway}}/items"}
        expect: {status: 200}
)");
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("a.yaml:3: /scenarios/0/stepz: unknown key 'stepz'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("a.yaml:7: /scenarios/1/steps/0/request/url: undefined variable 'gatway'"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("/scenarios/2/requires/0: unknown capability 'mnit'"), std::string::npos) << o.err;
}

TEST_F(LintProject, AStepThatSaysItChecksNothingIsAccepted) {
  Outcome o = lint(one_step("{method: DELETE, url: \"{{gateway}}/items/1\"}", "{}"));
  EXPECT_EQ(o.code, 0) << o.out << o.err;
}

TEST_F(LintProject, AStepFileParameterNoStepUsesIsAnError) {
  write_file(dir.path / "scenarios" / "steps" / "call.yaml", R"(params: [who, tenant]
steps:
  - name: "call as {{who}}"
    request: {url: "{{gateway}}/items/{{fx.tenants.alpha}}"}
    expect: {status: 200}
)");
  Outcome o = lint("scenarios:\n  - name: s\n    steps:\n      - include: steps/call.yaml\n"
                   "        with: {who: ada, tenant: tenant-alpha}\n");
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("call.yaml:1: /params/1: parameter 'tenant' is used by none of the file's steps"),
            std::string::npos) << o.err;
}

TEST_F(LintProject, ATabInYamlIsNamed) {
  Outcome o = lint("scenarios:\n  - name: s\n    steps:\n\t  - name: call\n");
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("a.yaml:4: syntax error: a tab character indents this line"), std::string::npos) << o.err;
}

TEST_F(LintProject, CommandLineVariablesAreDefinedNames) {
  const std::string text = one_step("{url: \"{{gateway}}/items/{{item}}\"}");
  EXPECT_EQ(lint(text).code, 2);
  write_file(dir.path / "scenarios" / "a.yaml", text);
  Outcome o = run_cli({"lint", "--env", "topology.yaml", "--var", "item=plat-alpha-1", "scenarios"}, dir.path);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  o = run_cli({"lint", "--env", "topology.yaml", "--var", "gateway=x", "scenarios"}, dir.path);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("flag --var: 'gateway' is already a variable of every run"), std::string::npos) << o.err;
}

TEST(CmdLintPack, ThePackIsClean) {
  TempDir dir;
  const std::string src = TC_SOURCE_DIR;
  Outcome o = run_cli({"lint", "--env", src + "/compose/local.yaml", src + "/scenarios"}, dir.path);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
}

}  // namespace
}  // namespace tc::cli_test
