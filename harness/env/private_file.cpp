#include "harness/env/private_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tc {

Result<std::unique_ptr<PrivateFile>> PrivateFile::write(const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec);
  std::string name = ((ec ? fs::path("/tmp") : dir) / "tenantcheck-XXXXXX").string();
  const int fd = ::mkstemp(name.data());   // mode 0600
  if (fd < 0) return environment_error("", "cannot create a private file " + name + ": " + std::strerror(errno));
  std::unique_ptr<PrivateFile> file(new PrivateFile(name));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return environment_error("", "cannot write the private file " + name + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return file;
}

PrivateFile::~PrivateFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace tc
