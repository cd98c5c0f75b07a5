// While a SignalGuard lives, SIGINT and SIGTERM do not kill the process at once. With `on_signal`,
// a watcher thread runs it (tearing the environment down) and then exits with 128 + the signal
// number (130, 143). Without, the watcher only records the signal: the owner's loop asks
// signalled(), stops and reaps its children itself (one owner reaps each child), writes what it
// has and returns 128 + the signal. Construct it on the main thread before any other thread
// starts, so that every thread inherits the blocked mask; children reset their mask themselves.
#pragma once
#include <atomic>
#include <functional>
#include <thread>

namespace tc::cli {

class SignalGuard {
 public:
  explicit SignalGuard(std::function<void()> on_signal = nullptr);
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  // 0, or the signal (SIGINT, SIGTERM) received; only without on_signal.
  int signalled() const { return signalled_.load(); }

 private:
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<int> signalled_{0};
  std::thread watcher_;
};

}  // namespace tc::cli
