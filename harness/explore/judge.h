// Comparing what a platform answered with what the model predicts: each difference is a violation
// naming the clause it breaks (the invariants I1, I2, I4 where the difference is theirs) and the
// check, with the expected and the actual value. Spellings are the answering component's (profile
// `components`), so the model's keys are compared through the words the platform uses.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/explore/model.h"
#include "harness/explore/probe.h"

namespace tc::explore {

struct Violation {
  std::string clause, check, expected, actual;
};

// What came back for one probe, and what the components recorded for its correlation id.
struct Observation {
  std::string correlation_id;
  HttpResponse response;
  std::optional<std::vector<json>> gateway_records;   // nullopt: no audit source to read
  std::optional<std::vector<json>> backend_records;   // the route's backend
  std::optional<HttpResponse> missing_reference;      // I2: the same request for an id of no tenant
};

// `gateway` and `backend` are the contract values as those components spell them.
std::vector<Violation> judge_gateway(const Model& model, const json& gateway, const json& backend, const Probe& probe,
                                     const RequestFacts& facts, const Prediction& predicted, const Observation& seen);

// A token request: status, error, and on success the claims of the token (A5, A6) and the Authority's
// record (A4's token.issued / token.rejected with attempted_tenant).
std::vector<Violation> judge_token(const Model& model, const json& authority, const Probe& probe,
                                   const TokenPrediction& predicted, const HttpResponse& response,
                                   const std::optional<std::vector<json>>& records);

}  // namespace tc::explore
