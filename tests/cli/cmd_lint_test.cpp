#include <gtest/gtest.h>

#include "cli_support.h"

namespace tc::cli_test {
namespace {

TEST(CmdLint, GoodFilesAreCounted) {
  TempDir dir;
  write_file(dir.path / "s" / "a.yaml", "scenarios:\n  - name: one\n    steps:\n      - name: s\n        request: {url: \"http://x/{{run_id}}\"}\n  - name: two\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n");
  write_file(dir.path / "s" / "b.yaml", "scenarios:\n  - name: three\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n");
  Outcome o = run_cli({"lint", "--profile", std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml", "s"}, dir.path);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.out, "2 files, 3 scenarios OK\n");
}

TEST(CmdLint, EveryFilesErrorIsPrinted) {
  TempDir dir;
  write_file(dir.path / "s" / "a.yaml", "scenarios:\n  - name: one\n    stepz: []\n");
  write_file(dir.path / "s" / "b.yaml", "scenarios:\n  - name: two\n    steps:\n      - name: s\n        request: {url: \"{{contract.paths.nowhere}}\"}\n");
  write_file(dir.path / "s" / "c.yaml", "scenarios:\n  - name: three\n    steps:\n      - name: s\n        request: {url: \"http://x\"}\n");
  Outcome o = run_cli({"lint", "--profile", std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml", "s"}, dir.path);
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("a.yaml:3"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("b.yaml:5"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("c.yaml"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace tc::cli_test
