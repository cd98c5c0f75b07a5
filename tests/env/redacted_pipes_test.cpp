// A component's output reaches its file through a pipe the run reads: a file that cannot take the
// lines (a full disk) loses them, and the pipe stays open for the writer.
#include "harness/env/redacted_pipes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cli_process.h"
#include "env_test_support.h"

namespace tc {
namespace {

// SIGPIPE ignored while it lives, so a write to a closed pipe fails with EPIPE instead of ending the
// test; the disposition before is put back.
class PipeSignalIgnored {
 public:
  PipeSignalIgnored() { ::sigaction(SIGPIPE, nullptr, &before_), ::signal(SIGPIPE, SIG_IGN); }
  ~PipeSignalIgnored() { ::sigaction(SIGPIPE, &before_, nullptr); }

 private:
  struct sigaction before_ {};
};

TEST(RedactedPipes, AFileThatCannotBeWrittenLosesLinesAndKeepsThePipeOpen) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  PipeSignalIgnored ignored;
  RedactedPipes pipes;
  auto fd = pipes.open("/dev/full");  // every write fails with ENOSPC
  ASSERT_TRUE(fd.ok()) << fd.error().to_string();
  const std::string line = "a line the disk has no room for\n";
  // Several of the reader's passes: each reads what is there, fails to write it, and waits for more.
  for (int i = 0; i < 6; ++i) {
    const ssize_t n = ::write(*fd, line.data(), line.size());
    ASSERT_EQ(n, static_cast<ssize_t>(line.size())) << "write " << i << ": " << std::strerror(errno);
    pipes.sync(1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::close(*fd);
  pipes.close(1000);
}

TEST(RedactedPipes, LinesReachTheirFileRedacted) {
  test::ScratchDir dir;
  const std::string file = (std::filesystem::path(dir.path.string()) / "out.log").string();
  RedactedPipes pipes;
  auto fd = pipes.open(file);
  ASSERT_TRUE(fd.ok()) << fd.error().to_string();
  const std::string text = "first\nAuthorization: Bearer abcdef0123456789\nlast without newline";
  ASSERT_EQ(::write(*fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(*fd);
  pipes.close(5000);
  EXPECT_EQ(test::read_file(file), "first\nAuthorization: Bearer «redacted»\nlast without newline");
}

}  // namespace
}  // namespace tc
