// The pack through an independent gateway (compose/examples/node-gateway: gateway.mjs, Node.js with
// built-in modules only, written from docs/contract.md alone, between the stub Authority and the stub
// Backends). What it cannot meet is its baseline, one entry per deviation with a reason naming the
// clause: the run passes with it, every failing case is one the baseline names and nothing else
// fails, every case it names still fails (a fixed deviation must leave the baseline), and a case is
// skipped only for a profile switch the reference profile sets otherwise (strict_claim_match false;
// the gateway signs the context, so the cases for a gateway that does not sign are skipped). The
// baseline is empty today: the whole pack passes.

#include <string>

#include <gtest/gtest.h>

#include "tenantcheck_cli.h"

namespace {

TEST(NodeGateway, ThePackRunsThroughTheNodeGatewayAndOnlyItsBaselineFails) {
  const auto cases = tc::pack_test::expect_only_baseline_fails(
      "node-gateway", tc::pack_test::reports_dir("node-gateway", "run"), 100,
      {"for profiles whose switches.backend_requires_signature", "for profiles whose switches.strict_claim_match"},
      /*baseline_may_be_empty=*/true);
  // The gateway's own records were read: the pack's G6 checks ran against gateway.mjs's audit query.
  EXPECT_GE(tc::pack_test::passed_audit_checks(cases, {"gateway"}), 30) << "the gateway's audit records were checked";
}

}  // namespace
