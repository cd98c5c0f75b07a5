#include "harness/explore/spelling.h"

#include <set>
#include <sstream>

#include "common/headers.h"
#include "common/json_text.h"
#include "common/text.h"
#include "harness/template/expression.h"

namespace tc::explore {

std::string q(const std::string& text) { return json_text(json(text)); }  // a YAML double-quoted scalar

std::string fx(const std::string& key) { return "{{fx." + key + "}}"; }

std::string literal(const std::string& text) {
  tmpl::Expr e;
  e.value = text;
  return tmpl::print_expr(e);
}

// A tenant id as the pack names it: its bindings' name, else the id itself.
std::string tenant_text(const Model& model, const std::string& tenant) {
  const std::string key = model.tenant_fx(tenant);
  return key.empty() ? tenant : fx(key);
}

std::string tenant_expr(const Model& model, const std::string& tenant) {
  if (const std::string key = model.tenant_fx(tenant); !key.empty()) return "fx." + key;
  for (const auto& known : model.tenants())  // another letter case of a named tenant keeps its name
    if (to_upper(known) == tenant && tenant != known && !model.tenant_fx(known).empty()) return "upper(fx." + model.tenant_fx(known) + ")";
  return literal(tenant);
}

std::string scope_text(const Model& model, const std::vector<std::string>& scopes) {
  auto words = [](const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;) out.insert(w);
    return out;
  };
  const std::set<std::string> wanted(scopes.begin(), scopes.end());
  if (auto named = model.bindings().find("scopes"); named != model.bindings().end() && named->is_object())
    for (const auto& [key, value] : named->items())
      if (value.is_string() && words(value.get<std::string>()) == wanted) return fx("scopes." + key);
  return join(scopes, " ");
}

std::string item_expr(const Model& model, const std::string& id) {
  if (id == model.missing_id() && !model.missing_fx().empty()) return "fx." + model.missing_fx();
  if (const Item* item = model.find_item(id); item && !item->fx_key.empty()) return "fx." + item->fx_key;
  for (const auto& item : model.items()) {  // another letter case of a known item keeps its name
    if (item.fx_key.empty()) continue;
    if (to_upper(item.id) == id) return "upper(fx." + item.fx_key + ")";
    if (to_lower(item.id) == id) return "lower(fx." + item.fx_key + ")";
  }
  return literal(id);
}

std::string route_url_text(const Route& route, const std::vector<PathArg>& args) {
  std::size_t next = 0;
  std::string exprs;
  std::string path = fill_path(route, [&](bool) {
    if (next >= args.size()) return std::string();
    exprs += ", " + args[next].expr;
    return args[next++].value;
  });
  if (!route.fx_name.empty()) path = exprs.empty() ? fx(route.fx_name) : "{{path(fx." + route.fx_name + exprs + ")}}";
  return "{{gateway}}" + path;
}

std::string route_url_text(const Model& model, const Route& route, const std::string& path_tenant, const std::string& item_id) {
  std::vector<PathArg> args;
  fill_path(route, [&](bool is_tenant) {
    args.push_back(is_tenant ? PathArg{tenant_expr(model, path_tenant), path_tenant} : PathArg{item_expr(model, item_id), item_id});
    return std::string();
  });
  return route_url_text(route, args);
}

// A tenant parameter as sent: a known tenant by its name, a variant of one (padded, another letter
// case) written from that name.
std::string parameter_text(const Model& model, const std::string& t) {
  for (const auto& known : model.tenants()) {
    if (t == known) return tenant_text(model, known);
    if (t == " " + known) return " " + tenant_text(model, known);
    if (t == to_upper(known)) return "{{upper(" + tenant_expr(model, known) + ")}}";
  }
  return t;
}

std::string value_text(const Model& model, const Carrier& c) {
  switch (c.form) {
    case ValueForm::plain: return tenant_text(model, c.tenant);
    case ValueForm::upper: return "{{upper(" + tenant_expr(model, c.tenant) + ")}}";
    case ValueForm::padded: return " " + tenant_text(model, c.tenant) + " ";
    case ValueForm::comma_joined: return tenant_text(model, c.tenant) + "," + tenant_text(model, c.second);
    case ValueForm::repeated_value: return tenant_text(model, c.tenant) + ", " + tenant_text(model, c.tenant);
    case ValueForm::percent_encoded: return carrier_value(c);  // the literal: no function writes it
    case ValueForm::empty: return "";
  }
  return carrier_value(c);
}

std::string name_text(const Carrier& c) {
  std::string expr = c.header == 0 ? "contract.headers.tenant" : "contract.headers.tenant_aliases." + std::to_string(c.header - 1);
  if (c.name_form == NameForm::lower) expr = "lower(" + expr + ")";
  if (c.name_form == NameForm::upper) expr = "upper(" + expr + ")";
  return "{{" + expr + "}}";
}

const char* principal_label(const Principal& p) { return p.is_client ? "client" : "user"; }

std::string token_request_text(const Model& model, const Principal& who, const std::optional<std::string>& tenant,
                               const std::string& indent, const std::string& extra_form, const std::string& label) {
  const std::string p = who.fx_key;
  const std::string name = "a token for " + std::string(principal_label(who)) + " " + p +
                           (tenant ? " asking tenant '" + *tenant + "'" : "") + label;
  std::string out = indent + "- name: " + q(name) + "\n" +
                    indent + "  request:\n" + indent + "    method: POST\n" + indent + "    url: " +
                    q("{{authority}}{{contract.paths.token}}") + "\n";
  if (who.is_client)
    out += indent + "    headers:\n" + indent + "      " + q("{{contract.headers.authorization}}") + ": " +
           q("{{contract.values.basic_scheme}} {{basic_credentials(fx." + p + ".id, fx." + p + ".secret)}}") + "\n";
  out += indent + "    form:\n";
  if (who.is_client) {
    out += indent + "      grant_type: client_credentials\n";
  } else {
    out += indent + "      grant_type: password\n" + indent + "      client_id: " + q(fx("clients.console.id")) + "\n" +
           indent + "      username: " + q(fx(p + ".username")) + "\n" + indent + "      password: " +
           q(fx(p + ".password")) + "\n";
  }
  if (tenant) out += indent + "      tenant: " + q(parameter_text(model, *tenant)) + "\n";
  out += extra_form;
  return out;
}

}  // namespace tc::explore
