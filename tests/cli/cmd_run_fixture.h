// The fixture of the `tenantcheck run` tests: a scratch folder with scenarios and a topology whose
// one component is an external URL (an in-test server).
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace tc::cli_test {

inline const char* kOneScenario = R"(tags: [smoke]
scenarios:
  - name: call the api
    requirements: [G1]
    steps:
      - name: call
        request: {url: "{{api}}/items"}
        expect:
          status: "{{contract.status.ok}}"
)";

struct CmdRun : ::testing::Test {
  TempDir dir;
  void scenario(const std::string& rel, const std::string& text) { write_file(dir.path / "scenarios" / rel, text); }
  void topology(const std::string& url, const std::string& caps = "[]") {
    write_file(dir.path / "topology.yaml", external_topology(url, caps));
  }
  Outcome run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--env", "topology.yaml", "--reports", "out"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::none_of(extra.begin(), extra.end(), [](const std::string& a) { return a.rfind("scenarios", 0) == 0; }))
      args.push_back("scenarios");
    return run_cli(args, dir.path);
  }
};

}  // namespace tc::cli_test
