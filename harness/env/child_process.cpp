// Boost.Process v2 launches; everything after the launch (signals, reaping) is plain POSIX on the pid,
// so the supervisor controls exactly when a child is signalled and reaped.
#define BOOST_PROCESS_USE_STD_FS 1
#include "harness/env/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/optional.hpp>   // Boost 1.81's v2 config names boost::optional without including it under USE_STD_FS
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace tc {
namespace {

namespace bp = boost::process::v2;

// Initializer run by the v2 posix launcher: on_setup in the parent before fork (installs the
// prepared environment), on_exec_setup in the child between fork and exec (only async-signal-safe calls).
struct BindToParent {
  const char* const* envp;
  pid_t parent;
  const std::map<int, int>* fds;   // the child's number -> ours

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&, const char* const*) {
    launcher.env = envp;
    for (const auto& [target, fd] : *fds) launcher.fd_whitelist.push_back(target);
    return {};
  }

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) return bp::error_code(errno, bp::system_category());
    // The parent may have died between fork and prctl: then nobody would ever signal us.
    if (::getppid() != parent) ::_exit(127);
    // Its own process group, so that teardown reaches whatever it starts (the parent sets it too,
    // whichever runs first).
    ::setpgid(0, 0);
    for (const auto& [target, fd] : *fds) {
      // dup2 onto itself keeps close-on-exec: clear it instead.
      const int r = fd == target ? ::fcntl(fd, F_SETFD, 0) : ::dup2(fd, target);
      if (r == -1) return bp::error_code(errno, bp::system_category());
    }
    // A child inherits the signal mask and ignored signals across exec; the runner may block
    // SIGINT/SIGTERM while it waits for them, and the child must still stop on SIGTERM.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
    return {};
  }
};

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

  boost::asio::io_context ctx;
  bp::error_code ec;
  pid_t pid = -1;
  {
    bp::posix::default_launcher launcher;
    auto proc = launcher(ctx, ec, exe, spec.args, bp::process_stdio{null_fd, log_fd, log_fd},
                         BindToParent{envp.data(), ::getpid(), &spec.fds});
    if (!ec) {
      pid = proc.id();
      ::setpgid(pid, pid);
      proc.detach();   // from here on the pid is ours: no terminate on destruction
    }
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  if (ec || pid <= 0) return environment_error("", "cannot start " + exe + ": " + ec.message());
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
