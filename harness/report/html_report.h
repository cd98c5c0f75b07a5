// <reports>/html/: a self-contained HTML report written from the run's record, for machines and
// reviewers without Node or a network. index.html lists the run's properties, its counts and every
// case; case-NNNN.html (one per case record, in run order) shows the scenario, its outcome, failure
// lines, and each step: request line, status, every check (expected, actual, status), its evidence
// (the audit record, whole) and the transcript. Plain HTML with inline CSS: no script, no fetch.
// Everything shown comes from the record, so it is redacted already.
#pragma once
#include <string>

#include "common/status.h"
#include "harness/report/run_record.h"

namespace tc {

// Replaces <reports_dir>/html; an environment error when a page cannot be written.
Result<Unit> write_html_report(const RunRecord& record, const std::string& reports_dir);

// Text as HTML character data or attribute value.
std::string html_escape(const std::string& text);

}  // namespace tc
