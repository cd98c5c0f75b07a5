// redact_files_in_place: what a file held before a secret was learnt is masked in place; a file the
// redactor leaves as it is is not written; one whose masked text cannot be written is removed (it
// holds the secret) and named.
#include "common/redact.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/full_disk.h"
#include "support/temp_dir.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(RedactFiles, AFileWrittenBeforeASecretWasLearntIsMaskedAndAnUnchangedOneIsNotWritten) {
  testing::TempDir dir;
  const std::string secret = "late-secret-Qw7rT2" + dir.path.filename().string();
  write(dir.path / "component.log", "started\ncaller sent " + secret + "\n");
  write(dir.path / "plain.log", "nothing secret here\n");
  const ino_t plain = inode(dir.path / "plain.log");
  global_redactor().add_secret(secret);
  const auto lost = redact_files_in_place(dir.path.string());
  EXPECT_TRUE(lost.empty()) << lost.front().to_string();
  EXPECT_EQ(read(dir.path / "component.log"), "started\ncaller sent " + std::string(kRedacted) + "\n");
  EXPECT_EQ(read(dir.path / "plain.log"), "nothing secret here\n");
  EXPECT_EQ(inode(dir.path / "plain.log"), plain) << "a file with nothing to mask is left where it is";
}

// The disk takes no more than 64 bytes a file: the masked copy cannot be written. Left in place, the
// file would keep the secret in clear; it is removed and the error names it.
TEST(RedactFiles, AFileWhoseMaskedTextCannotBeWrittenIsRemovedAndNamed) {
  testing::TempDir dir;
  const std::string secret = "late-secret-Zp4kM9" + dir.path.filename().string();
  const fs::path log = dir.path / "component.log";
  write(log, "started\n" + std::string(100, '.') + "\ncaller sent " + secret + "\n");
  global_redactor().add_secret(secret);
  std::vector<Error> lost;
  {
    testing::FileSizeLimit limit(64);
    lost = redact_files_in_place(dir.path.string());
  }
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].kind, ErrorKind::environment);
  EXPECT_NE(lost[0].message.find(log.string()), std::string::npos) << lost[0].message;
  EXPECT_NE(lost[0].message.find("removed it"), std::string::npos) << lost[0].message;
  EXPECT_FALSE(fs::exists(log)) << read(log);
  EXPECT_FALSE(fs::exists(log.string() + ".redacting"));
}

}  // namespace
}  // namespace tc
