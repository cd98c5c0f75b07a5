// Where the CLI finds its defaults: the project home is the current directory when it has a
// scenarios/ folder, else the source tree the binary was built from (TC_DEFAULT_HOME). Relative
// defaults (scenarios/, compose/local.yaml) are resolved against it; paths the user gives are not.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "harness/env/topology.h"
#include "harness/report/requirements.h"

namespace tc::cli {

std::string project_home();
// <home>/scenarios, absolute and normalised: the reference pack, whose platforms/ holds other packs.
std::filesystem::path project_pack();
// PATHs given, else the topology's pack (`pack:`), else <home>/scenarios, as the user sees them.
std::vector<std::string> scenario_paths_or_default(const std::vector<std::string>& given, const Topology* topology = nullptr);
// The same to load: <home>/scenarios (given or by default) stands for the reference pack, every entry
// of it except platforms/, which holds other platforms' packs, each named by its own topology.
std::vector<std::string> scenario_paths_to_load(const std::vector<std::string>& given, const Topology* topology = nullptr);
// `path` if given, else <home>/<relative>.
std::string path_or_default(const std::string& given, const std::string& relative);
// This program's own path (for child runs), or "tenantcheck" when /proc does not tell.
std::string self_executable();
// The clauses of <home>/docs/contract.md; none when it is absent. A document that cannot be read is
// reported on stderr and gives none: reports then list the clauses cited.
std::vector<ContractClause> project_contract_clauses();
// Every selector of the topology's `clauses:` selects a clause of `clauses` (the contract document's;
// nothing is checked when it could not be read); else an input error at /clauses/N.
Result<Unit> check_clause_selection(const Topology& topology, const std::vector<ContractClause>& clauses);
// "a,b , c" -> {"a","b","c"} (empty items dropped).
std::vector<std::string> split_list(const std::string& text);

}  // namespace tc::cli
