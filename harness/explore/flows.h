// Flows: the contract's multi-step exchanges — discovery (A1), console selection and its statelessness
// (A7, I3), the layered profile (A8), the code flow (A3, A4), refresh (A4), introspection of active
// and revoked tokens (A9), idempotent and masked writes (B3, B5), the host flows (H1–H5), the plane
// administration (P1–P6) and the workspace console (W1–W6) — each drawn for a principal and a
// variant and written as scenario steps of the pack's format, with the model's predictions as their
// expectations. explore runs them with the pack's own runner, so a finding is its text as written.
// A step's name starts with the clause it checks ("A7: …").
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/explore/model.h"
#include "harness/explore/probe.h"

namespace tc::explore {

struct FlowText {
  std::string title;                         // the variant, for names ("console with alias header")
  std::vector<std::string> requirements;     // the clauses its steps check
  std::vector<std::string> requires_caps;    // capabilities it needs
  std::string vars;                          // scenario-level vars lines (indented 6), "" none
  std::string steps;                         // step items (indented 6)
  std::vector<std::string> spends;           // the tenants whose request budgets its gateway calls spend (T2)
};

// W2, W3: the members of a workspace fall in two groups, so that what each remembers is known: of
// the users with two usable tenants or more who are not owners, every other one selects at the
// start of each flow it is in (`index` in the model's principals); the others never select, so
// nothing is remembered for them. A selecting member's single requests depend on the flows before
// them: only flows call it.
bool selecting_member(const Model& model, std::size_t index);

// The flows this topology can run: each needs its capabilities (code: login-hint; introspection:
// mint, to revoke; writes: --allow-writes) and the profile paths it calls.
std::vector<FlowKind> available_flows(const Model& model, const std::set<std::string>& capabilities, bool writes);
// The flow `probe` describes (probe.flow, principal, token_tenant, the first carrier, variant), or
// nullopt when it does not apply to that principal (a client in the code flow, a principal without
// the refresh scope, …).
std::optional<FlowText> flow_text(const Model& model, const Probe& probe);

}  // namespace tc::explore
