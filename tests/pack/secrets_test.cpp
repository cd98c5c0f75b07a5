// No secret on disk: a run through the real binary with secrets planted where a hostile environment
// puts them — a spawned component that prints its environment (and encodings of it), values from
// the environment in a URL path and a correlation id, and a server that echoes a request's JSON body
// and Cookie back inside its JSON answer — leaves none of them in any file under its reports folder
// (logs, audit files, results.json, junit.xml, Allure results and attachments, HTML) nor in its output.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "common/encoding.h"

namespace {

using namespace tc::cli_test;

// An HTTP server on 127.0.0.1 that answers every request 200 with {"body": "<the request body as a
// JSON string>", "headers": {"cookie": ["<its Cookie>"]}} — what a server that reflects its input does.
class EchoServer {
 public:
  EchoServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~EchoServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 2000) != 1) break;
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        const auto end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          std::smatch m;
          const std::string head = in.substr(0, end);
          need = end + 4 + (std::regex_search(head, m, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)")) ? std::stoul(m[1]) : 0);
        }
      }
      std::smatch cookie;
      const std::string head = in.substr(0, in.find("\r\n\r\n"));
      const std::string body = need == std::string::npos ? "" : in.substr(in.find("\r\n\r\n") + 4);
      nlohmann::json answer = {{"body", body}, {"headers", {{"cookie", nlohmann::json::array()}}}};
      if (std::regex_search(head, cookie, std::regex("\r\n[Cc]ookie: *([^\r]*)")))
        answer["headers"]["cookie"].push_back(cookie[1].str());
      const std::string text = answer.dump();
      const std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                              std::to_string(text.size()) + "\r\n\r\n" + text;
      (void)!::write(c, out.data(), out.size());
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

const std::string kSource = TC_SOURCE_DIR;

// Values from the runner's environment (secrets by definition), each planted in one place.
const std::vector<std::pair<std::string, std::string>> kEnvironment = {
    {"TC_PACK_PLANTED_SPAWN", "planted-spawn-env/Hx7 Qm2+Lw"},  // in a spawned component's environment
    {"TC_PACK_PLANTED_PATH", "planted-path-env-Zr8Kq3"},        // in a URL path
    {"TC_PACK_PLANTED_CID", "planted-cid-env-Vt4Np9"},          // as a correlation id
};
// Secrets a scenario sends in clear and a server echoes back escaped inside its JSON answer.
const std::vector<std::string> kEchoed = {"planted-pw-\"quoted\"-J5", "planted-client-secret-R2", "planted-refresh-T8",
                                          "planted-cookie-W3"};

std::string topology(const std::string& echo_url) {
  return "profile: " + kSource + "/fixtures/contracts/reference.yaml\n"
         "fixtures: " + kSource + "/fixtures/reference\n"
         "capabilities: [mint, echo, stub-audit, direct-backend, context-secret]\n"
         "bindings: " + kSource + "/fixtures/reference/bindings.yaml\n"
         "components:\n"
         "  authority: {stub: authority, args: [--enable-mint], audit: stub}\n"
         "  platform:  {stub: backend, role: platform, audit: stub}\n"
         "  scanner:   {stub: backend, role: scanner, audit: stub}\n"
         "  graph:     {stub: backend, role: graph, audit: stub}\n"
         "  gateway:   {stub: gateway, audit: stub}\n"
         "  echo:      {external: {url: \"" + echo_url + "\"}, audit: none}\n"
         "  leaky:\n"
         "    spawn:\n"
         "      command: sh\n"
         "      args: [leaky.sh, \"{{stub_binary}}\", backend, --role, platform, --port, \"{{port}}\",\n"
         "             --fixtures, \"{{fixtures}}\", --profile, \"{{profile}}\"]\n"
         "      env: {LEAK: \"{{env.TC_PACK_PLANTED_SPAWN}}\", TC_SHARED_SECRET: \"{{shared_secret}}\"}\n"
         "      ready: {tcp: true, deadline_ms: 15000}\n"
         "      url: \"http://127.0.0.1:{{port}}\"\n"
         "    audit: none\n";
}

// The spawned component prints its whole environment and its secret in the forms a log may hold.
const char* kLeakyScript = R"sh(env
echo "leak: $LEAK"
echo "leak as JSON: {\"value\":\"$(printf %s "$LEAK" | sed 's|/|\\/|g')\"}"
echo "leak in base64: $(printf 'k=%s' "$LEAK" | base64 -w0)"
echo "leak in a URL: ?v=$(printf %s "$LEAK" | sed 's|/|%2F|g; s| |%20|g; s|+|%2B|g')"
exec "$@" 2>&1
)sh";

const char* kScenarios = R"yaml(scenarios:
  - name: a path and a correlation id from the environment
    steps:
      - name: read an item
        request:
          url: "{{gateway}}/api/platform/items/{{env.TC_PACK_PLANTED_PATH}}"
          headers: {"{{contract.headers.correlation_id}}": "{{env.TC_PACK_PLANTED_CID}}"}
        expect:
          status: 299
  - name: a server echoes the secrets it was sent
    steps:
      - name: sign in
        request:
          method: POST
          url: "{{echo}}/login"
          headers: {Cookie: "session=planted-cookie-W3"}
          json: {user: ada, password: "planted-pw-\"quoted\"-J5", client_secret: planted-client-secret-R2,
                 refresh_token: planted-refresh-T8}
        expect:
          status: 200
          json:
            - {pointer: /body, equals: "something else"}
            - {pointer: /headers, equals: "something else"}
)yaml";

TEST(PackSecrets, NoPlantedSecretReachesAnyFileUnderTheReportsFolder) {
  TempDir temp;
  const fs::path& dir = temp.path;
  EchoServer echo;
  write_file(dir / "topology.yaml", topology(echo.url()));
  write_file(dir / "leaky.sh", kLeakyScript);
  write_file(dir / "scenarios" / "planted.yaml", kScenarios);
  for (const auto& [name, value] : kEnvironment) ::setenv(name.c_str(), value.c_str(), 1);
  const Outcome run = run_cli({"run", "--env", "topology.yaml", "--reports", "reports", "scenarios"}, dir,
                              std::chrono::seconds(120));
  for (const auto& [name, value] : kEnvironment) ::unsetenv(name.c_str());
  const std::string output = run.out + run.err;
  ASSERT_EQ(run.code, 1) << output;  // both cases fail, on purpose

  // What must not appear: every planted value, also as it was written out (URL-encoded, JSON-escaped,
  // the part of a base64 text only it decides), and no token.
  std::vector<std::string> planted = kEchoed;
  for (const auto& [name, value] : kEnvironment) {
    planted.push_back(value);
    planted.push_back(tc::url_encode(value));
  }
  planted.push_back("planted-spawn-env");
  planted.push_back("planted-pw-");
  planted.push_back(tc::base64_encode("k=" + kEnvironment[0].second).substr(4, 20));
  const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,})");
  int files = 0;
  bool saw_log = false, saw_audit = false, saw_allure = false;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "reports")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string rel = fs::relative(entry.path(), dir / "reports").string();
    saw_log = saw_log || rel == "logs/leaky.log";
    saw_audit = saw_audit || rel == "audit/gateway.jsonl";
    saw_allure = saw_allure || rel.rfind("allure-results/", 0) == 0;
    const std::string text = read_file(entry.path());
    for (const auto& secret : planted) EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << rel;
    EXPECT_FALSE(std::regex_search(text, jwt)) << "a token in " << rel;
  }
  for (const auto& secret : planted) EXPECT_EQ(output.find(secret), std::string::npos) << secret << " in the output";
  EXPECT_TRUE(saw_log && saw_audit && saw_allure) << files << " files";
  // The redaction left the rest readable: the component's log says what it printed.
  const std::string leaky = read_file(dir / "reports" / "logs" / "leaky.log");
  EXPECT_NE(leaky.find("leak: \u00abredacted\u00bb"), std::string::npos) << leaky;
  EXPECT_NE(leaky.find("LEAK=\u00abredacted\u00bb"), std::string::npos) << leaky;
  const std::string audit = read_file(dir / "reports" / "audit" / "gateway.jsonl");
  EXPECT_NE(audit.find("\"correlation_id\":\"\u00abredacted\u00bb\""), std::string::npos) << audit;
}

}  // namespace
