// The console reporter: a GoogleTest event listener that replaces the default printer. One line per
// test (scenario or matrix row) with its outcome — PASS, FAIL (the failure messages follow,
// indented) or SKIP (with the reason) — and, as the last line of the run, exactly
// "N passed, N failed" plus ", N skipped" when some were skipped (counted over every repeat).
#pragma once
#include <cstdio>

namespace tc {

// Removes GoogleTest's default printer and installs the console reporter writing to `out`.
// Call after testing::InitGoogleTest and before RUN_ALL_TESTS.
void install_console_reporter(std::FILE* out = stdout);

}  // namespace tc
