#include "harness/env/launch_spec.h"

#include "harness/env/readiness.h"

namespace tc {

std::vector<std::string> stub_args(const ComponentSpec& c, const Topology& t, const Environment& env, int port,
                                   const std::string& audit_file) {
  std::vector<std::string> args{c.stub_role, "--fixtures", t.fixtures, "--profile", t.profile, "--port",
                                std::to_string(port)};
  if (c.stub_role == "backend") args.insert(args.end(), {"--role", c.backend_role});
  for (const auto& f : c.faults) args.insert(args.end(), {"--fault", f});
  args.insert(args.end(), {"--audit-file", audit_file});
  if (c.stub_role == "gateway") {
    args.insert(args.end(), {"--authority", env.components.at("authority").url});
    for (const auto& other : t.components)
      if (other.kind == "stub" && other.stub_role == "backend")
        args.insert(args.end(), {"--backend", other.backend_role + "=" + env.components.at(other.name).url});
  }
  args.insert(args.end(), c.stub_args.begin(), c.stub_args.end());
  return args;
}

Result<SpawnLaunch> render_spawn(const ComponentSpec& c, const Scope& scope, const std::string& log_file) {
  auto render = [&](const std::string& text, const std::string& ptr) {
    return render_text(text, scope, Loc{c.loc.file, c.loc.line, c.loc.pointer + ptr});
  };
  auto command = render(c.command, "/spawn/command");
  if (!command) return command.error();
  SpawnLaunch out{ChildSpec{*command, {}, {}, log_file}, ""};
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    auto a = render(c.args[i], "/spawn/args/" + std::to_string(i));
    if (!a) return a.error();
    out.spec.args.push_back(*a);
  }
  for (const auto& [k, v] : c.env) {
    auto x = render(v, "/spawn/env/" + k);
    if (!x) return x.error();
    out.spec.env[k] = *x;
  }
  auto url = render(c.url, "/spawn/url");
  if (!url) return url.error();
  out.base_url = strip_trailing_slash(*url);
  return out;
}

}  // namespace tc
