// reports/junit.xml in the JUnit format that Jenkins, GitLab and GitHub test reporters read (checked
// against tests/reports/junit.xsd): a <testsuite> per suite, a <testcase> per scenario case with
// classname = suite and the scenario file and line; a contract violation is a <failure> whose text
// holds every failure line (expected and actual), an environment error an <error>, a skip a
// <skipped message="reason">; <system-out> holds the scenario, its clauses and tags, and each step's
// redacted transcript. Text that is not valid XML (control characters, broken UTF-8) is replaced.
#pragma once
#include <string>

#include "common/status.h"
#include "harness/report/run_record.h"

namespace tc {

// The document for `record`.
std::string junit_xml(const RunRecord& record);
// Writes junit_xml(record) to <reports_dir>/junit.xml; an environment error when it cannot.
Result<Unit> write_junit(const RunRecord& record, const std::string& reports_dir);

}  // namespace tc
