// expect: received — the headers a backend says it received, read through the profile's echo shape,
// checked like response headers; and audit items read spellings through the component they name.
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

TEST(ExpectReceived, ReadsTheEchoThroughTheProfilesShape) {
  TestServer server([](const stub::Request&) {
    return respond(200, R"({"headers": {"x-stellaops-tenant": ["tenant-alpha"], "x-tenant": ["a", "b"]}})");
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  json spec = {
      {"{{contract.headers.tenant}}", json::array({{{"equals", "tenant-alpha"}}, {{"count", 1}}})},
      {"X-TENANT", json::array({{{"contains", "b"}}, {{"not_contains", "c"}}, {{"count", 2}}})},
      {"X-User-Id", {{"absent", true}}},
  };
  auto r = run_step(step("echo", "{{api}}/echo", {expect("received", spec)}), scope, *run);
  EXPECT_EQ(r.outcomes.size(), 6u);
  EXPECT_FALSE(r.failed()) << failures(r);

  json wrong = {{"X-Tenant", json::array({{{"count", 1}}, {{"not_contains", "a"}}})}};
  auto f = run_step(step("echo2", "{{api}}/echo", {expect("received", wrong)}), scope, *run);
  EXPECT_TRUE(f.failed());
  EXPECT_EQ(failures(f).find("received X-Tenant count") != std::string::npos, true) << failures(f);
}

TEST(ExpectReceived, ABodyWithoutTheHeadersMapFails) {
  TestServer server([](const stub::Request&) { return respond(200, R"({"request": {}})"); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("echo", "{{api}}/echo", {expect("received", json{{"X-A", {{"absent", true}}}})}), scope, *run);
  EXPECT_TRUE(r.failed());
}

}  // namespace
}  // namespace tc
