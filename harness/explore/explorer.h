// The exploration loop: draw a probe, send it through the run's context (rate cap, deadline, TLS),
// read the components' records for its correlation id, judge it against the model, and shrink every
// failing probe to the simplest one that still breaks the same check (fewest carriers, no query,
// the simplest principal, plain names and values, an issued token). Findings are de-duplicated by
// clause, check and variant class; every request sent counts against the budget.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/explore/budget_ledger.h"
#include "harness/explore/judge.h"
#include "harness/explore/model.h"
#include "harness/explore/probe.h"
#include "harness/runner/run_context.h"

namespace tc::explore {

struct Finding {
  std::string clause, check;
  std::vector<std::string> features;  // the shrunk probe's variant classes
  Probe probe;                        // shrunk
  std::vector<Violation> violations;  // the shrunk probe's
  std::string transcript;             // the shrunk exchange, redacted
  std::string correlation_id;
  std::string scenario;               // a flow's scenario item as run (under `scenarios:`); "" otherwise
  int occurrences = 1;                // probes that fell into this class before shrinking
  std::string key() const;            // "clause check [features]"
};

struct ExploreOptions {
  std::uint64_t seed = 1;
  long budget = 2000;                 // requests, all counted (tokens, audit reads, shrinking)
  double time_s = 0;                  // 0: no time bound
  bool writes = false;
  int max_findings = 50;              // the run stops collecting new classes past this
  std::string scratch_dir;            // where flows are written to be loaded; none: no flows
};

struct ExploreSummary {
  long requests = 0, probes = 0;
  long matrix_probes = 0;             // of the probes, those of the authorization matrix
  double seconds = 0;
  std::vector<Finding> findings;
  std::vector<Error> errors;          // environment errors met (the run is then broken, exit 3)
  bool budget_spent = false, time_spent = false;
};

class Explorer {
 public:
  Explorer(RunContext& run, const Model& model, ExploreOptions options);
  // The authorization matrix over `matrix` (requests of the pack's passing run, their tokens left
  // out: each is sent under every principal and token form), then generated probes until the
  // budget, the time or an environment error ends the run.
  ExploreSummary explore(const std::vector<Probe>& matrix = {});
  // A request sent through the gateway by someone else (the pack's run before the matrix): the
  // tenants it names may have spent some of their budget (T2).
  void note_unpredicted(const HttpRequest& request);
  // A request of the pack's run: as note_unpredicted, and where it changes what the model reads from
  // the platform's declaration — a selection (its caller), a membership (the user its path names),
  // W3, W6 — that principal is called by no probe of this run (no flow, no single request).
  void note_pack_request(const HttpRequest& request);
  // The bindings' names of those principals, sorted.
  const std::set<std::string>& changed_principals() const { return changed_; }

 private:
  struct Sent {
    HttpRequest request;
    Observation seen;
    std::vector<Violation> violations;
    std::string scenario, transcript;  // a flow's scenario item and its failed step's transcript
  };
  // Sends `probe` and judges it, keeping the violations of the clauses the topology selects; nullopt
  // when a request could not be sent (recorded as an error).
  std::optional<Sent> attempt(const Probe& probe);
  std::optional<Sent> attempt_gateway(const Probe& probe);
  std::optional<Sent> attempt_token(const Probe& probe);
  std::optional<Sent> attempt_direct(const Probe& probe);  // Probe::Kind::direct
  std::optional<Sent> attempt_flow(const Probe& probe);    // Probe::Kind::flow
  void consider(const Probe& probe);  // attempt it; a failure is shrunk and kept as a finding of its class
  Probe shrink(Probe probe, const Violation& target);
  bool still_fails(const Probe& probe, const Violation& target);
  std::optional<std::string> token_for(const Probe& probe);
  // The token as the probe's form sends it: unsigned or tampered from the issued one, else as is.
  std::optional<std::string> crafted(const Probe& probe, const std::optional<std::string>& token) const;
  std::optional<HttpResponse> send(HttpRequest request);
  // A component's audit records of `cid`, read until at least `expected` (and one) are there or the
  // source's deadline passes; none when it keeps no records the run reads.
  std::optional<std::vector<json>> records(const std::string& component, const std::string& cid, std::size_t expected = 1);
  bool out_of_budget() const;
  long requests() const;              // sent since explore() began, through the run's context

  RunContext& run_;
  const Model& model_;
  ExploreOptions options_;
  std::chrono::steady_clock::time_point started_;
  long requests_before_ = 0;
  struct KeptToken {
    std::optional<std::string> token;     // none: the Authority refused it
    std::chrono::steady_clock::time_point at;
  };
  std::map<std::string, KeptToken> tokens_;
  std::map<std::string, std::size_t> by_key_;  // finding class -> index in the findings
  std::map<std::string, int> per_check_;       // clause and check -> classes found  // issued tokens by principal, tenant parameter and form
  ExploreSummary summary_;
  BudgetLedger ledger_;
  std::set<std::string> changed_;  // principals whose state the pack changed
};

}  // namespace tc::explore
