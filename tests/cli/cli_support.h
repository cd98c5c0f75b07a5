// For the CLI's tests: running the real tenantcheck binary with a deadline (its output captured to
// files, the process killed if it overstays), a minimal HTTP server on 127.0.0.1:0 that answers every
// request with a fixed status (the "external" component of a small topology), and a temp folder; a
// disk that refuses a run's files comes from support/full_disk.h.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/full_disk.h"
#include "support/temp_dir.h"

extern char** environ;

namespace tc::cli_test {

namespace fs = std::filesystem;
using tc::testing::FileSizeLimit;
using tc::testing::ImmutableDir;
using tc::testing::TempDir;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

struct Outcome {
  int code = -1;
  std::string out, err;
  // The last non-empty line of stdout.
  std::string last_line() const {
    std::string s = out;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    auto pos = s.rfind('\n');
    return pos == std::string::npos ? s : s.substr(pos + 1);
  }
};

// A null-terminated array of the strings' pointers, for posix_spawn (the strings must outlive it).
inline std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs TC_CLI_BIN with `args` in `cwd`; killed (SIGKILL, then reaped) after `deadline`. With
// `signal`, that signal is sent once `signal_after_ms` have passed and, when `signal_when` is given,
// that path (relative to `cwd`) exists: a moment the program itself marks, not a guess at its speed.
inline Outcome run_cli(const std::vector<std::string>& args, const fs::path& cwd,
                       std::chrono::seconds deadline = std::chrono::seconds(60), int signal_after_ms = 0,
                       int signal = 0, const fs::path& signal_when = {}) {
  const fs::path out_file = cwd / ".stdout", err_file = cwd / ".stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<std::string> storage = {TC_CLI_BIN};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv = pointers(storage);
  pid_t pid = 0;
  Outcome o;
  if (posix_spawn(&pid, TC_CLI_BIN, &actions, nullptr, argv.data(), environ) != 0) return o;
  posix_spawn_file_actions_destroy(&actions);
  const auto start = std::chrono::steady_clock::now();
  bool signalled = false;
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    auto elapsed = std::chrono::steady_clock::now() - start;
    std::error_code ec;
    if (signal && !signalled && elapsed >= std::chrono::milliseconds(signal_after_ms) &&
        (signal_when.empty() || fs::exists(cwd / signal_when, ec))) {
      kill(pid, signal);
      signalled = true;
    }
    if (elapsed > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      o.code = -2;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (o.code != -2) o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = read_file(out_file);
  o.err = read_file(err_file);
  return o;
}

// Whether this machine can open a pseudo-terminal (a chroot without /dev/pts cannot).
inline bool pseudo_terminal_available() {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) return false;
  const bool ok = grantpt(master) == 0 && unlockpt(master) == 0 && ptsname(master) != nullptr &&
                  ::access(ptsname(master), R_OK | W_OK) == 0;
  ::close(master);
  return ok;
}

// Runs TC_CLI_BIN with `args` in `cwd`, its stdout a terminal (a pseudo-terminal we read), with
// `extra_env` ("NAME=VALUE") added; returns what the terminal showed. Killed after 60 s.
inline std::string run_in_terminal(const std::vector<std::string>& args, const fs::path& cwd,
                                   const std::vector<std::string>& extra_env) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return "(no pseudo-terminal)";
  const std::string slave = ptsname(master);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, slave.c_str(), O_WRONLY | O_NOCTTY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, (cwd / ".stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<std::string> storage = {TC_CLI_BIN};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv = pointers(storage);
  std::vector<std::string> env_storage = extra_env;
  for (char** e = environ; *e; ++e)
    if (std::string(*e).rfind("NO_COLOR=", 0) != 0 && std::string(*e).rfind("TERM=", 0) != 0) env_storage.push_back(*e);
  env_storage.push_back("TERM=xterm");
  std::vector<char*> envp = pointers(env_storage);
  pid_t pid = 0;
  if (posix_spawn(&pid, TC_CLI_BIN, &actions, nullptr, argv.data(), envp.data()) != 0) return "(not started)";
  posix_spawn_file_actions_destroy(&actions);
  std::string shown;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  bool exited = false;
  for (;;) {  // read while it runs, so a full terminal buffer never blocks it
    pollfd p{master, POLLIN, 0};
    ssize_t n = 0;
    if (poll(&p, 1, 50) > 0) {
      char buf[4096];
      n = read(master, buf, sizeof buf);
      if (n > 0) shown.append(buf, static_cast<std::size_t>(n));
    }
    if (exited && n <= 0) break;  // reaped, and nothing more to read
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (!exited && std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      exited = true;
    }
  }
  close(master);
  return shown;
}

// Answers every request with `status` (or a cycle of statuses) and a small JSON body; counts
// requests. Connection: close.
class FixedServer {
 public:
  explicit FixedServer(int status, int delay_ms = 0) : FixedServer(std::vector<int>{status}, delay_ms) {}
  // Request i is answered with cycle[i % cycle.size()].
  explicit FixedServer(std::vector<int> cycle, int delay_ms = 0) : cycle_(std::move(cycle)), delay_ms_(delay_ms) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FixedServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string data;
      char buf[4096];
      while (data.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 2000) <= 0) break;
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
      }
      const int status_ = cycle_[static_cast<std::size_t>(requests_++) % cycle_.size()];
      if (delay_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      std::string body = "{\"ok\":" + std::string(status_ < 400 ? "true" : "false") + "}";
      // GET /set-cookie/VALUE is answered with a session cookie of that value.
      const std::string cookie_path = "GET /set-cookie/";
      std::string cookie;
      if (data.compare(0, cookie_path.size(), cookie_path) == 0)
        cookie = "Set-Cookie: sid=" + data.substr(cookie_path.size(), data.find(' ', cookie_path.size()) - cookie_path.size()) +
                 "; HttpOnly\r\n";
      std::string reply = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Type: application/json\r\n" + cookie +
                          "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)!write(c, reply.data(), reply.size());
      close(c);
    }
  }
  std::vector<int> cycle_;
  int delay_ms_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A topology whose only component `api` is the external `url` (nothing is started).
inline std::string external_topology(const std::string& url, const std::string& capabilities = "[]") {
  return "profile: " + std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml\n" +
         "capabilities: " + capabilities + "\n" +
         "components:\n"
         "  api:\n"
         "    external: {url: \"" + url + "\"}\n"
         "    audit: none\n";
}

}  // namespace tc::cli_test
