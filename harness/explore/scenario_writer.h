// A finding as a scenario file of the pack's format (docs/scenario-format.md): the shrunk request
// written with the pack's names ({{fx.…}} for principals, tenants, items and routes; contract.… for
// every spelling), the token step it needs, and expectations of what the model predicts — the status
// and error of the deciding clause and the check that failed. It fails on the platform that produced
// the finding and passes on a conforming one; placed in the pack (any folder of scenarios/) it runs
// as is. Secrets are never written: credentials are the bindings' names.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/explore/explorer.h"
#include "harness/explore/model.h"

namespace tc::explore {

// The file's text. `seed` and `origin` (the topology) go into its header comment.
std::string scenario_for(const Model& model, const Finding& finding, std::uint64_t seed, const std::string& origin);
// The clauses a finding cites: its own, the one the model says decides the request, every
// violation's, and the clause that owns what was observed (see the definition).
std::vector<std::string> finding_requirements(const Model& model, const Finding& finding);
// A file name for the finding: its clause, check and variant classes, lower-case, [a-z0-9-].
std::string scenario_file_name(const Finding& finding);

}  // namespace tc::explore
