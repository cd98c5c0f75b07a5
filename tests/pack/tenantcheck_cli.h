// The pack tests drive the real binary from the source tree: exit code and output of one command,
// and a report folder per test process.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

namespace tc::pack_test {

// `tenantcheck ARGS` run from the source tree, killed after `seconds`: exit code and output.
inline std::pair<int, std::string> tenantcheck(const std::string& args, int seconds = 300) {
  const std::string cmd = "cd '" + std::string(TC_SOURCE_DIR) + "' && timeout " + std::to_string(seconds) + " '" +
                          TC_CLI_BIN + "' " + args + " 2>&1";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// <tmp>/tc-<prefix>-<pid>/<name>.
inline std::filesystem::path reports_dir(const std::string& prefix, const std::string& name) {
  return std::filesystem::temp_directory_path() / ("tc-" + prefix + "-" + std::to_string(getpid())) / name;
}

}  // namespace tc::pack_test
