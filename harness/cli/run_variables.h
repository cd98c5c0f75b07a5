// Variables from the command line, for every scenario as {{NAME}}: `--var NAME=VALUE` and
// `--vars FILE` (a map of names to values, any JSON type) are plain values, shown as given in every
// report; `--secret NAME=VALUE` is registered with the redactor and shows as «redacted» everywhere
// (as every {{env.NAME}} value does). A scenario's own vars, matrix keys and captures of the same
// name win over them. Files are read first, then --var, then --secret: a later one wins.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/document.h"

namespace tc::cli {

struct RunVariables {
  std::vector<std::string> vars, secrets, files;

  void add_options(CLI::App* command);
  // The flags that give them again (for child runs).
  std::vector<std::string> as_flags() const;
  // NAME -> value, secrets registered with the redactor. A name that is no identifier or is in
  // `taken` (built-in variables, component names) is a usage error naming the flag; a file that
  // cannot be read or is no map is an input error naming it.
  Result<json> resolve(const std::set<std::string>& taken) const;
};

}  // namespace tc::cli
