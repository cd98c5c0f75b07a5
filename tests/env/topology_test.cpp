#include "harness/env/topology.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "env_test_support.h"

namespace tc {
namespace {

using test::ScratchDir;
using test::source_path;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const ComponentSpec& component(const Topology& t, const std::string& name) {
  auto it = std::find_if(t.components.begin(), t.components.end(), [&](const auto& c) { return c.name == name; });
  if (it == t.components.end()) throw std::runtime_error("no component " + name);
  return *it;
}

std::vector<std::string> order_names(const Topology& t) {
  std::vector<std::string> names;
  for (std::size_t i : start_order(t)) names.push_back(t.components[i].name);
  return names;
}

Error load_error(const std::string& path) {
  auto t = load_topology(path);
  EXPECT_FALSE(t.ok()) << "loaded although invalid: " << path;
  return t.ok() ? Error{} : t.error();
}

TEST(Topology, LoadsTheLocalStubTopology) {
  auto t = load_topology(source_path("compose/local.yaml"));
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  ASSERT_EQ(t->components.size(), 5u);
  EXPECT_TRUE(std::filesystem::exists(t->profile)) << t->profile;
  EXPECT_TRUE(std::filesystem::is_directory(t->fixtures)) << t->fixtures;
  EXPECT_EQ(t->capabilities, (std::set<std::string>{"mint", "echo", "stub-audit", "direct-backend", "login-hint", "context-secret"}));
  for (const auto& c : t->components) {
    EXPECT_EQ(c.kind, "stub") << c.name;
    EXPECT_EQ(c.audit.kind, "stub") << c.name;
    EXPECT_EQ(c.audit.deadline_ms, 300) << c.name;
    EXPECT_TRUE(c.audit.synchronous) << c.name;   // our stubs record before they answer
  }
  EXPECT_EQ(component(*t, "authority").stub_args, std::vector<std::string>{"--enable-mint"});
  EXPECT_EQ(component(*t, "scanner").backend_role, "scanner");
  // The gateway stub depends on the authority and every stub backend, so it starts last.
  EXPECT_THAT(component(*t, "gateway").depends_on, UnorderedElementsAre("authority", "platform", "scanner", "graph"));
  EXPECT_THAT(order_names(*t), ElementsAre("authority", "platform", "scanner", "graph", "gateway"));
}

TEST(Topology, LoadsTheExampleTopologies) {
  auto but = load_topology(source_path("compose/build-under-test.example.yaml"));
  ASSERT_TRUE(but.ok()) << but.error().to_string();
  const ComponentSpec& gw = component(*but, "gateway");
  EXPECT_EQ(gw.kind, "spawn");
  EXPECT_EQ(gw.command, "{{stub_binary}}");
  EXPECT_THAT(gw.depends_on, UnorderedElementsAre("authority", "platform", "scanner", "graph"));
  EXPECT_EQ(order_names(*but).back(), "gateway");

  auto staging = load_topology(source_path("compose/staging.example.yaml"));
  ASSERT_TRUE(staging.ok()) << staging.error().to_string();
  for (const char* cap : {"mint", "echo", "stub-audit", "direct-backend", "login-hint", "context-secret"})
    EXPECT_EQ(staging->capabilities.count(cap), 0u) << cap;
  for (const auto& c : staging->components) EXPECT_EQ(c.kind, "external") << c.name;
  const ComponentSpec& sgw = component(*staging, "gateway");
  EXPECT_EQ(sgw.url, "{{env.TC_STAGING_GATEWAY_URL}}");  // rendered when the environment starts
  EXPECT_FALSE(sgw.tls.insecure);
  EXPECT_FALSE(sgw.tls.ca_file.empty());
  EXPECT_EQ(sgw.audit.kind, "http");
  EXPECT_EQ(sgw.audit.location, "{{env.TC_STAGING_GATEWAY_AUDIT}}");
  EXPECT_EQ(sgw.audit.deadline_ms, 5000);
  EXPECT_FALSE(staging->bindings.empty());
  EXPECT_TRUE(std::filesystem::exists(staging->bindings)) << staging->bindings;
}

TEST(Topology, APlatformTopologyNamesItsOwnPack) {
  auto local = load_topology(source_path("compose/local.yaml"));
  ASSERT_TRUE(local.ok()) << local.error().to_string();
  EXPECT_TRUE(local->pack.empty());  // the reference pack: scenarios/ of the project
  for (const std::string platform : {"seed-001", "seed-002", "seed-003", "seed-004"}) {
    auto topology = load_topology(source_path("compose/" + platform + ".yaml"));
    ASSERT_TRUE(topology.ok()) << topology.error().to_string();
    ASSERT_EQ(topology->pack.size(), 1u) << platform;
    EXPECT_EQ(std::filesystem::path(topology->pack[0]).lexically_normal(),
              std::filesystem::path(source_path("scenarios/platforms/" + platform)).lexically_normal());
    EXPECT_TRUE(std::filesystem::is_directory(topology->pack[0])) << topology->pack[0];
    EXPECT_FALSE(topology->clauses.empty()) << platform << " says which clauses its platform is held to";
  }
  EXPECT_EQ(local->clauses, (std::vector<std::string>{"I", "O", "E", "A", "G", "B", "U"}));
}

TEST(Topology, ResolvesPathsAgainstItsOwnFolderAndDefaultsSpawnReadiness) {
  ScratchDir dir;
  auto path = dir.write("t.yaml",
                        "profile: sub/profile.yaml\n"
                        "components:\n"
                        "  gw:\n"
                        "    spawn: {command: ./bin/gw, args: [\"{{port}}\"]}\n"
                        "    audit: {jsonl: logs/gw.jsonl}\n");
  auto t = load_topology(path);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->profile, dir.path.string() + "/sub/profile.yaml");
  const ComponentSpec& gw = component(*t, "gw");
  EXPECT_EQ(gw.command, dir.path.string() + "/bin/gw");
  EXPECT_EQ(gw.url, "http://127.0.0.1:{{port}}");
  EXPECT_TRUE(gw.ready.http_path.empty());   // TCP
  EXPECT_EQ(gw.ready.deadline_ms, 15000);
  EXPECT_EQ(gw.audit.kind, "jsonl");
  EXPECT_EQ(gw.audit.location, dir.path.string() + "/logs/gw.jsonl");
  EXPECT_EQ(gw.audit.deadline_ms, 3000);
  EXPECT_FALSE(gw.audit.synchronous);   // lagging unless the topology says otherwise
}

TEST(Topology, ASpawnedBuildSaysWhetherItsAuditSourceIsSynchronous) {
  ScratchDir dir;
  auto path = dir.write("t.yaml",
                        "profile: p.yaml\n"
                        "components:\n"
                        "  quiet: {spawn: {command: x}, audit: stub}\n"
                        "  sync: {spawn: {command: x}, audit: {stub: true, synchronous: true}}\n"
                        "  file: {spawn: {command: x}, audit: {jsonl: a.jsonl, synchronous: true, deadline_ms: 50}}\n");
  auto t = load_topology(path);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(component(*t, "quiet").audit.kind, "stub");
  EXPECT_FALSE(component(*t, "quiet").audit.synchronous);   // a build's /_audit is not assumed synchronous
  EXPECT_EQ(component(*t, "quiet").audit.deadline_ms, 300);
  EXPECT_EQ(component(*t, "sync").audit.kind, "stub");
  EXPECT_TRUE(component(*t, "sync").audit.synchronous);
  EXPECT_EQ(component(*t, "file").audit.kind, "jsonl");
  EXPECT_TRUE(component(*t, "file").audit.synchronous);
  EXPECT_EQ(component(*t, "file").audit.deadline_ms, 50);
}

TEST(Topology, ATypoedKeyNamesFileLinePointerAndTheAllowedKeys) {
  ScratchDir dir;
  auto path = dir.write("typo.yaml",
                        "profile: p.yaml\n"
                        "fixtures: f\n"
                        "components:\n"
                        "  authority: {stub: authority}\n"
                        "  gateway:\n"
                        "    stub: gateway\n"
                        "    fautls: [slow]\n");
  Error e = load_error(path);
  EXPECT_EQ(e.kind, ErrorKind::input);
  EXPECT_EQ(e.where.file, path);
  EXPECT_EQ(e.where.line, 7);
  EXPECT_EQ(e.where.pointer, "/components/gateway/fautls");
  EXPECT_THAT(e.message, HasSubstr("unknown key 'fautls'"));
  EXPECT_THAT(e.message, HasSubstr("faults"));
  EXPECT_THAT(e.to_string(), HasSubstr(path + ":7"));
}

TEST(Topology, ATypoedTopLevelKeyIsAnError) {
  ScratchDir dir;
  Error e = load_error(dir.write("t.yaml", "profile: p.yaml\ncapabilites: [mint]\ncomponents: {a: {external: {url: x}}}\n"));
  EXPECT_EQ(e.where.line, 2);
  EXPECT_EQ(e.where.pointer, "/capabilites");
  EXPECT_THAT(e.message, HasSubstr("capabilities"));
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* pointer;
  const char* message;
};

class TopologyRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(TopologyRejects, WithPointerAndReason) {
  ScratchDir dir;
  Error e = load_error(dir.write("bad.yaml", GetParam().yaml));
  EXPECT_EQ(e.kind, ErrorKind::input);
  EXPECT_EQ(e.where.pointer, GetParam().pointer) << e.to_string();
  EXPECT_THAT(e.message, HasSubstr(GetParam().message)) << e.to_string();
  EXPECT_GT(e.where.line, 0) << e.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Topology, TopologyRejects,
    ::testing::Values(
        BadCase{"MissingProfile", "components: {a: {external: {url: x}}}\n", "", "missing required key 'profile'"},
        BadCase{"MissingComponents", "profile: p.yaml\n", "", "missing required key 'components'"},
        BadCase{"ClauseSelectorNotAnIdOrFamily", "profile: p\nclauses: [I1, p2]\ncomponents: {a: {external: {url: x}}}\n",
                "/clauses/1", "neither a clause id (A8) nor a family (P)"},
        BadCase{"ArgsNotAList", "profile: p\nfixtures: f\ncomponents:\n  authority: {stub: authority, args: --x}\n",
                "/components/authority/args", "list of strings"},
        BadCase{"UnknownStubRole", "profile: p\nfixtures: f\ncomponents:\n  a: {stub: proxy}\n", "/components/a/stub",
                "authority, gateway, backend"},
        BadCase{"BackendWithoutRole", "profile: p\nfixtures: f\ncomponents:\n  b: {stub: backend}\n", "/components/b",
                "'role'"},
        BadCase{"TwoKinds", "profile: p\ncomponents:\n  a: {external: {url: x}, spawn: {command: y}}\n",
                "/components/a", "exactly one of stub, spawn, external"},
        BadCase{"SpawnWithoutCommand", "profile: p\ncomponents:\n  a:\n    spawn: {args: [x]}\n", "/components/a/spawn",
                "'command'"},
        BadCase{"DeadlineNotANumber", "profile: p\ncomponents:\n  a:\n    spawn: {command: x, ready: {tcp: true, deadline_ms: soon}}\n",
                "/components/a/spawn/ready/deadline_ms", "positive integer"},
        BadCase{"StubWithoutFixtures", "profile: p\ncomponents:\n  authority: {stub: authority}\n", "", "'fixtures'"},
        BadCase{"UnknownDependency", "profile: p\ncomponents:\n  a: {external: {url: x}, depends_on: [nosuch]}\n",
                "/components/a/depends_on/0", "unknown component 'nosuch'"},
        BadCase{"UnknownReference", "profile: p\ncomponents:\n  a:\n    spawn: {command: x, args: [\"{{nosuch}}\"]}\n",
                "/components/a/spawn/args/0", "unknown reference '{{nosuch}}'"},
        BadCase{"BadAudit", "profile: p\ncomponents:\n  a: {external: {url: x}, audit: {kafka: t}}\n",
                "/components/a/audit/kafka", "unknown key 'kafka'"},
        BadCase{"SynchronousNotABoolean", "profile: p\ncomponents:\n  a: {external: {url: x}, audit: {jsonl: f, synchronous: yes please}}\n",
                "/components/a/audit/synchronous", "true or false"},
        BadCase{"TwoAuditSources", "profile: p\ncomponents:\n  a: {spawn: {command: x}, audit: {stub: true, jsonl: f}}\n",
                "/components/a/audit", "exactly one of stub, jsonl, http"},
        BadCase{"StubAuditObjectOnExternal", "profile: p\ncomponents:\n  a: {external: {url: x}, audit: {stub: true}}\n",
                "/components/a/audit", "audit: stub"},
        BadCase{"StubAuditOnExternal", "profile: p\ncomponents:\n  a: {external: {url: x}, audit: stub}\n",
                "/components/a/audit", "audit: stub"},
        BadCase{"GatewayWithoutAuthority", "profile: p\nfixtures: f\ncomponents:\n  gateway: {stub: gateway}\n",
                "/components/gateway", "'authority'"},
        BadCase{"Cycle",
                "profile: p\ncomponents:\n  a: {external: {url: x}, depends_on: [b]}\n"
                "  b: {external: {url: \"{{c}}\"}}\n  c: {external: {url: x}, depends_on: [a]}\n",
                "/components/a", "dependency cycle: a -> b -> c -> a"},
        BadCase{"SelfDependency", "profile: p\ncomponents:\n  a: {external: {url: x}, depends_on: [a]}\n",
                "/components/a", "dependency cycle"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Topology, StartOrderPutsDependenciesFirstAndKeepsFileOrderOtherwise) {
  ScratchDir dir;
  auto path = dir.write("order.yaml",
                        "profile: p\n"
                        "components:\n"
                        "  web: {spawn: {command: x, args: [\"--api={{api}}\"]}}\n"
                        "  api: {external: {url: x}, depends_on: [db]}\n"
                        "  other: {external: {url: y}}\n"
                        "  db: {external: {url: z}}\n");
  auto t = load_topology(path);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_THAT(component(*t, "web").depends_on, ElementsAre("api"));   // from the template reference
  EXPECT_THAT(order_names(*t), ElementsAre("other", "db", "api", "web"));
}

}  // namespace
}  // namespace tc
