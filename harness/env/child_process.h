// One child process of a topology: started with fork and execve, stdout and stderr appended to a
// log file (or handed to a descriptor), and bound to this process's life: between fork and exec the
// child asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so none survives a
// SIGKILL of the runner. The child leads its own process group, and the group is what is signalled:
// whatever the child started goes with it (also when the child itself exits first).
// The kernel sends that signal when the *thread* that forked exits: start children from the thread
// that lives for the whole run (the main thread). Not thread-safe; owned by one supervisor.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace tc {

struct ChildSpec {
  std::string executable;                      // a path, or a bare name looked up in PATH
  std::vector<std::string> args;               // argv[1..]
  std::map<std::string, std::string> env;      // added to (or replacing in) this process's environment
  std::string log_file;                        // stdout and stderr, truncated at start (without output_fd)
  int output_fd = -1;                          // stdout and stderr to this descriptor instead
  // Further descriptors the child inherits: its number (3 or more) -> ours; the numbers may cross.
  std::map<int, int> fds{};
};

class ChildProcess {
 public:
  // An environment error (no component set) when the executable cannot be found or started.
  static Result<ChildProcess> start(const ChildSpec& spec);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();                             // SIGKILL and reap if still running

  pid_t pid() const { return pid_; }
  // Reaps without blocking; false once the child has exited (what is left of its group is killed first).
  bool running();
  // "exited with status N" / "killed by signal N" / "running".
  std::string describe_exit() const;
  // The exit status once exited normally; nullopt while running or when killed by a signal.
  std::optional<int> exit_code() const;
  void signal(int sig);                        // to the child's whole process group
  // Waits up to `ms` for the child to exit (reaping it); true if it has.
  bool wait_for(long ms);
  // SIGKILL if running, then reap (blocking; a SIGKILLed child exits promptly).
  void kill_and_reap();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

// Stops `children` together: SIGTERM to each (its whole group), then `grace_ms` shared by all to
// exit, then SIGKILL for what is left; every one is reaped, in the order given.
void stop_children(const std::vector<ChildProcess*>& children, long grace_ms);

// The executable a ChildSpec names: a path as is; a bare name searched in PATH. Empty when absent.
std::string find_executable(const std::string& name);

}  // namespace tc
