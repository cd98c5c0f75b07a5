// Reading a file someone wrote for us (scenarios, step files, topologies, bindings, profiles,
// fixtures, baselines, variable files): only a regular file is read, and at most kMaxInputBytes of
// it, so a path naming a device (/dev/zero), a FIFO or a folder is refused at once instead of being
// read for ever or blocking. Errors are input errors naming the file.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace tc {

// The limits every input file and the document made of it keep (docs/scenario-format.md, "Limits").
struct InputLimits {
  static constexpr std::size_t kMaxInputBytes = 8u << 20;       // one file's bytes
  static constexpr std::size_t kMaxNodes = 200'000;             // values of one document, aliases expanded
  static constexpr std::size_t kMaxScalarBytes = 64u << 20;     // text of its scalars, aliases expanded
  static constexpr std::size_t kMaxAliases = 10'000;            // alias uses (*name) in one document
  static constexpr std::size_t kMaxDepth = 128;                // nesting of lists and maps, aliases expanded
};

// The bytes of the regular file at `path`. Opening never blocks (a FIFO is refused, not waited on).
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes = InputLimits::kMaxInputBytes);

// Whether `path`, with every symbolic link and ".." resolved, lies inside one of `roots` (folders,
// resolved the same way). A path that does not exist yet is judged by its nearest existing ancestor.
bool path_within(const std::string& path, const std::vector<std::string>& roots);

}  // namespace tc
