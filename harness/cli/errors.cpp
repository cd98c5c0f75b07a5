#include <iostream>

#include "harness/cli/commands.h"

namespace tc::cli {

int print_error(const Error& e) {
  std::cerr << "error: " << e.to_string() << "\n";
  return exit_code_for(e.kind);
}

void print_report_lost(const Error& e) { std::cerr << kReportLost << e.to_string() << "\n"; }

}  // namespace tc::cli
