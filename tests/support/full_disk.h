// For tests: a disk that refuses a run's files, made without mounting one. Either a file-size limit
// on this process and what it starts, or one folder that takes no new file (the file system's
// immutable flag) while the rest of the tree takes its own.
#pragma once
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

namespace tc::testing {

// Files of at most `bytes` for what starts while it lives (a full disk, made without mounting one):
// a longer write fails with EFBIG, SIGXFSZ ignored. The limit and the disposition before are put back.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &before_);
    ::sigaction(SIGXFSZ, nullptr, &signal_before_);
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = before_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &before_);
    ::sigaction(SIGXFSZ, &signal_before_, nullptr);
  }

 private:
  rlimit before_{};
  struct sigaction signal_before_ {};
};

// A folder in which nothing can be created, renamed or removed, by root either (the file system's
// immutable flag): one folder of a reports tree that refuses its files while the rest takes theirs.
// The flag is cleared when this goes. ok() is false where the file system or the process cannot
// set it (a test then skips).
class ImmutableDir {
 public:
  explicit ImmutableDir(std::filesystem::path dir) : dir_(std::move(dir)) { ok_ = set(true); }
  ~ImmutableDir() {
    if (ok_) set(false);
  }
  ImmutableDir(const ImmutableDir&) = delete;
  ImmutableDir& operator=(const ImmutableDir&) = delete;
  bool ok() const { return ok_; }

 private:
  bool set(bool on) {
    const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    int flags = 0;
    bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (done) {
      flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
      done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return done;
  }
  std::filesystem::path dir_;
  bool ok_ = false;
};

}  // namespace tc::testing
