// The files a run leaves in its reports folder, all from its record: results.json, junit.xml,
// requirements.json/.md, the HTML report html/ and, when the folder has allure-results/, its
// environment.properties. One call for a run, for the merge of a sharded run and for
// `tenantcheck report merge`.
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "harness/report/requirements.h"
#include "harness/report/run_record.h"

namespace tc {

// The first file that could not be written is the error; the others are still attempted.
Result<Unit> write_run_reports(const RunRecord& record, const std::string& reports_dir,
                               const std::vector<ContractClause>& clauses);

// Removes what an earlier run left in `reports_dir` (results, JUnit, Allure results, requirements,
// HTML, baseline and flakes), so that a run that ends early leaves none of it to be read as its own.
void clear_run_reports(const std::string& reports_dir);

// Merges reports folders (each with results.json and allure-results/) into `out_dir`: their records
// in the order given, every Allure result and attachment, then write_run_reports. An input error
// names the first folder whose results cannot be read; nothing is written then. A DIR may also be
// given as its results.json.
Result<RunRecord> merge_report_folders(const std::vector<std::string>& dirs, const std::string& out_dir,
                                       const std::vector<ContractClause>& clauses);

}  // namespace tc
