#include "common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tc {
namespace {

Error file_error(const std::string& path, const std::string& message) {
  Where w;
  w.file = path;
  return input_error(w, message);
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (f.fd < 0) return file_error(path, std::string("cannot read file: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return file_error(path, std::string("cannot read file: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return file_error(path, "cannot read file: it is " + kind_of(st.st_mode) + ", not a regular file");
  const auto too_large = [&] {
    return file_error(path, "file too large: input files are limited to " + mib(max_bytes));
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return too_large();
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size) + 1);  // one byte more tells a file that grew since fstat
  std::size_t got = 0;
  while (true) {
    if (got == out.size()) {
      if (out.size() > max_bytes) return too_large();
      out.resize(std::min(out.size() * 2 + 4096, max_bytes + 1));
    }
    const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, std::string("cannot read file: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return too_large();
  out.resize(got);
  return out;
}

bool path_within(const std::string& path, const std::vector<std::string>& roots) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return false;
  for (const auto& root : roots) {
    const fs::path r = fs::weakly_canonical(fs::absolute(root, ec), ec);
    if (ec) continue;
    auto pi = p.begin();
    bool inside = true;
    for (auto ri = r.begin(); ri != r.end(); ++ri, ++pi) {
      if (ri->empty()) continue;  // a trailing separator
      if (pi == p.end() || *pi != *ri) {
        inside = false;
        break;
      }
    }
    if (inside) return true;
  }
  return false;
}

}  // namespace tc
