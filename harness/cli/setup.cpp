#include <iostream>
#include "harness/cli/setup.h"

#include <algorithm>
#include <filesystem>

#include "harness/cli/bindings.h"
#include "harness/cli/project_paths.h"
#include "harness/template/template.h"

namespace tc::cli {
namespace {

// Why `c` cannot be given the profile; empty when it can.
std::string profile_unreachable(const ComponentSpec& c) {
  if (c.kind == "stub") return "";
  if (c.kind == "external") return "is external: it speaks the spellings it was built with";
  std::vector<std::string> texts{c.command, c.url};
  texts.insert(texts.end(), c.args.begin(), c.args.end());
  for (const auto& [k, v] : c.env) texts.push_back(v);
  for (const auto& text : texts) {
    auto names = template_variables(text, c.loc);
    if (names && std::find(names->begin(), names->end(), "profile") != names->end()) return "";
  }
  return "is spawned without {{profile}} in its command line, arguments or environment";
}

}  // namespace

Result<json> render_bindings(const std::optional<Document>& bindings_file) {
  if (!bindings_file) return json::object();
  // A staging environment's secrets (passwords, client secrets) come from {{env.NAME}}: rendered
  // with nothing but env.* in scope, each value registered as a secret by the lookup. doctor's
  // onboarding checks read the contract and the bindings themselves: rendered when they run.
  json value = bindings_file->value;
  if (value.is_object()) value.erase("onboarding");
  return render(value, Scope(), Loc{bindings_file->file, 1, ""});
}

void add_setup_options(CLI::App* sub, SetupOptions& o, bool bindings, const std::string& profile_help) {
  sub->add_option("--env", o.env_file, "Topology file (default: compose/local.yaml of the project)");
  sub->add_option("--profile", o.profile_file,
                  profile_help.empty()
                      ? "Contract profile for the runner and every component started (overrides the topology's)"
                      : profile_help);
  if (bindings) sub->add_option("--bindings", o.bindings_file, "Bindings file (overrides the topology's)");
}

std::vector<std::string> SetupOptions::as_args() const {
  std::vector<std::string> args;
  for (auto [flag, value] : {std::pair{"--env", &env_file}, {"--profile", &profile_file}, {"--bindings", &bindings_file}})
    if (!value->empty()) args.insert(args.end(), {flag, *value});
  return args;
}

Result<Setup> load_setup(const SetupOptions& o, SetupUse use) {
  Setup s;
  const std::string env_file = path_or_default(o.env_file, "compose/local.yaml");
  std::error_code ec;
  const bool starts = use != SetupUse::check_files;
  if (starts || !o.env_file.empty() || std::filesystem::exists(env_file, ec)) {
    auto topology = load_topology(env_file);
    if (!topology) return topology.error();
    s.topology = std::move(*topology);
  }
  if (s.topology && !o.bindings_file.empty()) s.topology->bindings = o.bindings_file;  // this environment's names
  if (s.topology && !o.profile_file.empty() && use != SetupUse::check_platform) {
    if (starts)
      for (const auto& c : s.topology->components)
        if (auto why = profile_unreachable(c); !why.empty())
          return usage_error("--profile", "component '" + c.name + "' " + why + "; the profile cannot reach it "
                                          "(name the profile in the topology's profile: instead)");
    s.topology->profile = o.profile_file;
  }
  if (use == SetupUse::start_components) return s;
  const std::string profile_path = !o.profile_file.empty() ? o.profile_file
                                   : s.topology             ? s.topology->profile
                                                            : path_or_default("", "fixtures/contracts/reference.yaml");
  auto profile = ContractProfile::load(profile_path);
  if (!profile) return profile.error();
  s.profile = std::move(*profile);
  // Judged alike by every command (run, lint, doctor, mutate agree on a bindings file); rendered
  // only where the environment starts now.
  if (s.topology && !s.topology->bindings.empty()) {
    auto checked = load_bindings(s.topology->bindings);
    if (!checked) return checked.error();
    s.bindings_file = std::move(*checked);
  }
  if (use == SetupUse::start_environment) {
    auto bindings = render_bindings(s.bindings_file);
    if (!bindings) return bindings.error();
    s.bindings = std::move(*bindings);
  }
  return s;
}

void print_component_log(const Error& error, const Supervisor& supervisor) {
  const std::string& component = error.where.component;
  if (component.empty() || error.message.find("--- last ") != std::string::npos) return;  // the error holds it already
  const std::string tail = supervisor.log_tail(component);
  if (!tail.empty()) std::cerr << "--- log of " << component << " ---\n" << tail << "\n";
}

Result<Unit> add_faults(Topology& topology, const std::vector<std::string>& faults) {
  for (const auto& fault : faults) {
    const std::string role = fault.substr(0, fault.find('.'));
    bool placed = false;
    for (auto& c : topology.components)
      if (c.kind == "stub" && c.stub_role == role) {
        c.faults.push_back(fault);
        placed = true;
      }
    if (!placed) return usage_error("--fault " + fault, "the topology has no stub component of role '" + role + "'");
  }
  return Unit{};
}

}  // namespace tc::cli
