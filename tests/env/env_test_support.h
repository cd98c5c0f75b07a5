// What the env tests share: a scratch folder removed at the end, and a topology written into it.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "harness/env/supervisor.h"

namespace tc::test {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tc-env-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // Writes `text` to <dir>/<name> and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::string path_;
};

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
  o.reports_dir = dir.path() + "/reports";
  o.stub_binary = TC_STUB_BIN;
  o.grace_ms = 2000;
  return o;
}

}  // namespace tc::test
