// The contract profile (fixtures/contracts/*.yaml): every spelling of the contract. Loaded once,
// read-only afterwards (thread-safe). Stubs, scenarios ({{contract.…}}) and docs read names from it.
#pragma once
#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/document.h"

namespace tc {

// Profile values (ContractProfile::values()) as `component` spells them: see for_component.
json component_spellings(const json& profile_values, std::string_view component);

class ContractProfile {
 public:
  // Loads and checks the profile's shape: the sections headers, claims, status, errors, values,
  // patterns, windows, switches, paths and events are mappings; their values have the section's type
  // (status/windows integers, switches booleans, headers strings or lists of strings, the rest
  // strings); every pattern compiles as an ECMAScript regex. Extra keys and sections are allowed.
  // A missing section or mistyped value is an input error naming file, line and pointer; a key the
  // code asks for that the profile lacks makes the accessor throw (below).
  static Result<ContractProfile> load(const std::string& path);

  ContractProfile() = default;
  ContractProfile(const ContractProfile& other);
  ContractProfile(ContractProfile&& other) noexcept;
  ContractProfile& operator=(ContractProfile other) noexcept;

  const Document& document() const { return doc_; }
  const json& values() const { return doc_.value; }
  // sha256 (hex) of the file's bytes: stamps reports with the profile a run used.
  const std::string& hash() const { return hash_; }

  // The value at a dotted path ("status.tenant_conflict"), nullptr when absent.
  const json* find(std::string_view dotted) const;

  // Whether the profile reads the value at `dotted` ("headers.tenant_aliases") as a string or a
  // list of strings, so that a lone string there is a one-entry list.
  static bool reads_as_list(std::string_view dotted);

  // The profile as one component (authority, gateway, a backend role) spells it: its
  // components.<component>.events and .errors entries over events and errors; the rest is shared.
  ContractProfile for_component(std::string_view component) const;

  // Shorthands for the sections; each throws std::out_of_range naming the key if absent (load()
  // has checked the keys the code uses). Texts are the profile's own, alive as long as it is.
  int status(std::string_view name) const;             // status.<name>
  const std::string& error(std::string_view name) const;      // errors.<name>
  const std::string& header(std::string_view name) const;     // headers.<name>
  std::vector<std::string> header_list(std::string_view name) const;  // headers.<name> (array)
  const std::string& claim(std::string_view name) const;      // claims.<name>
  const std::string& event(std::string_view name) const;      // events.<name>
  const std::string& outcome(bool allow) const;               // outcomes.allow / outcomes.deny
  const std::string& value(std::string_view name) const;      // values.<name>
  const std::string& path(std::string_view name) const;       // paths.<name>
  const std::string& pattern(std::string_view name) const;    // patterns.<name>
  const std::regex& regex(std::string_view name) const;  // patterns.<name>, compiled once at load
  long long window(std::string_view name) const;       // windows.<name>
  bool flag(std::string_view name) const;              // switches.<name>

 private:
  // The value of `name` in the section at `section` (load()'s order); throws as the shorthands say.
  const json& entry(std::size_t section, std::string_view name) const;
  const std::string& text(std::size_t section, std::string_view name) const;
  void index();  // index_ from doc_

  Document doc_;
  std::string hash_;
  std::map<std::string, std::regex> regexes_;
  // Per section, its entries by name: views into doc_, rebuilt whenever doc_ is copied, moved or
  // replaced. A stub looks spellings up on every request; a hash beats two ordered-map walks.
  std::vector<std::unordered_map<std::string_view, const json*>> index_;
};

}  // namespace tc
