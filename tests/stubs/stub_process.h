// The real tenantcheck-stub program (TC_STUB_BIN) as a child process of a test, with captured
// stdout and stderr; every wait has a deadline and the child never outlives its test.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tc::test {

using namespace std::chrono_literals;

// A child process with captured stdout and stderr. Killed and reaped on destruction, so none outlives
// its test.
class Child {
 public:
  explicit Child(std::vector<std::string> args, std::vector<std::string> env_extra = {}) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      for (const auto& e : env_extra) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      std::string bin = TC_STUB_BIN;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
    }
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
  }

  // The first line of stdout, or nullopt by the deadline.
  std::optional<std::string> first_line(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t nl;
    while ((nl = stdout_.find('\n')) == std::string::npos)
      if (!drain(out_, stdout_, deadline)) return std::nullopt;
    return stdout_.substr(0, nl);
  }

  // Waits for exit (reading both pipes so the child never blocks on them); nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        auto soon = std::chrono::steady_clock::now() + 500ms;
        while (drain(out_, stdout_, soon) || drain(err_, stderr_, soon)) {}
        return status_;
      }
      auto step = std::chrono::steady_clock::now() + 20ms;
      drain(out_, stdout_, step);
      drain(err_, stderr_, step);
    }
    return std::nullopt;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }
  // Reads what stderr holds so far (for a child still running).
  const std::string& err_now(std::chrono::milliseconds wait = 300ms) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (drain(err_, stderr_, deadline)) {}
    return stderr_;
  }

 private:
  static bool drain(int fd, std::string& into, std::chrono::steady_clock::time_point deadline) {
    if (fd < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string stdout_, stderr_;
  std::optional<int> status_;
};

}  // namespace tc::test
