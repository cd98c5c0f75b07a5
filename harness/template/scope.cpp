// Scope: layered variables. `env` is virtual: env.NAME reads the process environment, unless a layer
// defines a variable named `env` itself.
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "common/redact.h"
#include "harness/template/template.h"

namespace tc {
namespace {

// The dotted path's segments, as views of it.
std::vector<std::string_view> split_dotted(std::string_view dotted) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t dot = dotted.find('.');
    out.push_back(dotted.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    dotted.remove_prefix(dot + 1);
  }
}

// The member `segment` names below `node`: an object's key, or an array's index.
const json* child(const json& node, std::string_view segment) {
  if (node.is_object()) {
    auto it = node.find(segment);
    return it == node.end() ? nullptr : &*it;
  }
  if (!node.is_array() || segment.empty() || segment.size() > 9 ||
      segment.find_first_not_of("0123456789") != std::string_view::npos)
    return nullptr;
  std::size_t index = 0;
  std::from_chars(segment.data(), segment.data() + segment.size(), index);
  return index < node.size() ? &node[index] : nullptr;
}

}  // namespace

Scope::Variable* Scope::find(std::string_view name) {
  for (auto& v : vars_)
    if (v.name == name) return &v;
  return nullptr;
}

const Scope::Variable* Scope::find(std::string_view name) const { return const_cast<Scope*>(this)->find(name); }

void Scope::set(const std::string& name, json value) {
  Variable* v = find(name);
  if (!v) v = &vars_.emplace_back(Variable{name, nullptr, nullptr});
  if (v->held) {
    *v->held = std::move(value);
  } else {
    v->held = std::make_unique<json>(std::move(value));
    v->value = v->held.get();
  }
}

void Scope::refer(const std::string& name, const json& value) {
  Variable* v = find(name);
  if (!v) v = &vars_.emplace_back(Variable{name, nullptr, nullptr});
  v->held.reset();
  v->value = &value;
}

bool Scope::defines(const std::string& top_name) const {
  for (const Scope* s = this; s; s = s->parent_)
    if (s->find(top_name)) return true;
  return top_name == "env";
}

template <class Segments>
const json* Scope::lookup_segments(const Segments& segments) const {
  if (segments.empty()) return nullptr;
  const std::string_view top = segments[0];
  for (const Scope* s = this; s; s = s->parent_)
    if (const Variable* v = s->find(top)) {
      const json* node = v->value;
      for (std::size_t i = 1; i < segments.size() && node; ++i) node = child(*node, segments[i]);
      return node;
    }
  if (top != "env" || segments.size() != 2) return nullptr;
  const std::string_view name = segments[1];
  if (auto cached = env_cache_.find(name); cached != env_cache_.end()) return &cached->second;
  const std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (!value) return nullptr;
  global_redactor().add_secret(value);
  return &(env_cache_[key] = json(std::string(value)));
}

const json* Scope::lookup(const std::string& dotted) const { return lookup_segments(split_dotted(dotted)); }

const json* Scope::lookup(const std::vector<std::string>& segments) const { return lookup_segments(segments); }

}  // namespace tc
