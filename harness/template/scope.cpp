// Scope: layered variables. `env` is virtual: env.NAME reads the process environment, unless a layer
// defines a variable named `env` itself.
#include <cstdlib>
#include <string_view>

#include "common/redact.h"
#include "harness/template/template.h"

namespace tc {
namespace {

std::vector<std::string> split_dotted(const std::string& dotted) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t dot = dotted.find('.', pos);
    out.push_back(dotted.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) return out;
    pos = dot + 1;
  }
}

// Walks `segs` from index 1 below `node`: object keys, or array indexes for arrays.
const json* walk(const json* node, const std::vector<std::string>& segs) {
  for (std::size_t i = 1; i < segs.size() && node; ++i) {
    const std::string& s = segs[i];
    if (node->is_object()) {
      auto it = node->find(s);
      node = it == node->end() ? nullptr : &*it;
    } else if (node->is_array()) {
      if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return nullptr;
      std::size_t idx = std::stoul(s);
      node = idx < node->size() ? &(*node)[idx] : nullptr;
    } else {
      return nullptr;
    }
  }
  return node;
}

}  // namespace

void Scope::set(const std::string& name, json value) {
  refs_.erase(name);
  vars_[name] = std::move(value);
}

void Scope::refer(const std::string& name, const json& value) {
  vars_.erase(name);
  refs_[name] = &value;
}

bool Scope::defines(const std::string& top_name) const {
  for (const Scope* s = this; s; s = s->parent_)
    if (s->vars_.contains(top_name) || s->refs_.contains(top_name)) return true;
  return top_name == "env";
}

const json* Scope::lookup(const std::string& dotted) const { return lookup(split_dotted(dotted)); }

const json* Scope::lookup(const std::vector<std::string>& segs) const {
  if (segs.empty()) return nullptr;
  for (const Scope* s = this; s; s = s->parent_) {
    if (auto ref = s->refs_.find(segs[0]); ref != s->refs_.end()) return walk(ref->second, segs);
    auto it = s->vars_.find(segs[0]);
    if (it != s->vars_.end()) return walk(&*it, segs);
  }
  if (segs[0] != "env" || segs.size() != 2) return nullptr;
  auto cached = env_cache_.find(segs[1]);
  if (cached != env_cache_.end()) return &cached->second;
  const char* value = std::getenv(segs[1].c_str());
  if (!value) return nullptr;
  global_redactor().add_secret(value);
  return &(env_cache_[segs[1]] = json(std::string(value)));
}

}  // namespace tc
