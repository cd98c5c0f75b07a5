// Reading /proc to see which processes exist: the env tests check that teardown and the death of
// the runner leave no child behind.
#pragma once
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace tc::test {

// State letter and parent of a process from /proc/<pid>/stat; state 0 when it does not exist.
struct ProcStat {
  char state = 0;
  pid_t ppid = 0;
};

inline ProcStat proc_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  auto close = line.rfind(')');   // the command name may hold spaces and parentheses
  if (close == std::string::npos || close + 4 > line.size()) return {};
  ProcStat s;
  s.state = line[close + 2];
  s.ppid = static_cast<pid_t>(std::stol(line.substr(close + 4)));
  return s;
}

// A process that no longer runs: gone, or a zombie waiting for a reaper.
inline bool process_gone(pid_t pid) {
  char s = proc_stat(pid).state;
  return s == 0 || s == 'Z' || s == 'X';
}

inline std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (proc_stat(pid).ppid == parent) out.push_back(pid);
  }
  return out;
}

// Whether every pid is gone within `ms`.
inline bool all_gone_within(const std::vector<pid_t>& pids, long ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    bool all = true;
    for (pid_t p : pids) all = all && process_gone(p);
    if (all) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The argv of a process (/proc/<pid>/cmdline split at its NULs); empty when it is gone.
inline std::vector<std::string> command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  return args;
}

// Every running process (zombies aside) whose environment holds `entry` ("NAME=value") exactly:
// what a run started inherits its environment, so a marker set for one test finds all it left.
inline std::vector<pid_t> processes_with_environment(const std::string& entry) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid() || process_gone(pid)) continue;
    std::ifstream in(e.path() / "environ", std::ios::binary);
    for (std::string var; std::getline(in, var, '\0');)
      if (var == entry) {
        out.push_back(pid);
        break;
      }
  }
  return out;
}

// The processes with `entry` in their environment still running after `ms` (empty: all gone).
inline std::vector<pid_t> left_with_environment(const std::string& entry, long ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    auto left = processes_with_environment(entry);
    if (left.empty() || std::chrono::steady_clock::now() >= deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace tc::test
