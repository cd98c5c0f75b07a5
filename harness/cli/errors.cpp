#include <iostream>

#include "harness/cli/commands.h"

namespace tc::cli {

int exit_code(const Error& e) { return exit_code_for(e.kind); }

int print_error(const Error& e) {
  std::cerr << "error: " << e.to_string() << "\n";
  return exit_code(e);
}

}  // namespace tc::cli
