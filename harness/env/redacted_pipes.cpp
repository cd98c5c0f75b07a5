#include "harness/env/redacted_pipes.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "common/redact.h"

namespace tc {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollMs = 50;

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses log lines, never the run
    done += static_cast<std::size_t>(n);
  }
}

struct Stream {
  int in = -1;   // read end, non-blocking
  int out = -1;  // the file
  std::string pending;
  bool open = true;

  // Writes every complete line of `pending` (and, at the end, the rest), each redacted on its own.
  void flush(bool at_end) {
    std::string text;
    std::size_t from = 0;
    for (;;) {
      const std::size_t nl = pending.find('\n', from);
      if (nl != std::string::npos && nl - from <= RedactedPipes::kMaxLine) {
        text += global_redactor().apply(std::string_view(pending).substr(from, nl - from));
        text += '\n';
        from = nl + 1;
      } else if (pending.size() - from > RedactedPipes::kMaxLine) {
        text += global_redactor().apply(std::string_view(pending).substr(from, RedactedPipes::kMaxLine));
        from += RedactedPipes::kMaxLine;
      } else {
        break;
      }
    }
    if (at_end && from < pending.size()) {
      text += global_redactor().apply(std::string_view(pending).substr(from));
      from = pending.size();
    }
    pending.erase(0, from);
    if (!text.empty()) write_all(out, text);
  }

  // Reads what is there; false once the pipe is closed and empty.
  bool read_some() {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(in, buf, sizeof buf);
      if (n > 0) {
        pending.append(buf, static_cast<std::size_t>(n));
        if (pending.size() > 4 * RedactedPipes::kMaxLine) flush(false);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // Nothing more for now, or the end: read's errno says which, before writing (a failed write of
      // the file's, a full disk, sets its own and must not end the pipe).
      const bool more_later = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      flush(n == 0);
      return more_later;
    }
  }

  void finish() {
    if (in >= 0) read_some();
    flush(true);
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    in = out = -1;
    open = false;
  }
};

}  // namespace

struct RedactedPipes::Impl {
  std::mutex mu;
  std::vector<Stream> streams;  // guarded by mu; read and written by the thread
  std::thread thread;
  bool closing = false;
  Clock::time_point deadline;
  std::condition_variable cycled;
  unsigned long cycles = 0;  // read passes over every pipe so far

  void run() {
    for (;;) {
      std::vector<pollfd> fds;
      {
        std::lock_guard lock(mu);
        bool all_closed = true;
        for (auto& s : streams) {
          if (s.open) fds.push_back({s.in, POLLIN, 0});
          all_closed = all_closed && !s.open;
        }
        if (closing && (all_closed || Clock::now() >= deadline)) {
          for (auto& s : streams) s.finish();
          streams.clear();
          return;
        }
      }
      ::poll(fds.data(), fds.size(), kPollMs);
      std::lock_guard lock(mu);
      for (auto& s : streams)
        if (s.open && !s.read_some()) s.finish();
      ++cycles;
      cycled.notify_all();
    }
  }
};

RedactedPipes::RedactedPipes() : impl_(std::make_unique<Impl>()) {}

RedactedPipes::~RedactedPipes() { close(0); }

Result<int> RedactedPipes::open(const std::string& file) {
  const int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return environment_error("", "cannot open " + file + ": " + std::strerror(errno));
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    ::close(out);
    return environment_error("", std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  ::fcntl(ends[0], F_SETFL, ::fcntl(ends[0], F_GETFL) | O_NONBLOCK);
  std::lock_guard lock(impl_->mu);
  impl_->streams.push_back(Stream{ends[0], out, {}, true});
  if (!impl_->thread.joinable()) {
    impl_->closing = false;
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
  }
  return ends[1];
}

void RedactedPipes::sync(long ms) const {
  std::unique_lock lock(impl_->mu);
  if (!impl_->thread.joinable()) return;
  const unsigned long until = impl_->cycles + 1;  // a whole pass that started after this call
  impl_->cycled.wait_for(lock, std::chrono::milliseconds(ms), [&] { return impl_->cycles > until; });
}

void RedactedPipes::close(long ms) {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->thread.joinable()) return;
    impl_->closing = true;
    impl_->deadline = Clock::now() + std::chrono::milliseconds(ms);
  }
  impl_->thread.join();
}

}  // namespace tc
