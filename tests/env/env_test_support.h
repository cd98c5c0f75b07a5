// What the env tests share: a scratch folder removed at the end, and a topology written into it.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "harness/env/supervisor.h"
#include "support/temp_dir.h"

namespace tc::test {

using ScratchDir = tc::testing::TempDir;

// The repository's files, for topologies that name the real profile and fixtures.
inline std::string source_path(const std::string& relative) { return std::string(TC_SOURCE_DIR) + "/" + relative; }

// A topology file loaded, or the test's exception naming what is wrong with it.
inline Topology load(const std::string& path) {
  auto t = load_topology(path);
  if (!t) throw std::runtime_error(t.error().to_string());
  return *t;
}

// The supervisor's options for a test: reports under the scratch folder, the stub built beside us.
inline SupervisorOptions options_for(const ScratchDir& dir) {
  SupervisorOptions o;
  o.reports_dir = dir.path.string() + "/reports";
  o.stub_binary = TC_STUB_BIN;
  o.grace_ms = 2000;
  return o;
}

}  // namespace tc::test
