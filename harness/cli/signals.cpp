#include "harness/cli/signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/exit_codes.h"

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
  // The stop signals arrive on a signalfd; the destructor wakes the watcher through an eventfd, so
  // it ends at once rather than at the next tick of a timed wait.
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  watcher_ = std::thread([this, on_signal = std::move(on_signal)] {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
      if (::poll(fds, 2, -1) < 0) continue;   // EINTR
      if (fds[1].revents) return;
      signalfd_siginfo info{};
      if (!(fds[0].revents & POLLIN) || ::read(signal_fd_, &info, sizeof info) != sizeof info) continue;
      const int sig = static_cast<int>(info.ssi_signo);
      std::fprintf(stderr, "\ninterrupted (%s): stopping the environment\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
      if (!on_signal) {  // the owner stops; a second signal changes nothing
        int none = 0;
        signalled_.compare_exchange_strong(none, sig);
        continue;
      }
      on_signal();
      std::fflush(stdout);
      std::_Exit(exit_interrupted(sig));
    }
  });
}

SignalGuard::~SignalGuard() {
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0 && ::write(wake_fd_, &one, sizeof one) != sizeof one) {
  }
  if (watcher_.joinable()) watcher_.join();
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace tc::cli
