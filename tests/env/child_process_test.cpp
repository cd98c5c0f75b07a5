#include "harness/env/child_process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "env_test_support.h"

namespace tc {
namespace {

using test::ScratchDir;

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) read = fds[0], write = fds[1];
  }
  ~Pipe() {
    close_write();
    if (read >= 0) ::close(read);
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
  // Everything written, once every write end is closed.
  std::string drain() const {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::read(read, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }
};

TEST(ChildProcess, EachDescriptorHandedOnIsTheOneNamedAlsoWhenTheNumbersCross) {
  ScratchDir dir;
  Pipe first, second;
  ASSERT_GE(first.write, 0);
  ASSERT_GE(second.write, 0);
  // The child's number of each is our number of the other.
  const std::string script = "echo one >&" + std::to_string(second.write) + "; echo two >&" + std::to_string(first.write);
  ChildSpec spec{"/bin/bash", {"-c", script}, {}, dir.path.string() + "/child.log"};
  spec.fds = {{second.write, first.write}, {first.write, second.write}};
  auto child = ChildProcess::start(spec);
  ASSERT_TRUE(child) << child.error().to_string();
  ASSERT_TRUE(child->wait_for(10000));
  EXPECT_EQ(child->exit_code(), 0) << child->describe_exit();
  first.close_write();
  second.close_write();
  EXPECT_EQ(first.drain(), "one\n");
  EXPECT_EQ(second.drain(), "two\n");
}

TEST(ChildProcess, AnExecFailureIsAnErrorWhateverNumbersTheSpecHandsOn) {
  ScratchDir dir;
  const std::string exe = dir.write("not-a-program", "neither an ELF file nor a script\n");
  ASSERT_EQ(::chmod(exe.c_str(), 0755), 0);
  Pipe out;
  ASSERT_GE(out.write, 0);
  ChildSpec spec{exe, {}, {}, dir.path.string() + "/child.log"};
  // Every low number, the one the launcher's own exec-report pipe gets among them.
  for (int target = 3; target < 96; ++target) spec.fds[target] = out.write;
  auto child = ChildProcess::start(spec);
  ASSERT_FALSE(child) << "started, pid " << child->pid();
  EXPECT_NE(child.error().message.find("cannot start " + exe + ": Exec format error"), std::string::npos)
      << child.error().to_string();
}

}  // namespace
}  // namespace tc
