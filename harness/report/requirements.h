// The requirements matrix that security reviewers read: each clause of the contract document (its
// "### ID — Title" headings) with the scenarios that cite it and their outcomes, and a verdict per
// clause — failed (a citing scenario failed), passed (one passed, none failed), skipped (every
// citing scenario was skipped) or not covered (none cites it). Clauses cited but not in the document
// are listed too. A run whose property "clauses" holds a selection (the topology's `clauses:`, space-
// separated; harness/model/clauses.h) lists only the clauses it selects, and any other it cites.
// Written after a run as <reports>/requirements.json and requirements.md.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "harness/report/run_record.h"

namespace tc {

struct ContractClause {
  std::string id, title;
};

// The clauses of a contract document in document order; an input error when it cannot be read.
Result<std::vector<ContractClause>> read_contract_clauses(const std::string& contract_md);

class RequirementsMatrix {
 public:
  // Every case of the run, repetitions and shards included; a case the deadline kept from running
  // is left out.
  explicit RequirementsMatrix(const RunRecord& record);
  // Writes requirements.json and requirements.md into `reports_dir`; returns an environment error
  // when they cannot be written.
  Result<Unit> write(const std::vector<ContractClause>& clauses, const std::string& reports_dir) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> cited_;  // clause -> suite.test -> outcome
  std::vector<std::string> selection_;                                // empty: every clause
};

}  // namespace tc
