#include <iostream>

#include "harness/cli/commands.h"

namespace tc::cli {

int print_error(const Error& e) {
  std::cerr << "error: " << e.to_string() << "\n";
  return exit_code_for(e.kind);
}

}  // namespace tc::cli
