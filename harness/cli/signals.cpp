#include "harness/cli/signals.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tc::cli {

namespace {
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

SignalGuard::SignalGuard(std::function<void()> on_signal) {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, on_signal = std::move(on_signal)] {
    sigset_t set = stop_signals();
    const timespec tick{0, 200 * 1000 * 1000};
    while (!done_.load()) {
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig != SIGINT && sig != SIGTERM) continue;
      std::fprintf(stderr, "\ninterrupted (%s): stopping the environment\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
      if (on_signal) on_signal();
      std::fflush(stdout);
      std::_Exit(128 + sig);
    }
  });
}

SignalGuard::~SignalGuard() {
  done_ = true;
  if (watcher_.joinable()) watcher_.join();
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace tc::cli
