#include "harness/runner/step_runner.h"

#include <algorithm>
#include <optional>

#include "common/encoding.h"
#include "common/json_text.h"
#include "common/redact.h"
#include "harness/loader/steps.h"
#include "harness/runner/capture.h"
#include "harness/runner/expectation.h"
#include "harness/runner/transcript.h"

namespace tc {

namespace {
TemplateContext template_context(RunContext& run) {
  return TemplateContext{[&run](const std::string& url) { return run.fetch_json(url); }};
}

Loc at(const Loc& base, const std::string& token) {
  Loc l = base;
  l.pointer = pointer_join(base.pointer, token);
  return l;
}

// `pairs` (names and values templates) rendered and percent-encoded as "a=1&b=2": a query or a form.
Result<std::string> render_pairs(const NameValues& pairs, const Scope& scope, const Loc& loc, const TemplateContext& ctx) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    auto n = render_text(name, scope, loc, ctx);
    if (!n) return n.error();
    auto v = render_text(value, scope, loc, {name}, ctx);
    if (!v) return v.error();
    if (!out.empty()) out += '&';
    out += url_encode(*n);
    out += '=';
    out += url_encode(*v);
  }
  return out;
}

// The request as it will be sent (without the correlation id).
Result<HttpRequest> render_request(const RequestSpec& spec, const Scope& scope, const TemplateContext& ctx) {
  HttpRequest req;
  auto method = render_text(spec.method, scope, spec.loc, {"method"}, ctx);
  if (!method) return method.error();
  auto url = render_text(spec.url, scope, spec.loc, {"url"}, ctx);
  if (!url) return url.error();
  req.method = std::move(*method);
  req.url = std::move(*url);
  for (const auto& [name, value] : spec.headers) {
    auto n = render_text(name, scope, spec.loc, {"headers"}, ctx);
    if (!n) return n.error();
    auto v = render_text(value, scope, spec.loc, {"headers", name}, ctx);
    if (!v) return v.error();
    req.headers.add(std::move(*n), std::move(*v));
  }
  auto query = render_pairs(spec.query, scope, at(spec.loc, "query"), ctx);
  if (!query) return query.error();
  if (!query->empty()) req.url += (req.url.find('?') == std::string::npos ? "?" : "&") + *query;
  auto content_type = [&](const char* type) {
    if (!req.headers.has("Content-Type")) req.headers.add("Content-Type", type);
  };
  if (spec.json_body) {
    auto body = render(*spec.json_body, scope, at(spec.loc, "json"), ctx);
    if (!body) return body.error();
    // JSON text is UTF-8 (RFC 8259 §8.1): a value that is not (a variable's bytes) is never
    // replaced on its way to the wire; a raw `body:` sends bytes as they are.
    try {
      req.body = body->dump();
    } catch (const json::type_error&) {
      return input_error(at(spec.loc, "json").where(),
                         "the JSON body holds a value that is not UTF-8 text; JSON text is UTF-8 (send such bytes "
                         "with body:)");
    }
    content_type("application/json");
  } else if (!spec.form.empty()) {
    auto form = render_pairs(spec.form, scope, at(spec.loc, "form"), ctx);
    if (!form) return form.error();
    req.body = std::move(*form);
    content_type("application/x-www-form-urlencoded");
  } else if (spec.body) {
    auto body = render_text(*spec.body, scope, at(spec.loc, "body"), ctx);
    if (!body) return body.error();
    req.body = *body;
  }
  for (const auto& [host, to] : spec.hosts) {
    auto h = render_text(host, scope, at(spec.loc, "hosts"), ctx);
    if (!h) return h.error();
    auto t = render_text(to, scope, at(at(spec.loc, "hosts"), host), ctx);
    if (!t) return t.error();
    req.hosts.push_back(HostRoute{to_lower(*h), *t});
  }
  if (!spec.source_address.empty()) {
    auto a = render_text(spec.source_address, scope, at(spec.loc, "source_address"), ctx);
    if (!a) return a.error();
    req.source_address = *a;
  }
  if (spec.timeout_ms) req.timeout_ms = *spec.timeout_ms;
  req.follow_redirects = spec.follow_redirects;
  return req;
}
// A list whose items each name a `component`: each item rendered with that component's spellings.
Result<json> render_per_component(const json& spec, const Scope& scope, RunContext& run, const Loc& loc,
                                  const TemplateContext& ctx) {
  if (!spec.is_array()) return render(spec, scope, loc, ctx);
  json out = json::array();
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const Loc item_loc = at(loc, std::to_string(i));
    std::string component;
    if (spec[i].is_object() && spec[i].contains("component")) {
      auto name = render(spec[i]["component"], scope, at(item_loc, "component"), ctx);
      if (!name) return name.error();
      if (name->is_string()) component = name->get<std::string>();
    }
    Scope item_scope(&scope);
    item_scope.refer("contract", run.contract_for(component));
    auto item = render(spec[i], item_scope, item_loc, ctx);
    if (!item) return item.error();
    out.push_back(std::move(*item));
  }
  return out;
}

// Whether the step's status expectation admits the profile's too-many-requests status: such a step
// asks for that answer, so the run neither waits nor sends it again (RunContext::send).
bool expects_too_many(const StepSpec& step, const Scope& scope, const TemplateContext& ctx) {
  const json* too_many = scope.lookup("contract.status.too_many_requests");
  if (!too_many || !too_many->is_number_integer()) return false;
  for (const auto& e : step.expectations) {
    if (e.kind != "status") continue;
    auto status = render(e.spec, scope, e.loc, ctx);
    if (!status) continue;  // the expectation reports its own template error
    const auto codes = status_codes(*status);
    if (codes && std::find(codes->begin(), codes->end(), too_many->get<long long>()) != codes->end()) return true;
  }
  return false;
}

// `captures` with their expressions and sources rendered: they may be templates
// ("header:{{contract.headers.location}}").
Result<std::vector<CaptureSpec>> render_captures(const std::vector<CaptureSpec>& captures, const Scope& scope,
                                                 const TemplateContext& ctx) {
  std::vector<CaptureSpec> out = captures;
  for (auto& cap : out) {
    auto expr = render_text(cap.expr, scope, cap.loc, ctx);
    if (!expr) return expr.error();
    auto from = render_text(cap.from, scope, cap.loc, ctx);
    if (!from) return from.error();
    cap.expr = std::move(*expr);
    cap.from = std::move(*from);
  }
  return out;
}

}  // namespace

Result<Unit> render_vars(const json& vars, Scope& scope, const Loc& loc, const TemplateContext& ctx) {
  std::vector<std::string> pending;
  for (const auto& [k, v] : vars.items()) pending.push_back(k);
  while (!pending.empty()) {
    std::vector<std::string> still;
    std::optional<Error> last;
    for (const auto& name : pending) {
      auto value = render(vars.at(name), scope, at(loc, name), ctx);
      if (value) {
        scope.set(name, std::move(*value));
      } else {
        still.push_back(name);
        last = value.error();
      }
    }
    if (still.size() == pending.size()) return *last;  // no progress: a real error
    pending = std::move(still);
  }
  return Unit{};
}

StepResult run_step(const StepSpec& step, Scope& scenario_scope, RunContext& run, CookieJar* jar) {
  StepResult result;
  result.name = step.name;
  result.loc = step.loc;
  result.ran = true;
  const TemplateContext ctx = template_context(run);

  Scope scope(&scenario_scope);
  const json* cid_header = scope.lookup("contract.headers.correlation_id");
  result.correlation_id = run.new_correlation_id();
  scope.set("correlation_id", result.correlation_id);
  if (!step.vars.empty())
    if (auto r = render_vars(step.vars, scope, at(step.loc, "vars"), ctx); !r) {
      result.error = r.error();
      return result;
    }
  // A name may use the step's variables (an included step's parameters): reports show it rendered.
  if (auto name = render_text(step.name, scope, step.loc, {"name"}, ctx)) result.name = std::move(*name);
  auto req = render_request(step.request, scope, ctx);
  if (!req) {
    result.error = req.error();
    return result;
  }
  if (cid_header && cid_header->is_string()) {
    const auto& name = cid_header->get_ref<const std::string&>();
    if (auto own = req->headers.get(name)) {
      result.correlation_id = *own;
      scope.set("correlation_id", *own);
    } else {
      req->headers.add(name, result.correlation_id);
    }
  }
  result.method = req->method;
  result.url = req->url;
  req->cookies = jar;

  // Expectations read the profile as the answering component spells it (profile `components`).
  const Component* answering = run.component_for(*req);
  Scope spelled(&scope);
  spelled.refer("contract", run.contract_for(answering ? answering->name : ""));
  // How each expectation's kind is evaluated, looked up once (nullptr: an unknown kind, reported below).
  std::vector<const ExpectationEvaluation*> evaluations;
  evaluations.reserve(step.expectations.size());
  for (const auto& exp : step.expectations) evaluations.push_back(find_expectation_evaluation(exp.kind));
  auto render_spec = [&](std::size_t i, const TemplateContext& with) -> Result<json> {
    const ExpectationSpec& exp = step.expectations[i];
    return evaluations[i] && evaluations[i]->spelling == Spelling::item_component
               ? render_per_component(exp.spec, spelled, run, exp.loc, with)
               : render(exp.spec, spelled, exp.loc, with);
  };

  // What needs no answer is done while it is awaited (HttpClient::send): the request's part of the
  // transcript, and the captures' templates and specs the step's plan renders ahead (StepSpec::ahead,
  // worked out here for a step the loader did not read). A template that fetches waits too (the
  // client is busy), and all of it is done after when the exchange ended before it could wait.
  std::optional<StepSpec::Ahead> worked_out;
  const bool planned = step.ahead && step.ahead->specs.size() == step.expectations.size();
  const StepSpec::Ahead& plan = planned ? *step.ahead : worked_out.emplace(loader::rendered_ahead(step));
  std::optional<RequestText> request_text;
  std::optional<Result<std::vector<CaptureSpec>>> captures;
  std::vector<std::optional<Result<json>>> specs(step.expectations.size());
  bool fetched = false;
  const TemplateContext no_fetch{[&fetched](const std::string&) -> Result<json> {
    fetched = true;
    return input_error({}, "no fetch while an answer is awaited");
  }};
  auto ahead = [&] {
    request_text = format_request_text(*req);
    if (plan.captures) {
      fetched = false;
      auto rendered = render_captures(step.captures, scope, no_fetch);
      if (!fetched) captures = std::move(rendered);
    }
    for (std::size_t i = 0; i < step.expectations.size(); ++i) {
      if (!plan.specs[i]) continue;
      fetched = false;
      auto spec = render_spec(i, no_fetch);
      if (!fetched) specs[i] = std::move(spec);
    }
  };
  // A step that reads how long its answer took does nothing while it waits (Timing::read).
  std::function<void()> work;
  if (std::none_of(evaluations.begin(), evaluations.end(), [](const ExpectationEvaluation* e) { return e && e->timing == Timing::read; }))
    work = ahead;
  global_redactor().prepare();  // a scan due is built now, not while the answer waits

  // A repeated step counts its sends (a budget spent send by send): a 429 among them is its answer,
  // not one to wait out and send again.
  auto response = run.send(*req, [&] { return !step.repeat.is_null() || expects_too_many(step, scope, ctx); }, work);
  if (!response && run.deadline_error()) {  // the run's deadline: passed before, or while it waited
    result.error = response.error();
    return result;
  }
  if (!request_text) request_text = format_request_text(*req);
  if (!response) {
    Error e = response.error();
    const Component* c = run.component_for(*req);
    e.where.component = c ? c->name : "";
    e.message = (c ? "component '" + c->name + "' (" + c->url + "): " : "cannot reach " + req->url + ": ") + e.message;
    e.kind = ErrorKind::environment;
    run.record_environment_error(e);
    result.error = e;
    result.transcript = format_transcript(*request_text, nullptr);
    return result;
  }
  // Cookie values are secrets of the run before anything reports them (common/cookie_jar.h).
  for (const auto& hop : response->hops)
    for (const auto& set_cookie : hop.headers.all("Set-Cookie")) register_cookie_secret(set_cookie);
  result.status = response->status;
  result.elapsed_ms = response->elapsed_ms;
  result.transcript_redacted_at = global_redactor().generation();
  result.transcript = format_transcript(*request_text, &*response);

  if (!captures) captures = render_captures(step.captures, scope, ctx);
  if (!*captures) {
    result.error = captures->error();
    return result;
  }
  result.outcomes = apply_captures(**captures, *response, scenario_scope, jar);
  result.outcomes.reserve(result.outcomes.size() + 4 * step.expectations.size());  // a few outcomes each
  for (std::size_t i = 0; i < step.expectations.size(); ++i) {
    const ExpectationSpec& exp = step.expectations[i];
    // A spec without templates is read where the step holds it.
    std::optional<Result<json>>& spec_rendered = specs[i];
    if (!spec_rendered && holds_template(exp.spec)) spec_rendered = render_spec(i, ctx);
    if (spec_rendered && !*spec_rendered) {
      result.outcomes.push_back(failed_outcome(exp.kind, "(spec)", "a spec that renders", spec_rendered->error().to_string()));
      continue;
    }
    const json& spec = spec_rendered ? **spec_rendered : exp.spec;
    const ExpectationEvaluation* evaluation = evaluations[i];
    if (!evaluation) {
      result.outcomes.push_back(failed_outcome(exp.kind, "", "a registered expectation kind", "unknown kind"));
      continue;
    }
    StepContext sc{spec, *response, spelled, run.environment(), run, result.correlation_id, exp.loc, jar};
    for (auto& o : evaluation->evaluate(sc)) {
      if (o.kind.empty()) o.kind = exp.kind;
      result.outcomes.push_back(std::move(o));
    }
  }
  return result;
}

}  // namespace tc
