// The runner's own cost per request step, measured beside the loopback request it makes, in one run,
// so every figure is read as a ratio against a peer measured on the same machine at the same time.
//
// One in-process stub server (127.0.0.1, OS-chosen port) answers every path with a small fixed JSON
// body and a few headers, and serves a JWKS at the profile's jwks path. A typical step is loaded by
// the real loader from a scenario file written at start-up, so the request, captures and
// expectations are exactly what the runner would get from a scenario. Every measured call is the
// runner's own function (render_text, render, the registered evaluators, apply_captures,
// format_transcript, run_step); before measuring, each step is run once and must pass every check,
// so no figure is taken from a failing path.
//
//   BM_LoopbackRequest        one keep-alive GET over the runner's HttpClient
//   BM_LoopbackRequestAsStep  the step's rendered request (POST, headers, form) sent as is
//   BM_RenderRequest          rendering the step's request templates (url, 4 headers, form)
//   BM_ApplyCaptures          the step's captures (templated sources) on a canned response
//   BM_Transcript             the step's redacted transcript (request and canned response)
//   BM_EvaluateExpectations   status, 3 headers, 4 json checks: specs rendered, then evaluated
//   BM_JwtVerify              the jwt expectation on an RS256 token, JWKS cached by the run
//   BM_FullStep               run_step: render, request, captures, expectations, transcript
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/http_client.h"
#include "common/jwt.h"
#include "common/profile.h"
#include "harness/cli/project_paths.h"
#include "harness/loader/scenario_loader.h"
#include "harness/runner/capture.h"
#include "harness/runner/expectation.h"
#include "harness/runner/run_context.h"
#include "harness/runner/step_runner.h"
#include "harness/runner/transcript.h"
#include "harness/template/template.h"
#include "stubs/frame.h"
#include "bench/runner_step_scenario.h"

namespace {

namespace fs = std::filesystem;
using tc::json;

// Set-up failures end the run (main() reports them); the World's destructor stops the server.
[[noreturn]] void fail(const std::string& why) { throw std::runtime_error(why); }

// Everything the benchmarks share: the profile, the loopback server, the run, the loaded steps and
// the canned responses. Built once in main(); destroyed before exit (server stopped and joined).
struct World {
  tc::ContractProfile profile;
  tc::RsaKey key = tc::RsaKey::generate(2048);
  std::string token;  // RS256, signed by `key`
  std::unique_ptr<tc::stub::HttpServer> server;
  std::thread server_thread;
  std::unique_ptr<tc::RunContext> run;
  fs::path scenario_dir;
  std::vector<tc::Scenario> scenarios;
  const tc::StepSpec* typical = nullptr;
  const tc::StepSpec* token_step = nullptr;
  std::unique_ptr<tc::Scope> scenario_scope;  // child of the run's root scope
  tc::HttpResponse typical_response;          // one real answer to the typical request
  tc::HttpResponse token_response;
  std::string typical_cid;                    // the correlation id that response echoes

  explicit World(tc::ContractProfile p) : profile(std::move(p)) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() {
    if (server) server->stop();
    if (server_thread.joinable()) server_thread.join();
    std::error_code ec;
    if (!scenario_dir.empty()) fs::remove_all(scenario_dir, ec);
  }
};

World* world = nullptr;

tc::stub::Response handle(const tc::ContractProfile& profile, const json& jwks, const std::string& token,
                          const tc::stub::Request& request) {
  tc::stub::Response r;
  r.headers.add("Content-Type", "application/json");
  if (request.path == profile.path("jwks")) {
    r.body = jwks.dump();
    return r;
  }
  if (request.path == profile.path("token")) {
    r.headers.add(profile.header("cache_control"), profile.value("token_cache_control"));
    r.body = json{{"access_token", token}, {"token_type", profile.value("token_type")}}.dump();
    return r;
  }
  r.headers.add(profile.header("cache_control"), profile.value("tenant_scoped_cache_control"));
  r.headers.add(profile.header("vary"), profile.value("tenant_scoped_vary"));
  if (auto cid = request.headers.get(profile.header("correlation_id")))
    r.headers.add(profile.header("correlation_id"), *cid);
  r.body = kBody;
  return r;
}

tc::TemplateContext template_context() {
  return tc::TemplateContext{[](const std::string& url) { return world->run->fetch_json(url); }};
}

// The step's scope as run_step builds it: a child of the scenario scope holding this step's
// correlation id.
void step_scope(tc::Scope& scope, const std::string& cid) { scope.set("correlation_id", cid); }

bool all_passed(const std::vector<tc::Outcome>& outcomes, std::string& why) {
  for (const auto& o : outcomes)
    if (!o.passed()) {
      why = o.kind + " " + o.description + ": expected " + o.expected + ", actual " + o.actual + o.reason;
      return false;
    }
  return true;
}

std::unique_ptr<World> build_world() {
  // The reference profile, found as the CLI finds its defaults (this tree, else the source tree).
  auto profile = tc::ContractProfile::load(tc::cli::path_or_default("", "fixtures/contracts/reference.yaml"));
  if (!profile) fail(profile.error().to_string());
  auto w = std::make_unique<World>(std::move(*profile));
  world = w.get();

  json claims = {{w->profile.claim("subject"), "user-ada"},
                 {w->profile.claim("tenant"), "tenant-alpha"},
                 {w->profile.claim("scope"), "platform.read platform.write"},
                 {"exp", 4102444800LL}};
  w->token = tc::sign_jwt_rs256(w->key, "bench-key", claims);
  json jwks = {{"keys", json::array({w->key.public_jwk("bench-key")})}};

  tc::stub::ServerOptions options;
  options.workers = 1;  // one request at a time: the client is sequential
  options.error_response = [p = &w->profile](tc::stub::ServerFault f, const tc::stub::Request& r) {
    return tc::stub::server_error_response(f, r, *p);
  };
  w->server = std::make_unique<tc::stub::HttpServer>(
      options, [p = &w->profile, jwks, token = w->token](const tc::stub::Request& r) { return handle(*p, jwks, token, r); });
  w->server_thread = std::thread([s = w->server.get()] { s->run(false); });

  tc::Environment env;
  env.components["gateway"] = tc::Component{"gateway", w->server->url(), {}, {}, {}};
  w->run = std::make_unique<tc::RunContext>(env, w->profile.values());

  // The step comes from a scenario file through the real loader.
  w->scenario_dir = fs::temp_directory_path() / ("tc-runner-bench-" + tc::random_alnum(8));
  fs::create_directories(w->scenario_dir);
  std::ofstream(w->scenario_dir / "bench.yaml") << kScenario;
  tc::register_builtin_expectations();
  tc::LoadOptions lo;
  lo.contract = &w->profile.values();
  lo.endpoints = {"gateway"};
  lo.builtins = {"token_seed"};
  auto loaded = tc::load_scenarios({(w->scenario_dir / "bench.yaml").string()}, lo);
  if (!loaded) fail(loaded.error().to_string());
  w->scenarios = std::move(*loaded);
  const tc::Scenario& sc = w->scenarios.at(0);
  w->typical = &sc.steps.at(0);
  w->token_step = &sc.steps.at(1);

  // The scenario scope as the scenario runner gives it: the run's root, then the scenario's vars.
  w->scenario_scope = std::make_unique<tc::Scope>(&w->run->root_scope());
  w->scenario_scope->set("token_seed", w->token);
  tc::Loc vars_loc = sc.loc;
  if (auto r = tc::render_vars(sc.vars, *w->scenario_scope, vars_loc, template_context()); !r)
    fail(r.error().to_string());
  // A few captures of earlier steps, as a scenario would hold them by now.
  w->scenario_scope->set("access_token", w->token);
  w->scenario_scope->set("item", json{{"id", "plat-alpha-1"}, {"tenant", "tenant-alpha"}});
  w->scenario_scope->set("missing_error", w->profile.error("not_found"));

  // One full step each, through run_step: every check must pass before anything is measured.
  for (const tc::StepSpec* step : {w->typical, w->token_step}) {
    tc::StepResult res = tc::run_step(*step, *w->scenario_scope, *w->run);
    if (res.error) fail("step '" + step->name + "': " + res.error->to_string());
    std::string why;
    if (!all_passed(res.outcomes, why)) fail("step '" + step->name + "': " + why);
  }

  // Canned responses: one real answer to each request, kept for the evaluation benchmarks.
  auto answer = [&](const std::string& method, const std::string& path, const std::string& cid) {
    tc::HttpRequest req;
    req.method = method;
    req.url = w->server->url() + w->profile.path(path);
    req.headers.add(w->profile.header("correlation_id"), cid);
    auto res = w->run->client_for(req.url).send(req);
    if (!res) fail(res.error().to_string());
    return std::move(*res);
  };
  w->typical_cid = w->run->new_correlation_id();
  w->typical_response = answer("POST", "introspect", w->typical_cid);
  w->token_response = answer("GET", "token", w->run->new_correlation_id());
  return w;
}

// Evaluates `step`'s expectations as run_step does: each spec rendered with the step's scope, then
// handed to its registered evaluator. Returns the number of outcomes that did not pass.
int evaluate_expectations(const tc::StepSpec& step, const tc::HttpResponse& response, const tc::Scope& scope,
                          const std::string& cid, const tc::TemplateContext& ctx) {
  int failed = 0;
  for (const auto& exp : step.expectations) {
    auto spec = tc::render(exp.spec, scope, exp.loc, ctx);
    if (!spec) return -1;
    const tc::ExpectationEvaluation* evaluation = tc::find_expectation_evaluation(exp.kind);
    if (!evaluation) return -1;
    tc::StepContext sc{*spec, response, scope, world->run->environment(), *world->run, cid, exp.loc, nullptr};
    for (const auto& o : evaluation->evaluate(sc)) failed += o.passed() ? 0 : 1;
  }
  return failed;
}

// Sends `req` once per iteration over the run's client for its URL (keep-alive, as run_step).
void send_loop(benchmark::State& state, const tc::HttpRequest& req) {
  tc::HttpClient& client = world->run->client_for(req.url);
  for (auto _ : state) {
    auto res = client.send(req);
    if (!res || res->status != 200) {
      state.SkipWithError("loopback request failed");
      break;
    }
    benchmark::DoNotOptimize(res->body.data());
  }
}

void BM_LoopbackRequest(benchmark::State& state) {
  tc::HttpRequest req;
  req.url = world->server->url() + world->profile.path("introspect");
  send_loop(state, req);
}
BENCHMARK(BM_LoopbackRequest)->Unit(benchmark::kMicrosecond);

// Renders the typical step's request the way run_step's request rendering does: method, url, every
// header name and value, every form value (url-encoded and joined), each with render_text at its
// location. Also the step scope and correlation id run_step sets up first.
tc::Result<tc::HttpRequest> render_typical(const tc::StepSpec& step, tc::Scope& scope, const tc::TemplateContext& ctx) {
  const tc::RequestSpec& spec = step.request;
  auto at = [](const tc::Loc& base, const std::string& token) {
    tc::Loc l = base;
    l.pointer = tc::pointer_join(base.pointer, token);
    return l;
  };
  tc::HttpRequest req;
  auto method = tc::render_text(spec.method, scope, at(spec.loc, "method"), ctx);
  if (!method) return method.error();
  auto url = tc::render_text(spec.url, scope, at(spec.loc, "url"), ctx);
  if (!url) return url.error();
  req.method = *method;
  req.url = *url;
  for (const auto& [name, value] : spec.headers) {
    auto n = tc::render_text(name, scope, at(spec.loc, "headers"), ctx);
    if (!n) return n.error();
    auto v = tc::render_text(value, scope, at(at(spec.loc, "headers"), name), ctx);
    if (!v) return v.error();
    req.headers.add(*n, *v);
  }
  for (const auto& [name, value] : spec.form) {
    auto v = tc::render_text(value, scope, at(at(spec.loc, "form"), name), ctx);
    if (!v) return v.error();
    req.body += (req.body.empty() ? "" : "&") + tc::url_encode(name) + "=" + tc::url_encode(*v);
  }
  if (!req.headers.has("Content-Type")) req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  return req;
}

void BM_RenderRequest(benchmark::State& state) {
  const tc::TemplateContext ctx = template_context();
  for (auto _ : state) {
    tc::Scope scope(world->scenario_scope.get());
    step_scope(scope, world->run->new_correlation_id());
    auto req = render_typical(*world->typical, scope, ctx);
    if (!req) {
      state.SkipWithError(req.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(req->body.data());
  }
}
BENCHMARK(BM_RenderRequest)->Unit(benchmark::kMicrosecond);

// The typical step's request as run_step sends it: rendered, with the correlation id header.
tc::Result<tc::HttpRequest> typical_request(const std::string& cid) {
  tc::Scope scope(world->scenario_scope.get());
  step_scope(scope, cid);
  auto req = render_typical(*world->typical, scope, template_context());
  if (req) req->headers.add(world->profile.header("correlation_id"), cid);
  return req;
}

// The exact request the typical step sends (rendered once), as a plain request: the closest peer.
void BM_LoopbackRequestAsStep(benchmark::State& state) {
  auto req = typical_request(world->run->new_correlation_id());
  if (!req) return state.SkipWithError(req.error().to_string().c_str());
  send_loop(state, *req);
}
BENCHMARK(BM_LoopbackRequestAsStep)->Unit(benchmark::kMicrosecond);

void BM_ApplyCaptures(benchmark::State& state) {
  const tc::TemplateContext ctx = template_context();
  tc::Scope scope(world->scenario_scope.get());
  step_scope(scope, world->typical_cid);
  tc::Scope into(world->scenario_scope.get());
  for (auto _ : state) {
    // As run_step: each capture's expression and source rendered, then applied.
    std::vector<tc::CaptureSpec> captures = world->typical->captures;
    for (auto& cap : captures) {
      auto expr = tc::render_text(cap.expr, scope, cap.loc, ctx);
      auto from = tc::render_text(cap.from, scope, cap.loc, ctx);
      if (!expr || !from) {
        state.SkipWithError("capture template failed");
        return;
      }
      cap.expr = *expr;
      cap.from = *from;
    }
    auto outcomes = tc::apply_captures(captures, world->typical_response, into);
    std::string why;
    if (!all_passed(outcomes, why)) {
      state.SkipWithError(why.c_str());
      break;
    }
  }
}
BENCHMARK(BM_ApplyCaptures)->Unit(benchmark::kMicrosecond);

// The step's transcript (request and response as text, through the global redactor), which
// run_step formats for every step that got a response.
void BM_Transcript(benchmark::State& state) {
  auto req = typical_request(world->typical_cid);
  if (!req) return state.SkipWithError(req.error().to_string().c_str());
  for (auto _ : state) {
    std::string text = tc::format_transcript(*req, &world->typical_response);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_Transcript)->Unit(benchmark::kMicrosecond);

// Evaluates `step`'s expectations on its canned response once per iteration; all must pass.
void evaluate_loop(benchmark::State& state, const tc::StepSpec& step, const tc::HttpResponse& response,
                   const std::string& cid) {
  const tc::TemplateContext ctx = template_context();
  tc::Scope scope(world->scenario_scope.get());
  step_scope(scope, cid);
  for (auto _ : state) {
    if (evaluate_expectations(step, response, scope, cid, ctx) != 0) {
      state.SkipWithError("an expectation did not pass on the canned response");
      break;
    }
  }
}

void BM_EvaluateExpectations(benchmark::State& state) {
  evaluate_loop(state, *world->typical, world->typical_response, world->typical_cid);
}
BENCHMARK(BM_EvaluateExpectations)->Unit(benchmark::kMicrosecond);

// The JWKS was fetched when the set-up ran this step: fetch_json answers from the run's cache.
void BM_JwtVerify(benchmark::State& state) {
  evaluate_loop(state, *world->token_step, world->token_response, world->run->new_correlation_id());
}
BENCHMARK(BM_JwtVerify)->Unit(benchmark::kMicrosecond);

void BM_FullStep(benchmark::State& state) {
  for (auto _ : state) {
    tc::StepResult res = tc::run_step(*world->typical, *world->scenario_scope, *world->run);
    if (res.error || res.failed()) {
      state.SkipWithError("the step failed");
      break;
    }
    benchmark::DoNotOptimize(res.transcript.data());
  }
}
BENCHMARK(BM_FullStep)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::unique_ptr<World> w;
  try {
    w = build_world();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runner_step_bench: set-up failed: %s\n", e.what());
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  w.reset();
  world = nullptr;
  return 0;
}
