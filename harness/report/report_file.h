// A file a run writes (a report, an Allure result, a scratch flow) is written whole and closed
// before it is judged: a short text stays in the stream's buffer until the close, so a disk that
// takes none of it shows only there. An error is then an environment error naming the file.
#pragma once
#include <filesystem>
#include <string_view>

#include "common/status.h"

namespace tc {

// `text` as the whole of the file at `path` (created or truncated).
Result<Unit> write_report_file(const std::filesystem::path& path, std::string_view text);

}  // namespace tc
