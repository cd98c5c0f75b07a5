#include "harness/report/report_file.h"

#include <fstream>

namespace tc {

Result<Unit> write_report_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (out.fail()) return environment_error("", "cannot write " + path.string());
  return Unit{};
}

}  // namespace tc
