// A probe: one request `explore` sends, described in the model's terms (who, which token, which route
// and item, which tenant carriers), so that it can be predicted, shrunk and written as a scenario.
// Probes are drawn from a seeded generator: the same seed and model give the same probes.
#pragma once
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/explore/model.h"

namespace tc::explore {

// How a tenant value is written in a carrier: G2's variants of one value.
enum class ValueForm { plain, upper, padded, comma_joined, repeated_value, percent_encoded, empty };
// How the carrier's header name is written.
enum class NameForm { declared, lower, upper };

struct Carrier {
  std::size_t header = 0;     // index into Model::tenant_headers(): 0 canonical, then the aliases
  NameForm name_form = NameForm::declared;
  std::string tenant;         // the tenant id the value is made from
  ValueForm form = ValueForm::plain;
  std::string second;         // comma_joined: the other tenant
};

enum class TokenForm {
  issued,                     // from the token endpoint (A4)
  none,                       // no Authorization header
  other_scheme,               // the token under the profile's Basic scheme rather than its bearer one
  alg_none,                   // the issued token's claims, unsigned
  tampered,                   // the issued token with another tenant claim, signature kept
  expired_past_leeway,        // minted (capability mint): exp just outside the leeway
  expired_within_leeway,      // minted: exp passed but within the leeway
  nbf_past_leeway,            // minted: nbf just beyond the leeway
  nbf_within_leeway,          // minted: nbf ahead but within the leeway
  wrong_audience,             // minted: another audience
  wrong_issuer,               // minted: another issuer
  minted,                     // minted: the claims the Authority would issue, even where it refuses (T4)
};
const char* token_form_name(TokenForm form);
bool token_form_minted(TokenForm form);

// The context signature of a call made straight to a backend (B1; capability direct-backend).
enum class Signature {
  none,                       // no signature header
  forged,                     // the format, with a MAC made without the secret
  stale,                      // signed with the secret (capability context-secret), t just outside the skew
  fresh,                      // signed with the secret, t within the skew
};
const char* signature_name(Signature s);

// A multi-step exchange of the contract, written and run as scenario steps (harness/explore/flows.h).
enum class FlowKind {
  discovery, console, profile, code, refresh, introspect, writes, host_resolution, host_session, forged_state,
  administration, membership, break_glass, local_issuer,
  admin_context, admin_selection, workspace_panel, run_detail, workspace_membership
};
constexpr std::size_t kFlowKinds = static_cast<std::size_t>(FlowKind::workspace_membership) + 1;
const char* flow_name(FlowKind kind);

struct Probe {
  enum class Kind { gateway, token, direct, flow };
  Kind kind = Kind::gateway;
  std::size_t principal = 0;                // index into Model::principals()
  std::optional<std::string> token_tenant;  // the tenant parameter of the token request (as sent)
  TokenForm token = TokenForm::issued;
  std::size_t route = 0;                    // index into Model::routes()
  std::string item_id;                      // item routes
  std::string path_tenant;                  // routes with a tenant_param
  std::vector<Carrier> carriers;
  std::string query;                        // "" or "name=value"
  std::string tampered_tenant;              // TokenForm::tampered: the tenant written into the claims
  bool spoof_identity = false;              // the caller also sends the actor and identity headers (G2)
  Signature signature = Signature::none;    // Kind::direct
  bool stale_ahead = false;                 // Signature::stale: t ahead of now instead of behind
  FlowKind flow = FlowKind::discovery;      // Kind::flow
  int variant = 0;                          // Kind::flow: which of the flow's variants
};

// A tenant other than the one the probe's token is predicted to carry (the `pick`-th of them), for a
// tampered claim that really changes the token.
std::string other_tenant(const Model& model, const Probe& probe, std::size_t pick);

// A carrier's header name and value as sent.
std::string carrier_name(const Model& model, const Carrier& c);
std::string carrier_value(const Carrier& c);
// The variant classes a probe exercises ("alias header", "value letter case", …), sorted: with the
// clause, what findings are de-duplicated by.
std::vector<std::string> probe_features(const Model& model, const Probe& probe);
// The facts the model predicts from (G2's values split on commas and trimmed, the path tenant, the
// predicted claims of the token). nullopt when the probe's token cannot be issued (a token probe).
RequestFacts facts_of(const Model& model, const Probe& probe);

// The values probes send that no platform has: a token's other audience and issuer, a caller's
// forged actor.
inline constexpr const char* kOtherAudience = "another-audience.invalid";
inline constexpr const char* kOtherIssuer = "https://another-issuer.invalid";
inline constexpr const char* kSpoofedActor = "spoofed-actor";

// A minted token's time claim and its offset from now in seconds ({"exp", -90}: exp_in -90), just
// outside or inside windows.token_leeway_seconds; none for a form that sets no time. `expression`
// is the same offset as a template expression over the profile, for a written scenario that holds
// for whatever window its profile states.
struct TimeClaim {
  const char* claim;
  long offset;
  std::string expression;
};
std::optional<TimeClaim> token_time_claim(const json& contract, TokenForm form);
// Where a direct call's signature time lies from now, in seconds (windows.signature_skew_seconds
// and a margin): just outside it for Signature::stale, just inside for Signature::fresh, else 0.
long signature_offset(const json& contract, const Probe& probe);
// The same as a template expression over the profile ("0" for no signature time).
std::string signature_offset_expression(const Probe& probe);

// The declared route a request's method and path (no query) ask, with its parameters' values in
// path order; none when no route matches.
struct RouteAsked {
  std::size_t route = 0;
  std::vector<std::pair<std::string, std::string>> params;  // name, decoded value
};
std::optional<RouteAsked> route_asked(const Model& model, const std::string& method, const std::string& path);

// The probe a request sent through the gateway at `gateway_url` makes, its token left out (the
// matrix puts every principal in its place): the route it matched, its item or path tenant, its
// tenant headers as carriers, its query and spoofed identity headers. nullopt when it matches no
// declared route or carries a value no carrier form writes.
std::optional<Probe> probe_from_request(const Model& model, const HttpRequest& request, const std::string& gateway_url);

struct GenerateOptions {
  bool mint = false;                        // the topology offers minting: time-window tokens
  bool direct = false;                      // calls straight to backends (capability direct-backend)
  bool context_secret = false;              // signatures made with the secret (capability context-secret)
  std::vector<FlowKind> flows;              // the flows the topology can run
  bool writes = false;                      // --allow-writes: POST routes too
  bool flows_only = false;                  // callers are sessions made by flows (H5): no single requests
  double flow_share = 0.2;                  // else the share of probes that are flows
};

class Generator {
 public:
  Generator(const Model& model, std::uint64_t seed, GenerateOptions options);
  Probe next();

 private:
  const Model& model_;
  GenerateOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::size_t> routes_;         // the routes probes may take
  std::vector<std::size_t> direct_routes_;  // list routes whose backend is called straight
  std::vector<std::size_t> multi_tenant_;   // principals with several tenants
  int flow_turns_[kFlowKinds] = {};         // per flow kind, the variant drawn next
  std::size_t pick(std::size_t n);
  bool chance(double p);
  std::string any_tenant(const Principal& p);
};

}  // namespace tc::explore
