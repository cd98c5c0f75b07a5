#include "harness/explore/probe.h"

#include <algorithm>
#include <set>

#include "common/encoding.h"
#include "common/headers.h"
#include "harness/explore/flows.h"

namespace tc::explore {

const char* token_form_name(TokenForm form) {
  switch (form) {
    case TokenForm::issued: return "issued token";
    case TokenForm::none: return "no token";
    case TokenForm::other_scheme: return "token under another scheme";
    case TokenForm::alg_none: return "unsigned token";
    case TokenForm::tampered: return "tampered tenant claim";
    case TokenForm::expired_past_leeway: return "token expired beyond the leeway";
    case TokenForm::expired_within_leeway: return "token expired within the leeway";
    case TokenForm::nbf_past_leeway: return "token not yet valid beyond the leeway";
    case TokenForm::nbf_within_leeway: return "token not yet valid within the leeway";
    case TokenForm::wrong_audience: return "token for another audience";
    case TokenForm::wrong_issuer: return "token of another issuer";
    case TokenForm::minted: return "minted token";
  }
  return "";
}

const char* flow_name(FlowKind kind) {
  switch (kind) {
    case FlowKind::discovery: return "discovery";
    case FlowKind::console: return "console selection";
    case FlowKind::profile: return "console profile";
    case FlowKind::code: return "code flow";
    case FlowKind::refresh: return "refresh";
    case FlowKind::introspect: return "introspection";
    case FlowKind::writes: return "writes";
    case FlowKind::host_resolution: return "host resolution";
    case FlowKind::host_session: return "host session";
    case FlowKind::forged_state: return "sign-in state";
    case FlowKind::administration: return "administration";
    case FlowKind::membership: return "membership";
    case FlowKind::break_glass: return "break glass";
    case FlowKind::local_issuer: return "local issuer";
    case FlowKind::admin_context: return "admin context";
    case FlowKind::admin_selection: return "admin selection";
    case FlowKind::workspace_panel: return "tenant panel";
    case FlowKind::run_detail: return "run detail";
    case FlowKind::workspace_membership: return "workspace membership";
  }
  return "";
}

const char* signature_name(Signature s) {
  switch (s) {
    case Signature::none: return "no context signature";
    case Signature::forged: return "forged context signature";
    case Signature::stale: return "context signature just outside the skew";
    case Signature::fresh: return "context signature within the skew";
  }
  return "";
}

bool token_form_minted(TokenForm form) {
  return form == TokenForm::expired_past_leeway || form == TokenForm::expired_within_leeway ||
         form == TokenForm::nbf_past_leeway || form == TokenForm::nbf_within_leeway ||
         form == TokenForm::wrong_audience || form == TokenForm::wrong_issuer || form == TokenForm::minted;
}

namespace {

// A time just inside or outside a window of the profile, `sign` × (window ± margin), the margin
// clamp(window / divisor, low, high): as a number for one profile, or as the template expression
// that computes it from any profile.
struct WindowEdge {
  const char* window;  // windows.<window>
  long fallback;       // the reference's, where a profile lacks it
  long divisor, low, high;
};
constexpr WindowEdge kLeeway{"token_leeway_seconds", 60, 2, 5, 30};
constexpr WindowEdge kSkew{"signature_skew_seconds", 300, 5, 5, 60};

// Inside, the margin is at most half the window, so the time stays inside however small the window.
long edge_offset(const json& contract, const WindowEdge& e, int sign, bool outside) {
  const long w = contract.value(json::json_pointer(std::string("/windows/") + e.window), e.fallback);
  const long margin = std::clamp(w / e.divisor, e.low, e.high);
  return sign * (outside ? w + margin : w - std::min(margin, w / 2));
}

std::string edge_expression(const WindowEdge& e, int sign, bool outside) {
  const std::string w = std::string("contract.windows.") + e.window;
  std::string margin = "clamp(div(" + w + ", " + std::to_string(e.divisor) + "), " + std::to_string(e.low) + ", " +
                       std::to_string(e.high) + ")";
  if (!outside) margin = "clamp(" + margin + ", 0, div(" + w + ", 2))";
  const std::string size = std::string(outside ? "add(" : "sub(") + w + ", " + margin + ")";
  return sign > 0 ? size : "sub(0, " + size + ")";
}

}  // namespace

std::optional<TimeClaim> token_time_claim(const json& contract, TokenForm form) {
  auto edge = [&](const char* claim, int sign, bool outside) {
    return TimeClaim{claim, edge_offset(contract, kLeeway, sign, outside), edge_expression(kLeeway, sign, outside)};
  };
  switch (form) {
    case TokenForm::expired_past_leeway: return edge("exp", -1, true);
    case TokenForm::expired_within_leeway: return edge("exp", -1, false);
    case TokenForm::nbf_past_leeway: return edge("nbf", 1, true);
    case TokenForm::nbf_within_leeway: return edge("nbf", 1, false);
    default: return std::nullopt;
  }
}

long signature_offset(const json& contract, const Probe& probe) {
  if (probe.signature != Signature::stale && probe.signature != Signature::fresh) return 0;
  return edge_offset(contract, kSkew, probe.stale_ahead ? 1 : -1, probe.signature == Signature::stale);
}

std::string signature_offset_expression(const Probe& probe) {
  if (probe.signature != Signature::stale && probe.signature != Signature::fresh) return "0";
  return edge_expression(kSkew, probe.stale_ahead ? 1 : -1, probe.signature == Signature::stale);
}

namespace {

std::string ascii(const std::string& text, bool upper) { return upper ? to_upper(text) : to_lower(text); }

// The value with its first character percent-encoded: the same id to a decoder, another to a reader.
std::string percent_first(const std::string& text) {
  if (text.empty()) return text;
  static const char* hex = "0123456789ABCDEF";
  const auto c = static_cast<unsigned char>(text[0]);
  return std::string("%") + hex[c >> 4] + hex[c & 15] + text.substr(1);
}

}  // namespace

std::string other_tenant(const Model& model, const Probe& probe, std::size_t pick) {
  const auto claim = model.predict_token(model.principals().at(probe.principal), probe.token_tenant).claims.tenant;
  std::vector<std::string> others;
  for (const auto& t : model.tenants())
    if (!claim || t != *claim) others.push_back(t);
  return others.empty() ? "explore-tampered" : others[pick % others.size()];
}

std::string carrier_name(const Model& model, const Carrier& c) {
  const std::string& name = model.tenant_headers().at(c.header);
  switch (c.name_form) {
    case NameForm::declared: return name;
    case NameForm::lower: return ascii(name, false);
    case NameForm::upper: return ascii(name, true);
  }
  return name;
}

std::string carrier_value(const Carrier& c) {
  switch (c.form) {
    case ValueForm::plain: return c.tenant;
    case ValueForm::upper: return ascii(c.tenant, true);
    case ValueForm::padded: return " " + c.tenant + " ";
    case ValueForm::comma_joined: return c.tenant + "," + c.second;
    case ValueForm::repeated_value: return c.tenant + ", " + c.tenant;
    case ValueForm::percent_encoded: return percent_first(c.tenant);
    case ValueForm::empty: return "";
  }
  return c.tenant;
}

std::vector<std::string> probe_features(const Model& model, const Probe& probe) {
  std::set<std::string> f;
  if (probe.kind == Probe::Kind::token) {
    f.insert("token request");
    if (probe.token_tenant) {
      const auto& tenants = model.tenants();
      if (std::find(tenants.begin(), tenants.end(), *probe.token_tenant) == tenants.end()) f.insert("tenant parameter variant");
      else f.insert("tenant parameter");
    }
    return {f.begin(), f.end()};
  }
  if (probe.kind == Probe::Kind::flow) {
    f.insert(flow_name(probe.flow));
    if (const auto text = flow_text(model, probe)) f.insert(text->title);  // the variant, as the flow names it
    return {f.begin(), f.end()};
  }
  if (probe.kind == Probe::Kind::direct) {
    f.insert("direct backend call");
    f.insert(signature_name(probe.signature));
    return {f.begin(), f.end()};
  }
  if (probe.token != TokenForm::issued) f.insert(token_form_name(probe.token));
  if (probe.spoof_identity) f.insert("spoofed identity headers");
  std::set<std::size_t> headers_used;
  for (const auto& c : probe.carriers) {
    if (!headers_used.insert(c.header).second) f.insert("repeated header");
    if (c.header > 0) f.insert("alias header");
    if (c.name_form != NameForm::declared) f.insert("header name letter case");
    switch (c.form) {
      case ValueForm::plain: break;
      case ValueForm::upper: f.insert("value letter case"); break;
      case ValueForm::padded: f.insert("padded value"); break;
      case ValueForm::comma_joined: f.insert("comma-joined values"); break;
      case ValueForm::repeated_value: f.insert("one value twice"); break;
      case ValueForm::percent_encoded: f.insert("percent-encoded value"); break;
      case ValueForm::empty: f.insert("empty value"); break;
    }
  }
  if (!probe.carriers.empty()) f.insert("tenant header");
  const Route& route = model.routes().at(probe.route);
  if (!route.tenant_param.empty()) f.insert("path tenant");
  if (!probe.query.empty()) f.insert("query string");
  if (route.kind == Route::Kind::item) {
    if (!model.find_item(probe.item_id))
      f.insert(model.other_case_of_item(probe.item_id) ? "item id letter case" : "missing item");
  }
  return {f.begin(), f.end()};
}

RequestFacts facts_of(const Model& model, const Probe& probe) {
  RequestFacts facts;
  const Route& route = model.routes().at(probe.route);
  facts.route = &route;
  facts.has_token = probe.token != TokenForm::none && probe.token != TokenForm::other_scheme;
  facts.token_valid = probe.token == TokenForm::issued || probe.token == TokenForm::expired_within_leeway ||
                      probe.token == TokenForm::nbf_within_leeway || probe.token == TokenForm::minted;
  facts.direct = probe.kind == Probe::Kind::direct;
  facts.signature_valid = probe.signature == Signature::fresh;
  const auto token = model.predict_token(model.principals().at(probe.principal), probe.token_tenant);
  facts.claims = token.claims;
  for (const auto& c : probe.carriers)
    for (auto& v : split_comma_list(carrier_value(c))) facts.tenant_values.push_back(std::move(v));
  if (!route.tenant_param.empty()) facts.path_tenant = probe.path_tenant;
  facts.item_id = probe.item_id;
  return facts;
}

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

// The carrier that writes `value` in header `index` named `name`, if one does.
std::optional<Carrier> carrier_of(const Model& model, std::size_t index, const std::string& name, const std::string& value) {
  Carrier c;
  c.header = index;
  const std::string& declared = model.tenant_headers()[index];
  if (name == declared) c.name_form = NameForm::declared;
  else if (name == ascii(declared, false)) c.name_form = NameForm::lower;
  else if (name == ascii(declared, true)) c.name_form = NameForm::upper;
  else return std::nullopt;
  for (const auto& t : model.tenants()) {
    c.tenant = t;
    for (ValueForm form : {ValueForm::plain, ValueForm::upper, ValueForm::padded, ValueForm::repeated_value,
                           ValueForm::percent_encoded, ValueForm::empty}) {
      c.form = form;
      if (carrier_value(c) == value) return c;
    }
    c.form = ValueForm::comma_joined;
    for (const auto& second : model.tenants()) {
      c.second = second;
      if (carrier_value(c) == value) return c;
    }
    c.second.clear();
  }
  return std::nullopt;
}

}  // namespace

std::optional<RouteAsked> route_asked(const Model& model, const std::string& method, const std::string& path) {
  const auto asked = segments(path);
  for (std::size_t r = 0; r < model.routes().size(); ++r) {
    const Route& route = model.routes()[r];
    const auto pattern = segments(route.path);
    if (route.method != method || pattern.size() != asked.size()) continue;
    RouteAsked out{r, {}};
    bool ok = true;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      const std::string& seg = pattern[i];
      if (seg.size() > 1 && seg.front() == '{' && seg.back() == '}')
        out.params.emplace_back(seg.substr(1, seg.size() - 2), percent_decode(asked[i]));
      else
        ok = seg == asked[i];
    }
    if (ok) return out;
  }
  return std::nullopt;
}

std::optional<Probe> probe_from_request(const Model& model, const HttpRequest& request, const std::string& gateway_url) {
  if (request.url.rfind(gateway_url, 0) != 0) return std::nullopt;
  std::string path = request.url.substr(gateway_url.size());
  Probe probe;
  if (const auto q = path.find('?'); q != std::string::npos) {
    probe.query = path.substr(q + 1);
    path.resize(q);
    if (probe.query.find('&') != std::string::npos || probe.query.find('=') == std::string::npos) return std::nullopt;
  }
  const auto asked = route_asked(model, request.method, path);
  if (!asked) return std::nullopt;
  probe.route = asked->route;
  for (const auto& [name, value] : asked->params)
    (name == model.routes()[asked->route].tenant_param ? probe.path_tenant : probe.item_id) = value;
  // An item the platform does not declare (one a write of the run created) has no owner the model
  // knows: the request is left out rather than predicted as missing.
  if (model.routes()[probe.route].kind == Route::Kind::item && probe.item_id != model.missing_id() &&
      !model.find_item(probe.item_id))
    return std::nullopt;
  const json& headers = model.contract().value("headers", json::object());
  for (const auto& [name, value] : request.headers.entries()) {
    bool tenant_header = false;
    for (std::size_t h = 0; h < model.tenant_headers().size(); ++h) {
      if (!iequals(name, model.tenant_headers()[h])) continue;
      tenant_header = true;
      auto c = carrier_of(model, h, name, value);
      if (!c) return std::nullopt;
      probe.carriers.push_back(std::move(*c));
    }
    if (tenant_header) continue;
    if (headers.contains("actor") && headers["actor"].is_string() && iequals(name, headers["actor"].get<std::string>()))
      probe.spoof_identity = true;
  }
  return probe;
}

Generator::Generator(const Model& model, std::uint64_t seed, GenerateOptions options)
    : model_(model), options_(options), rng_(seed) {
  for (std::size_t i = 0; i < model.principals().size(); ++i)
    if (model.principals()[i].tenants.size() > 1) multi_tenant_.push_back(i);
  for (std::size_t i = 0; i < model.routes().size(); ++i) {
    const auto kind = model.routes()[i].kind;
    if (kind == Route::Kind::other || kind == Route::Kind::replace) continue;  // a replace is the writes flow's
    if (kind == Route::Kind::write && !options.writes) continue;
    routes_.push_back(i);
    // a backend's own list, called straight (once per backend: the gateway's alternative paths to it
    // reach the same upstream)
    if (kind == Route::Kind::list && model.routes()[i].tenant_param.empty()) direct_routes_.push_back(i);
  }
}

std::size_t Generator::pick(std::size_t n) { return n ? static_cast<std::size_t>(rng_() % n) : 0; }
bool Generator::chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }

// Mostly the principal's own tenants (where the contract's branches are), else any tenant.
std::string Generator::any_tenant(const Principal& p) {
  if (!p.tenants.empty() && chance(0.5)) return p.tenants[pick(p.tenants.size())];
  return model_.tenants()[pick(model_.tenants().size())];
}

Probe Generator::next() {
  Probe probe;
  probe.principal = pick(model_.principals().size());
  const Principal& principal = model_.principals()[probe.principal];
  if (!options_.flows.empty() && (options_.flows_only || chance(options_.flow_share))) {
    probe.kind = Probe::Kind::flow;
    probe.flow = options_.flows[pick(options_.flows.size())];
    probe.variant = flow_turns_[static_cast<std::size_t>(probe.flow)]++;  // each variant in turn, none left to chance
    // Half of the flows go to principals with several tenants: selection and its persistence are
    // where flows differ from single requests.
    if (!multi_tenant_.empty() && chance(0.5)) probe.principal = multi_tenant_[pick(multi_tenant_.size())];
    const Principal& who = model_.principals()[probe.principal];
    if (who.tenants.size() > 1 && (who.default_tenant.empty() || chance(0.5)))
      probe.token_tenant = who.tenants[pick(who.tenants.size())];
    if (chance(0.6)) {  // a tenant value for the console, or a tenant for the code flow and refresh
      Carrier c;
      c.header = pick(model_.tenant_headers().size());
      c.tenant = any_tenant(who);
      if (chance(0.3)) {
        static const ValueForm forms[] = {ValueForm::upper, ValueForm::padded, ValueForm::comma_joined, ValueForm::empty};
        c.form = forms[pick(std::size(forms))];
        if (c.form == ValueForm::comma_joined) c.second = any_tenant(who);
      }
      probe.carriers.push_back(std::move(c));
    }
    return probe;
  }
  if (options_.direct && !direct_routes_.empty() && chance(0.05)) {
    probe.kind = Probe::Kind::direct;
    probe.route = direct_routes_[pick(direct_routes_.size())];
    std::vector<Signature> forms = {Signature::none, Signature::forged};
    if (options_.context_secret) forms.insert(forms.end(), {Signature::stale, Signature::fresh});
    probe.signature = forms[pick(forms.size())];
    probe.stale_ahead = chance(0.5);
    if (principal.tenants.size() > 1 && principal.default_tenant.empty())
      probe.token_tenant = principal.tenants[pick(principal.tenants.size())];
    return probe;
  }
  if (chance(0.1) || routes_.empty()) {
    probe.kind = Probe::Kind::token;
    if (chance(0.7)) {
      std::string t = any_tenant(principal);
      if (chance(0.2)) t = chance(0.5) ? ascii(t, true) : " " + t;
      probe.token_tenant = t;
    }
    return probe;
  }
  // A token that can be issued: an ambiguous principal names one of its tenants.
  const bool ambiguous = principal.tenants.size() > 1 && principal.default_tenant.empty();
  if (ambiguous || (principal.tenants.size() > 1 && chance(0.3)))
    probe.token_tenant = principal.tenants[pick(principal.tenants.size())];
  if (chance(0.2)) {
    std::vector<TokenForm> forms = {TokenForm::none, TokenForm::other_scheme, TokenForm::alg_none, TokenForm::tampered};
    if (options_.mint)
      for (auto f : {TokenForm::expired_past_leeway, TokenForm::expired_within_leeway, TokenForm::nbf_past_leeway,
                     TokenForm::nbf_within_leeway, TokenForm::wrong_audience, TokenForm::wrong_issuer, TokenForm::minted})
        forms.push_back(f);
    probe.token = forms[pick(forms.size())];
    if (probe.token == TokenForm::tampered) probe.tampered_tenant = other_tenant(model_, probe, pick(model_.tenants().size()));
  }
  probe.route = routes_[pick(routes_.size())];
  const Route& route = model_.routes()[probe.route];
  if (route.kind == Route::Kind::item) {
    std::vector<const Item*> same;
    for (const auto& i : model_.items())
      if (i.backend == route.backend) same.push_back(&i);
    const double roll = static_cast<double>(pick(100)) / 100;
    if (same.empty() || roll < 0.15) probe.item_id = model_.missing_id();
    else {
      const Item& item = *same[pick(same.size())];
      probe.item_id = item.id;
      // The same id in other letters (upper case, or lower where it is upper already), only of an item
      // of a tenant the caller has none of: the contract leaves item ids' letter case to the platform,
      // so such an id of the caller's own item may be served or missing, while another tenant's is
      // missing either way.
      const bool callers = std::find(principal.tenants.begin(), principal.tenants.end(), item.tenant) != principal.tenants.end();
      if (roll < 0.3 && !callers) {
        const std::string upper = ascii(probe.item_id, true);
        probe.item_id = upper != probe.item_id ? upper : ascii(probe.item_id, false);
      }
    }
  }
  if (!route.tenant_param.empty()) {  // mostly the caller's own: a path names the tenant of every request there
    probe.path_tenant = chance(0.5) && !principal.tenants.empty() ? principal.tenants[pick(principal.tenants.size())]
                                                                   : any_tenant(principal);
    if (chance(0.15)) probe.path_tenant = ascii(probe.path_tenant, true);
  }
  const std::size_t carriers = chance(0.45) ? 0 : (chance(0.75) ? 1 : 2 + pick(2));
  for (std::size_t k = 0; k < carriers; ++k) {
    Carrier c;
    c.header = chance(0.5) ? 0 : pick(model_.tenant_headers().size());
    c.name_form = chance(0.7) ? NameForm::declared : (chance(0.5) ? NameForm::lower : NameForm::upper);
    c.tenant = any_tenant(principal);
    if (chance(0.4)) {
      static const ValueForm forms[] = {ValueForm::upper, ValueForm::padded, ValueForm::comma_joined,
                                        ValueForm::repeated_value, ValueForm::percent_encoded, ValueForm::empty};
      c.form = forms[pick(std::size(forms))];
      if (c.form == ValueForm::comma_joined) c.second = any_tenant(principal);
    }
    probe.carriers.push_back(std::move(c));
  }
  probe.spoof_identity = chance(0.1);
  if (chance(0.15)) {
    static const char* names[] = {"tenant", "tenantId", "tenant_id", "limit", "page"};
    const std::string name = names[pick(std::size(names))];
    const std::string value = name == "limit" ? "1" : name == "page" ? "2" : model_.tenants()[pick(model_.tenants().size())];
    probe.query = name + "=" + value;
  }
  return probe;
}

}  // namespace tc::explore
