// While a SignalGuard lives, SIGINT and SIGTERM do not kill the process at once: a watcher thread
// runs `on_signal` (tearing the environment down) and then exits with 128 + the signal number
// (130, 143). Construct it on the main thread before any other thread starts, so that every thread
// inherits the blocked mask; children started by the supervisor reset their mask themselves.
#pragma once
#include <functional>
#include <thread>

namespace tc::cli {

class SignalGuard {
 public:
  explicit SignalGuard(std::function<void()> on_signal);
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::thread watcher_;
};

}  // namespace tc::cli
