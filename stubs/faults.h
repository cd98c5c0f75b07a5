// Switchable faults: `--fault NAME` makes a stub break exactly one clause of the contract (and the
// invariants that clause upholds, named with it), so the pack's power to fail a broken platform can
// be measured (tenantcheck mutate). The catalogue is data
// (faults.cpp); each role checks `ctx.faults.on("role.name")` at the one place its clause is decided.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tc::stub {

struct FaultInfo {
  std::string name;         // "gateway.accept_alg_none"
  std::string clause;       // docs/contract.md ids it breaks: its clause, then invariants ("B2,I1,I2")
  std::string description;  // what the broken stub does instead
};

const std::vector<FaultInfo>& fault_catalogue();

class Faults {
 public:
  // Every name must be in the catalogue and belong to `role` ("authority.…" for the authority);
  // otherwise a usage error naming the flag and the fault.
  static Result<Faults> parse(const std::vector<std::string>& names, const std::string& role);
  bool on(std::string_view name) const { return active_.count(std::string(name)) > 0; }
  const std::set<std::string>& active() const { return active_; }

 private:
  std::set<std::string> active_;
};

}  // namespace tc::stub
