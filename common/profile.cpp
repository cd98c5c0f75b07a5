#include "common/profile.h"

#include <map>
#include <regex>
#include <stdexcept>

#include "common/crypto.h"
#include "common/echo_shape.h"
#include "common/encoding.h"
#include "common/input_file.h"
#include "common/json_text.h"
#include "common/strict.h"

namespace tc {
namespace {

// The sections every profile has and the JSON type of their values. A profile may add keys and
// sections (a platform may name more); it may not drop a section or change a value's type.
enum class Kind { string, integer, boolean, string_or_list };

struct Section {
  const char* name;
  Kind kind;
  long long min = 0, max = 0;  // the range of an integer section's values
};

// Windows are seconds: at most a year, so that no sum of them overflows and no wait is endless.
constexpr Section kSections[] = {
    {"headers", Kind::string_or_list}, {"claims", Kind::string},   {"status", Kind::integer, 100, 599},
    {"errors", Kind::string},          {"values", Kind::string},   {"patterns", Kind::string},
    {"windows", Kind::integer, 0, 365LL * 24 * 3600},             {"switches", Kind::boolean},
    {"paths", Kind::string},           {"events", Kind::string},   {"outcomes", Kind::string},
};

bool has_kind(const json& v, Kind kind) {
  switch (kind) {
    case Kind::string: return v.is_string();
    case Kind::integer: return v.is_number_integer();
    case Kind::boolean: return v.is_boolean();
    case Kind::string_or_list:
      if (v.is_string()) return true;
      if (!v.is_array()) return false;
      for (const auto& e : v)
        if (!e.is_string()) return false;
      return true;
  }
  return false;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::string: return "a string";
    case Kind::integer: return "an integer";
    case Kind::boolean: return "a boolean";
    case Kind::string_or_list: return "a string or a list of strings";
  }
  return "?";
}

// Checks the shape; fills `compiled` with every pattern, compiled once for the profile's life.
std::optional<Error> check(const Document& doc, std::map<std::string, std::regex>& compiled) {
  if (!doc.value.is_object()) return input_error(doc.where(""), "a contract profile is a mapping of sections");
  for (const auto& section : kSections) {
    std::string sp = pointer_join("", section.name);
    auto it = doc.value.find(section.name);
    if (it == doc.value.end())
      return input_error(doc.where(""), std::string("contract profile has no section '") + section.name + "'");
    if (!it->is_object()) return input_error(doc.where(sp), std::string("section '") + section.name + "' must be a mapping");
    for (auto kv = it->begin(); kv != it->end(); ++kv) {
      std::string kp = pointer_join(sp, kv.key());
      if (!has_kind(kv.value(), section.kind))
        return input_error(doc.where(kp), std::string(section.name) + "." + kv.key() + " must be " +
                                              kind_name(section.kind));
      if (section.kind == Kind::integer &&
          (kv.value().get<long long>() < section.min || kv.value().get<long long>() > section.max))
        return input_error(doc.where(kp), std::string(section.name) + "." + kv.key() + " must be in " +
                                              std::to_string(section.min) + ".." + std::to_string(section.max) +
                                              ", got " + json_text(kv.value()));
    }
  }
  if (auto echo = EchoShape::from_profile(doc.value, &doc); !echo) return echo.error();
  // A value named *_pointer says where something is in a JSON answer: a JSON pointer (RFC 6901).
  const json& values = doc.value["values"];
  for (auto kv = values.begin(); kv != values.end(); ++kv) {
    if (!kv.key().ends_with("_pointer")) continue;
    try {
      json::json_pointer checked(kv.value().get<std::string>());
    } catch (const json::exception&) {
      return input_error(doc.where(pointer_join("/values", kv.key())),
                         "values." + kv.key() + " must be a JSON pointer (\"\" or starting with '/'), got " + json_text(kv.value()));
    }
  }
  if (auto it = doc.value.find("components"); it != doc.value.end()) {
    if (!it->is_object()) return input_error(doc.where("/components"), "section 'components' must be a mapping");
    for (auto c = it->begin(); c != it->end(); ++c) {
      const std::string cp = pointer_join("/components", c.key());
      if (!c->is_object()) return input_error(doc.where(cp), "components." + c.key() + " must be a mapping");
      if (auto keys = read_strictly([&] { StrictReader(doc).object(*c, cp, {"events", "errors"}); }); !keys)
        return keys.error();
      for (auto s = c->begin(); s != c->end(); ++s) {
        const std::string sp = pointer_join(cp, s.key());
        if (!s->is_object()) return input_error(doc.where(sp), "components." + c.key() + "." + s.key() + " must be a mapping");
        for (auto kv = s->begin(); kv != s->end(); ++kv) {
          const std::string dotted = c.key() + "." + s.key() + "." + kv.key();
          if (!kv->is_string()) return input_error(doc.where(pointer_join(sp, kv.key())), "components." + dotted + " must be a string");
          if (!doc.value[s.key()].contains(kv.key()))
            return input_error(doc.where(pointer_join(sp, kv.key())),
                               "components." + dotted + " overrides nothing: " + s.key() + "." + kv.key() + " is not in the profile");
        }
      }
    }
  }
  const json& patterns = doc.value["patterns"];
  for (auto kv = patterns.begin(); kv != patterns.end(); ++kv) {
    try {
      compiled.emplace(kv.key(), std::regex(kv.value().get<std::string>(), std::regex::ECMAScript));
    } catch (const std::regex_error& e) {
      return input_error(doc.where(pointer_join("/patterns", kv.key())),
                         "patterns." + kv.key() + " is not a valid regular expression: " + e.what());
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ContractProfile> ContractProfile::load(const std::string& path) {
  auto read = read_input_file(path);
  if (!read) return read.error();
  const std::string& bytes = *read;
  auto doc = parse_document(bytes, path);
  if (!doc) return doc.error();
  ContractProfile profile;
  if (auto err = check(doc.value(), profile.regexes_)) return *err;
  profile.doc_ = std::move(doc).value();
  profile.hash_ = hex_encode(sha256(bytes));
  profile.index();
  return profile;
}

ContractProfile::ContractProfile(const ContractProfile& other)
    : doc_(other.doc_), hash_(other.hash_), regexes_(other.regexes_) {
  index();
}

// A moved JSON document keeps its nodes where they are, so the index moves with it.
ContractProfile::ContractProfile(ContractProfile&& other) noexcept
    : doc_(std::move(other.doc_)),
      hash_(std::move(other.hash_)),
      regexes_(std::move(other.regexes_)),
      index_(std::move(other.index_)) {
  other.index_.clear();
}

ContractProfile& ContractProfile::operator=(ContractProfile other) noexcept {
  doc_ = std::move(other.doc_);
  hash_ = std::move(other.hash_);
  regexes_ = std::move(other.regexes_);
  index_ = std::move(other.index_);
  other.index_.clear();
  return *this;
}

void ContractProfile::index() {
  index_.assign(std::size(kSections), {});
  if (!doc_.value.is_object()) return;
  for (std::size_t i = 0; i < std::size(kSections); ++i) {
    auto section = doc_.value.find(kSections[i].name);
    if (section == doc_.value.end() || !section->is_object()) continue;
    for (auto kv = section->begin(); kv != section->end(); ++kv) index_[i].emplace(kv.key(), &kv.value());
  }
}

bool ContractProfile::reads_as_list(std::string_view dotted) {
  const auto dot = dotted.find('.');
  if (dot == std::string_view::npos || dotted.find('.', dot + 1) != std::string_view::npos) return false;
  for (const auto& section : kSections)
    if (dotted.substr(0, dot) == section.name) return section.kind == Kind::string_or_list;
  return false;
}

const json* ContractProfile::find(std::string_view dotted) const {
  const json* node = &doc_.value;
  std::size_t pos = 0;
  while (true) {
    std::size_t dot = dotted.find('.', pos);
    const auto key = dotted.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) return node;
    pos = dot + 1;
  }
}

json component_spellings(const json& profile_values, std::string_view component) {
  json out = profile_values;
  auto comps = profile_values.find("components");
  if (comps == profile_values.end() || !comps->is_object()) return out;
  auto mine = comps->find(std::string(component));
  if (mine == comps->end() || !mine->is_object()) return out;
  for (const char* section : {"events", "errors"})
    if (auto over = mine->find(section); over != mine->end() && over->is_object())
      for (auto kv = over->begin(); kv != over->end(); ++kv) out[section][kv.key()] = kv.value();
  return out;
}

ContractProfile ContractProfile::for_component(std::string_view component) const {
  ContractProfile view = *this;
  view.doc_.value = component_spellings(doc_.value, component);
  view.index();
  return view;
}

namespace {

// The position of a section in kSections, worked out at compile time.
consteval std::size_t section_at(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kSections); ++i)
    if (name == kSections[i].name) return i;
  throw "not a section of the profile";
}

}  // namespace

const json& ContractProfile::entry(std::size_t section, std::string_view name) const {
  if (section < index_.size())
    if (auto it = index_[section].find(name); it != index_[section].end()) return *it->second;
  throw std::out_of_range("contract profile has no key '" + std::string(kSections[section].name) + "." +
                          std::string(name) + "'");
}

const std::string& ContractProfile::text(std::size_t section, std::string_view name) const {
  const json& v = entry(section, name);
  if (!v.is_string())
    throw std::out_of_range("contract profile key '" + std::string(kSections[section].name) + "." +
                            std::string(name) + "' is not a string");
  return v.get_ref<const std::string&>();
}

int ContractProfile::status(std::string_view name) const { return entry(section_at("status"), name).get<int>(); }
const std::string& ContractProfile::error(std::string_view name) const { return text(section_at("errors"), name); }
const std::string& ContractProfile::header(std::string_view name) const { return text(section_at("headers"), name); }

std::vector<std::string> ContractProfile::header_list(std::string_view name) const {
  const json& v = entry(section_at("headers"), name);
  if (v.is_string()) return {v.get<std::string>()};
  return v.get<std::vector<std::string>>();
}

const std::string& ContractProfile::claim(std::string_view name) const { return text(section_at("claims"), name); }
const std::string& ContractProfile::event(std::string_view name) const { return text(section_at("events"), name); }
const std::string& ContractProfile::outcome(bool allow) const { return text(section_at("outcomes"), allow ? "allow" : "deny"); }
const std::string& ContractProfile::value(std::string_view name) const { return text(section_at("values"), name); }
const std::string& ContractProfile::path(std::string_view name) const { return text(section_at("paths"), name); }
const std::string& ContractProfile::pattern(std::string_view name) const { return text(section_at("patterns"), name); }
const std::regex& ContractProfile::regex(std::string_view name) const {
  auto it = regexes_.find(std::string(name));
  if (it == regexes_.end()) throw std::out_of_range("contract profile has no patterns." + std::string(name));
  return it->second;
}
long long ContractProfile::window(std::string_view name) const {
  return entry(section_at("windows"), name).get<long long>();
}
bool ContractProfile::flag(std::string_view name) const { return entry(section_at("switches"), name).get<bool>(); }

}  // namespace tc
