#include <thread>

#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

TEST(ExpectElapsed, PassesBelowAndFailsAboveTheLimit) {
  TestServer server([](const stub::Request& r) {
    if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(150));
    return respond(200);
  });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("fast", "{{api}}/fast", {expect("elapsed_ms", {{"below", 2000}})}), scope, *run);
  EXPECT_TRUE(only(r, "elapsed_ms").passed()) << failures(r);
  r = run_step(step("slow", "{{api}}/slow", {expect("elapsed_ms", {{"below", 100}})}), scope, *run);
  Outcome o = only(r, "elapsed_ms");
  EXPECT_TRUE(o.failed());
  EXPECT_EQ(o.expected, "below 100 ms");
  EXPECT_NE(o.actual.find(" ms"), std::string::npos);
}

TEST(ExpectElapsed, ValidatorWantsBelow) {
  register_builtin_expectations();
  const ExpectationKind* kind = find_expectation_kind("elapsed_ms");
  ASSERT_NE(kind, nullptr);
  Document doc{"f.yaml", json::object(), {}, {}};
  EXPECT_TRUE(kind->validate(json{{"below", 10}}, doc, "/e").ok());
  EXPECT_FALSE(kind->validate(json{{"above", 10}}, doc, "/e").ok());
  EXPECT_FALSE(kind->validate(json{{"below", "soon"}}, doc, "/e").ok());
}

}  // namespace
}  // namespace tc
