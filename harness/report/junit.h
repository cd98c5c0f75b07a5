// The JUnit report is GoogleTest's own XML: each scenario's failure message names the scenario,
// the step (file:line), expected and actual, then the redacted transcript. By default it is written
// to <reports>/junit.xml; a user's --gtest_output (or GTEST_OUTPUT) wins.
#pragma once
#include <string>
#include <vector>

namespace tc {

// GoogleTest arguments with "--gtest_output=xml:<reports_dir>/junit.xml" added unless the user chose
// an output. GoogleTest installs its XML writer while parsing flags, so call this before
// testing::InitGoogleTest and pass it the result.
std::vector<std::string> with_default_junit_output(std::vector<std::string> gtest_args, const std::string& reports_dir);

}  // namespace tc
