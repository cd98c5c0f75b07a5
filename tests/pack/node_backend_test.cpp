// The pack against an independent Backend (compose/examples/node-backend: backend.mjs, Node.js 18 or later
// with its built-in modules only, written from docs/contract.md's B1–B5, U1–U2, E1 and I1–I4 without
// the stub backend's code) as platform, scanner and graph, behind the stub Gateway and Authority.
// What it does not meet is its baseline, one entry per deviation with a reason: the run passes with
// it, every failing case is one the baseline names and nothing else fails, every case it names still
// fails (a fixed deviation must leave the baseline), and a case is skipped only for a profile switch
// the reference profile sets otherwise. Node.js is required: without it the backends do not start.

#include <string>

#include <gtest/gtest.h>

#include "tenantcheck_cli.h"

namespace {

TEST(NodeBackend, ThePackRunsAgainstItAndOnlyItsBaselineFails) {
  const auto cases = tc::pack_test::expect_only_baseline_fails(
      "node-backend", tc::pack_test::reports_dir("node-backend", "run"), 100,
      {"for profiles whose switches.backend_requires_signature", "for profiles whose switches.strict_claim_match"},
      /*baseline_may_be_empty=*/true);
  // The backends' own records were read: the pack's audit checks of platform, scanner and graph ran
  // against backend.mjs's audit query, and passed (none skipped for want of a source).
  EXPECT_GE(tc::pack_test::passed_audit_checks(cases, {"platform", "scanner", "graph"}), 30)
      << "the backends' audit records were checked";
}

}  // namespace
