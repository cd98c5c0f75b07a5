#include <iostream>

#include "harness/cli/commands.h"

namespace tc::cli {

int exit_code(const Error& e) {
  switch (e.kind) {
    case ErrorKind::usage:
    case ErrorKind::input: return kExitInput;
    case ErrorKind::environment: return kExitEnvironment;
    case ErrorKind::internal: break;
  }
  return 4;  // a bug of tenantcheck: no documented meaning
}

int print_error(const Error& e) {
  std::cerr << "error: " << e.to_string() << "\n";
  return exit_code(e);
}

}  // namespace tc::cli
