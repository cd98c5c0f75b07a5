// The template engine ({{ expr }} in scenario strings): the same text is scanned for variables and
// paths as the loader does, then rendered as text and as a whole value in a scope like a run's (the
// contract profile, endpoints, a token and its JWKS for the crafted-token functions).
#include <cstdint>
#include <stdexcept>

#include "common/crypto.h"
#include "common/jwt.h"
#include "common/profile.h"
#include "harness/template/template.h"

namespace {

struct World {
  tc::Scope scope;
  tc::TemplateContext ctx;
  tc::json jwks;
};

World& world() {
  static World w = [] {
    World out;
    auto profile = tc::ContractProfile::load(TC_SOURCE_DIR "/fixtures/contracts/reference.yaml");
    if (!profile) throw std::runtime_error(profile.error().to_string());
    out.scope.set("contract", profile->values());
    out.scope.set("gateway", "http://127.0.0.1:1");
    out.scope.set("authority", "http://127.0.0.1:2");
    const tc::RsaKey key = tc::RsaKey::generate(1024);
    out.jwks = tc::json{{"keys", tc::json::array({key.public_jwk("k1")})}};
    out.scope.set("token", tc::sign_jwt_rs256(key, "k1", {{"sub", "u1"}, {"tenant", "acme"}, {"exp", 4102444800}}));
    out.scope.set("row", tc::json{{"tenant", "acme"}, {"list", {1, "two", nullptr}}});
    const tc::json jwks = out.jwks;
    out.ctx.fetch_json = [jwks](const std::string&) -> tc::Result<tc::json> { return jwks; };
    return out;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const tc::Loc loc{"fuzz.yaml", 1, "/steps/0/request/url"};
  const auto variables = tc::template_variables(text, loc);
  const auto paths = tc::template_paths(text, loc);
  // The loader's view and the renderer's agree on what is a syntax error: a template whose
  // variables cannot be listed must not render.
  const auto rendered = tc::render_text(text, w.scope, loc, w.ctx);
  if (!variables.ok() && rendered.ok()) __builtin_trap();
  (void)paths;
  (void)tc::render(tc::json(text), w.scope, loc, w.ctx);
  return 0;
}
