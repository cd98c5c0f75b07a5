// Running the tenantcheck binary from a test: output to a file, a deadline on every wait, and a
// SIGKILL for a process that outlives its test (ChildProcess's destructor).
#pragma once
#include <chrono>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness/env/child_process.h"

namespace tc::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `path` until it contains `text` or `ms` pass.
inline bool wait_for_text(const std::string& path, const std::string& text, long ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (read_file(path).find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

struct CliRun {
  std::string output;
  std::string exit;   // ChildProcess::describe_exit(), "running" when the deadline passed
};

// Runs tenantcheck with `args` to completion (at most `ms`), output to `log`.
inline CliRun run_cli(const std::vector<std::string>& args, const std::string& log, long ms,
                      std::map<std::string, std::string> env = {}) {
  auto child = ChildProcess::start(ChildSpec{TC_CLI_BIN, args, std::move(env), log});
  if (!child) return {child.error().to_string(), "not started"};
  child->wait_for(ms);
  CliRun r{"", child->describe_exit()};
  child->kill_and_reap();
  r.output = read_file(log);
  return r;
}

}  // namespace tc::test
