// The probe of a gateway fault in a platform's world, and the three checks every platform's probe set
// gets: each gateway fault of the platform's clauses has a probe, the healthy gateway answers each
// probe as the contract says, and the gateway started with the fault answers otherwise.
#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "stub_world.h"
#include "stubs/faults.h"

namespace tc::testing {

struct FaultProbe {
  std::string fault, contract;                      // the fault, and what the contract answers
  std::function<std::string(ServedStub&)> observe;  // what a gateway answers
};

using StartGateway = std::function<std::unique_ptr<ServedStub>(std::vector<std::string> faults)>;

// The gateway faults whose first clause letter is `letter` are exactly the probed ones.
inline void expect_every_fault_probed(const std::vector<FaultProbe>& probes, char letter) {
  std::set<std::string> probed, expected;
  for (const auto& p : probes) probed.insert(p.fault);
  for (const auto& info : stub::fault_catalogue())
    if (info.name.rfind("gateway.", 0) == 0 && info.clause.front() == letter) expected.insert(info.name);
  EXPECT_EQ(probed, expected);
}

// One healthy gateway for every probe, or (`fresh`) one per probe when probes spend its state.
inline void expect_healthy(const StartGateway& start, const std::vector<FaultProbe>& probes, bool fresh = false) {
  auto gw = start({});
  for (const auto& p : probes) {
    if (fresh) gw = start({});
    EXPECT_EQ(p.observe(*gw), p.contract) << p.fault;
  }
}

inline void expect_each_fault_breaks(const StartGateway& start, const std::vector<FaultProbe>& probes) {
  for (const auto& p : probes) {
    auto gw = start({p.fault});
    EXPECT_NE(p.observe(*gw), p.contract) << p.fault << " left its clause intact";
  }
}

}  // namespace tc::testing
