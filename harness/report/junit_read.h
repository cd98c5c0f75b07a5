// Reading back a JUnit file that GoogleTest wrote (ours, or a child run's): one entry per testcase
// with its outcome and the properties the runner recorded (requirements, tags). Used where one run
// judges others (tenantcheck mutate).
#pragma once
#include <string>
#include <vector>

#include "common/status.h"

namespace tc {

struct JunitCase {
  std::string suite;                      // classname
  std::string name;
  std::string outcome;                    // passed | failed | skipped
  std::vector<std::string> requirements;  // the scenario's clause ids (property "requirements")
  std::string full_name() const { return suite + "." + name; }
};

// An input error naming the file when it cannot be read or holds no <testsuites> element.
Result<std::vector<JunitCase>> read_junit(const std::string& path);

}  // namespace tc
