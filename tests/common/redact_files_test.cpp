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

namespace tc {
namespace {

namespace fs = std::filesystem;

struct Folder {
  fs::path dir;
  Folder() {
    std::string tmpl = (fs::temp_directory_path() / "tc-redact-files-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

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
  Folder f;
  const std::string secret = "late-secret-Qw7rT2" + f.dir.filename().string();
  write(f.dir / "component.log", "started\ncaller sent " + secret + "\n");
  write(f.dir / "plain.log", "nothing secret here\n");
  const ino_t plain = inode(f.dir / "plain.log");
  global_redactor().add_secret(secret);
  const auto lost = redact_files_in_place(f.dir.string());
  EXPECT_TRUE(lost.empty()) << lost.front().to_string();
  EXPECT_EQ(read(f.dir / "component.log"), "started\ncaller sent " + std::string(kRedacted) + "\n");
  EXPECT_EQ(read(f.dir / "plain.log"), "nothing secret here\n");
  EXPECT_EQ(inode(f.dir / "plain.log"), plain) << "a file with nothing to mask is left where it is";
}

// The disk takes no more than 64 bytes a file: the masked copy cannot be written. Left in place, the
// file would keep the secret in clear; it is removed and the error names it.
TEST(RedactFiles, AFileWhoseMaskedTextCannotBeWrittenIsRemovedAndNamed) {
  Folder f;
  const std::string secret = "late-secret-Zp4kM9" + f.dir.filename().string();
  const fs::path log = f.dir / "component.log";
  write(log, "started\n" + std::string(100, '.') + "\ncaller sent " + secret + "\n");
  global_redactor().add_secret(secret);
  std::vector<Error> lost;
  {
    testing::FileSizeLimit limit(64);
    lost = redact_files_in_place(f.dir.string());
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
