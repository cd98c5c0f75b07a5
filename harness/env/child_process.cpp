// A child is started with fork and execve, and everything after (signals, reaping) is plain POSIX on
// the pid, so the supervisor controls exactly when a child is signalled and reaped. Not Boost.Process:
// its launcher notifies an Asio context in the forked child, which allocates, and a child forked
// while another thread of ours held an allocator lock waited for it for ever (and the parent with it).
#include "harness/env/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace tc {
namespace {

[[noreturn]] void report_errno_and_exit(int report) {
  const int e = errno;
  [[maybe_unused]] const ssize_t w = ::write(report, &e, sizeof e);
  ::_exit(127);
}

// The child's side, between fork and exec: async-signal-safe calls only, and no allocation (the
// parent has other threads, whose locks a forked child inherits held). On failure it reports errno
// through `report` and exits 127.
// `fds` is the child's own copy (target, source), changed in place.
[[noreturn]] void exec_child(const char* exe, const char* const* argv, const char* const* envp, pid_t parent,
                             int null_fd, int log_fd, std::pair<int, int>* fds, std::size_t n_fds,
                             int report, int max_fd) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) report_errno_and_exit(report);
  // The parent may have died between fork and prctl: then nobody would ever signal us.
  if (::getppid() != parent) ::_exit(127);
  // Its own process group, so that teardown reaches whatever it starts (the parent sets it too,
  // whichever runs first).
  ::setpgid(0, 0);
  // A descriptor read from below whose number is written to (stdio, a spec target) moves above every
  // such number first, so that no dup2 replaces one still needed: a target that is the report pipe's
  // number would make an exec failure look like success, one that is another's source would hand on
  // the wrong file. Descriptors out of the way stay where they are.
  int floor = 3;
  for (std::size_t i = 0; i < n_fds; ++i) floor = std::max(floor, fds[i].first + 1);
  auto in_the_way = [fds, n_fds](int fd) {
    if (fd < 3) return fd >= 0;
    for (std::size_t i = 0; i < n_fds; ++i)
      if (fds[i].first == fd) return true;
    return false;
  };
  auto lift = [&](int& fd) {
    if (!in_the_way(fd)) return true;
    const int up = ::fcntl(fd, F_DUPFD_CLOEXEC, floor);
    if (up == -1) return false;
    fd = up;
    return true;
  };
  if (!lift(report) || !lift(null_fd) || !lift(log_fd)) report_errno_and_exit(report);
  for (std::size_t i = 0; i < n_fds; ++i) {
    const int source = fds[i].second;
    int up = source;
    if (!lift(up)) report_errno_and_exit(report);
    for (std::size_t j = i; up != source && j < n_fds; ++j)  // one copy however many numbers it is handed on as
      if (fds[j].second == source) fds[j].second = up;
  }
  if ((null_fd >= 0 && ::dup2(null_fd, 0) == -1) || ::dup2(log_fd, 1) == -1 || ::dup2(log_fd, 2) == -1)
    report_errno_and_exit(report);
  // Nothing else of ours crosses the exec but the descriptors the spec hands on.
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == -1)
    for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  for (std::size_t i = 0; i < n_fds; ++i)  // no source is any target's number now
    if (::dup2(fds[i].second, fds[i].first) == -1) report_errno_and_exit(report);
  // A child inherits the signal mask and ignored signals across exec; the runner may block
  // SIGINT/SIGTERM while it waits for them, and the child must still stop on SIGTERM.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
  ::execve(exe, const_cast<char* const*>(argv), const_cast<char* const*>(envp));
  report_errno_and_exit(report);
}

}  // namespace

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

Result<ChildProcess> ChildProcess::start(const ChildSpec& spec) {
  const std::string exe = find_executable(spec.executable);
  if (exe.empty()) return environment_error("", "executable not found or not executable: " + spec.executable);

  // This process's environment with the spec's entries added or replaced.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (!spec.env.count(key)) env_strings.push_back(std::move(entry));
  }
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<const char*> envp;
  for (const auto& s : env_strings) envp.push_back(s.c_str());
  envp.push_back(nullptr);

  int log_fd = spec.output_fd >= 0
                   ? ::fcntl(spec.output_fd, F_DUPFD_CLOEXEC, 3)
                   : ::open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return environment_error("", "cannot open log file " + spec.log_file + ": " + std::strerror(errno));
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  // Everything the child needs is made here, before the fork.
  std::vector<const char*> argv{exe.c_str()};
  for (const auto& a : spec.args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::vector<std::pair<int, int>> fds(spec.fds.begin(), spec.fds.end());
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  const int max_fd = open_max > 0 && open_max < 65536 ? static_cast<int>(open_max) : 65536;
  const pid_t parent = ::getpid();
  int report[2];
  if (::pipe2(report, O_CLOEXEC) == -1) {
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return environment_error("", std::string("cannot start ") + exe + ": pipe: " + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    exec_child(exe.c_str(), argv.data(), envp.data(), parent, null_fd, log_fd, fds.data(), fds.size(), report[1], max_fd);
  }
  const int fork_errno = errno;
  ::close(report[1]);
  int exec_errno = 0;
  if (pid > 0) {
    ::setpgid(pid, pid);
    // The pipe closes at the child's exec (close-on-exec) or carries its errno: the read ends
    // either way, since the child takes no lock before it execs or exits.
    ssize_t got;
    while ((got = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
    }
    if (got != static_cast<ssize_t>(sizeof exec_errno)) exec_errno = 0;
    if (exec_errno) {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  ::close(report[0]);
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  if (pid < 0) return environment_error("", "cannot start " + exe + ": fork: " + std::strerror(fork_errno));
  if (exec_errno) return environment_error("", "cannot start " + exe + ": " + std::strerror(exec_errno));
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exited_(other.exited_), status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    exited_ = other.exited_;
    status_ = other.status_;
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

bool ChildProcess::running() {
  if (pid_ <= 0 || exited_) return false;
  // Seen exited but not yet reaped, the child still holds its group's id: what it left behind in
  // the group is killed before the id can be reused.
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_)
    ::kill(-pid_, SIGKILL);
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    exited_ = true;
    status_ = r == pid_ ? status : 0;
  }
  return !exited_;
}

std::string ChildProcess::describe_exit() const {
  if (!exited_) return "running";
  if (WIFSIGNALED(status_)) return "killed by signal " + std::to_string(WTERMSIG(status_));
  return "exited with status " + std::to_string(WEXITSTATUS(status_));
}

std::optional<int> ChildProcess::exit_code() const {
  if (!exited_ || !WIFEXITED(status_)) return std::nullopt;
  return WEXITSTATUS(status_);
}

void ChildProcess::signal(int sig) {
  if (pid_ <= 0 || exited_) return;
  if (::kill(-pid_, sig) != 0) ::kill(pid_, sig);  // not (yet) a group of its own
}

bool ChildProcess::wait_for(long ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void ChildProcess::kill_and_reap() {
  if (pid_ <= 0 || exited_) return;
  if (!running()) return;
  signal(SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exited_ = true;
  status_ = status;
}

void stop_children(const std::vector<ChildProcess*>& children, long grace_ms) {
  for (auto* c : children) c->signal(SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (auto* c : children) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!c->wait_for(std::max<long>(0, left.count()))) c->kill_and_reap();
  }
}

}  // namespace tc
