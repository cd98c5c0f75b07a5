// The real tenantcheck-stub program (TC_STUB_BIN): start-up line, options, faults, signals, logging.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "stub_process.h"
#include "stubs/faults.h"

namespace {

using namespace std::chrono_literals;
using tc::test::Child;

const std::vector<std::string> kBackend = {"backend", "--role", "platform", "--port", "0"};

std::vector<std::string> with(std::vector<std::string> base, std::vector<std::string> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

TEST(StubCli, BackendPrintsItsUrlFirstAndServes) {
  Child c(with(kBackend, {"--shared-secret", "cli-test-secret"}));
  auto line = c.first_line();
  ASSERT_TRUE(line) << c.err_now();
  EXPECT_TRUE(std::regex_match(*line, std::regex(R"(http://127\.0\.0\.1:\d+)"))) << *line;

  tc::HttpClient client;
  tc::HttpRequest r;
  r.url = *line + "/_audit";
  r.timeout_ms = 5000;
  r.headers.set("X-Correlation-Id", "cli-test-1");
  auto res = client.send(r);
  ASSERT_TRUE(res) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->headers.get("X-Correlation-Id"), "cli-test-1");

  // One line per request on stderr: method, path, status, correlation id.
  std::string err;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((err = c.err_now()).find("GET /_audit 200 cli-test-1") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {}
  EXPECT_NE(err.find("GET /_audit 200 cli-test-1"), std::string::npos) << err;
}

// Writes `pems` to a 0600 file in the test's temporary folder; returns its path.
std::string key_file(const std::string& name, const std::string& pems) {
  const std::string file = ::testing::TempDir() + "/" + name;
  {
    std::ofstream out(file);
    out << pems;
  }
  ::chmod(file.c_str(), 0600);
  return file;
}

const tc::ContractProfile& reference_profile() {
  static const tc::ContractProfile profile = [] {
    auto p = tc::ContractProfile::load(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
    if (!p.ok()) throw std::runtime_error(p.error().to_string());
    return *p;
  }();
  return profile;
}

// The authority at `url`: its JWKS's moduli ("n"), in the JWKS's order.
std::vector<std::string> jwks_moduli(const std::string& url) {
  tc::HttpClient client;
  tc::HttpRequest r;
  r.url = url + reference_profile().path("jwks");
  r.timeout_ms = 5000;
  auto res = client.send(r);
  if (!res || res->status != 200) return {"(no JWKS: " + (res ? res->body : res.error().to_string()) + ")"};
  std::vector<std::string> out;
  const auto jwks = nlohmann::json::parse(res->body);
  for (const auto& k : jwks["keys"]) out.push_back(k.value("n", ""));
  return out;
}

TEST(StubCli, AuthoritySignsWithTheKeyHandedOverInAFile) {
  const tc::RsaKey key = tc::RsaKey::generate();
  const std::string file = key_file("stub_cli_signing_key.pem", key.private_pem());
  Child c({"authority", "--port", "0", "--signing-key", file});
  auto line = c.first_line();
  ASSERT_TRUE(line) << c.err_now();
  // The key from the file, not a fresh one.
  EXPECT_EQ(jwks_moduli(*line), std::vector<std::string>{key.public_jwk("k")["n"].get<std::string>()});
  std::remove(file.c_str());
}

TEST(StubCli, AuthorityRotatesToTheNextKeyHandedOverThenToFreshOnes) {
  const tc::RsaKey first = tc::RsaKey::generate();
  const tc::RsaKey second = tc::RsaKey::generate();
  const std::string file = key_file("stub_cli_two_keys.pem", first.private_pem() + second.private_pem());
  Child c({"authority", "--port", "0", "--enable-mint", "--signing-key", file});
  auto line = c.first_line();
  ASSERT_TRUE(line) << c.err_now();
  const std::string n1 = first.public_jwk("k")["n"], n2 = second.public_jwk("k")["n"];
  EXPECT_EQ(jwks_moduli(*line), (std::vector<std::string>{n1}));

  auto rotate = [&] {
    tc::HttpClient client;
    tc::HttpRequest r;
    r.method = "POST";
    r.url = *line + reference_profile().path("rotate");
    r.timeout_ms = 10000;
    auto res = client.send(r);
    ASSERT_TRUE(res) << res.error().to_string();
    ASSERT_EQ(res->status, 200) << res->body;
  };
  rotate();
  EXPECT_EQ(jwks_moduli(*line), (std::vector<std::string>{n1, n2}));
  rotate();  // no key left at hand: a fresh one
  const auto after = jwks_moduli(*line);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_NE(after[2], n1);
  EXPECT_NE(after[2], n2);
  std::remove(file.c_str());
}

TEST(StubCli, AuthorityRefusesAKeyFileWithABlockThatIsNoKey) {
  const std::string good = tc::RsaKey::generate().private_pem();
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"second block broken", good + "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n"},
           {"no block at all", "just text\n"},
           {"empty", ""}}) {
    const std::string file = key_file("stub_cli_bad_keys.pem", text);
    Child c({"authority", "--port", "0", "--signing-key", file});
    auto code = c.wait_exit(10s);
    ASSERT_TRUE(code) << name << ": still running";
    EXPECT_NE(*code, 0) << name;
    EXPECT_NE(c.err().find("key"), std::string::npos) << name << ": " << c.err();
    std::remove(file.c_str());
  }
}

TEST(StubCli, SigtermStopsPromptlyWithExitZero) {
  Child c(with(kBackend, {"--shared-secret", "cli-test-secret"}));
  ASSERT_TRUE(c.first_line()) << c.err_now();
  auto start = std::chrono::steady_clock::now();
  c.signal(SIGTERM);
  auto code = c.wait_exit(10s);
  ASSERT_TRUE(code) << "still running after SIGTERM";
  EXPECT_EQ(*code, 0) << c.err();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(StubCli, SigintStopsWithExitZero) {
  Child c(with(kBackend, {"--shared-secret", "cli-test-secret"}));
  ASSERT_TRUE(c.first_line()) << c.err_now();
  c.signal(SIGINT);
  auto code = c.wait_exit(10s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0) << c.err();
}

TEST(StubCli, SharedSecretFromTheEnvironment) {
  Child c(kBackend, {"TC_SHARED_SECRET=cli-env-secret"});
  ASSERT_TRUE(c.first_line()) << c.err_now();
}

TEST(StubCli, ListFaultsPrintsTheCatalogueTabSeparated) {
  Child c({"--list-faults"});
  auto code = c.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0) << c.err();
  for (const auto& f : tc::stub::fault_catalogue())
    EXPECT_NE(c.out().find(f.name + "\t" + f.clause + "\t" + f.description + "\n"), std::string::npos) << f.name;
}

TEST(StubCli, UnknownFaultExits2NamingIt) {
  Child c(with(kBackend, {"--shared-secret", "s3cr3t-xyz", "--fault", "backend.no_such_fault"}));
  auto code = c.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 2);
  EXPECT_NE(c.err().find("backend.no_such_fault"), std::string::npos) << c.err();
  EXPECT_NE(c.err().find("--fault"), std::string::npos) << c.err();
  EXPECT_TRUE(c.out().empty()) << "printed a URL although it did not start";
}

TEST(StubCli, FaultOfAnotherRoleExits2) {
  Child c(with(kBackend, {"--shared-secret", "s3cr3t-xyz", "--fault", "gateway.accept_alg_none"}));
  auto code = c.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 2);
  EXPECT_NE(c.err().find("gateway.accept_alg_none"), std::string::npos) << c.err();
}

// A route the gateway serves itself (a sign-in or a workspace-admin action) without the tenancy.yaml
// section it acts on, or without the path parameters it reads, is refused at start, naming the route
// and what it needs.
TEST(StubCli, AGatewayActionWithoutItsTenancySectionExits2NamingIt) {
  namespace fs = std::filesystem;
  struct Case {
    std::string platform, backend, file;
    std::function<std::string(const std::string&)> cut;  // the file's text, edited
    std::string message;
  };
  const std::vector<Case> cases = {
      {"seed-004", "photos", "tenancy.yaml",
       [](const std::string& t) { return t.substr(0, t.find("sign_in:")) + t.substr(t.find("tenants:")); },
       "has action 'providers', which needs tenancy.yaml sign_in"},
      {"seed-001", "groups", "tenancy.yaml", [](const std::string& t) { return t.substr(0, t.find("admin:")); },
       "has action 'tenant_navigation', which needs tenancy.yaml admin"},
      {"seed-001", "groups", "routes.yaml",
       [](std::string t) { return t.replace(t.find("\"/admin/operations/{runId}\""), 27, "/admin/operations/one"); },
       "GET /admin/operations/one has action 'admin_run', which needs 1 {parameters} in its path"},
  };
  for (const auto& k : cases) {
    const fs::path dir = fs::temp_directory_path() / ("tc-stub-unserved-" + k.platform + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::copy(std::string(TC_SOURCE_DIR) + "/fixtures/" + k.platform, dir);
    {
      std::ifstream in(dir / k.file);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::ofstream(dir / k.file) << k.cut(text);
    }
    Child c({"gateway", "--authority", "http://127.0.0.1:1", "--backend", k.backend + "=http://127.0.0.1:1", "--shared-secret",
             "x1234", "--fixtures", dir.string(), "--profile",
             std::string(TC_SOURCE_DIR) + "/fixtures/contracts/" + k.platform + ".yaml"});
    auto code = c.wait_exit();
    fs::remove_all(dir);
    ASSERT_TRUE(code) << c.err();
    EXPECT_EQ(*code, 2) << c.err();
    EXPECT_NE(c.err().find(k.message), std::string::npos) << c.err();
    EXPECT_TRUE(c.out().empty()) << k.platform << ": printed a URL although it did not start";
  }
}

TEST(StubCli, BadOptionsExit2NamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {with(kBackend, {"--port", "not-a-port", "--shared-secret", "x1234"}), "--port"},
      {{"backend", "--shared-secret", "x1234"}, "--role"},
      {{"backend", "--role", "nosuchrole", "--shared-secret", "x1234"}, "--role"},
      {kBackend, "--shared-secret"},
      {{"gateway", "--shared-secret", "x1234"}, "--authority"},
      {{"gateway", "--authority", "http://127.0.0.1:1", "--backend", "platform", "--shared-secret", "x1234"}, "--backend"},
      {with(kBackend, {"--profile", "/nonexistent/profile.yaml"}), "--profile"},
      {{"nonsense"}, "role"},
      {with(kBackend, {"--no-such-flag"}), "--no-such-flag"},
  };
  for (const auto& k : cases) {
    Child c(k.args);
    auto code = c.wait_exit();
    ASSERT_TRUE(code) << k.names;
    EXPECT_EQ(*code, 2) << k.names << ": " << c.err();
    EXPECT_NE(c.err().find(k.names), std::string::npos) << c.err();
  }
}

}  // namespace
