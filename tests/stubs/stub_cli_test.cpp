// The real tenantcheck-stub program (TC_STUB_BIN): start-up line, options, faults, signals, logging.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/http_client.h"
#include "common/profile.h"
#include "stubs/faults.h"

namespace {

using namespace std::chrono_literals;

// A child process with captured stdout and stderr. Killed and reaped on destruction, so none outlives
// its test.
class Child {
 public:
  explicit Child(std::vector<std::string> args, std::vector<std::string> env_extra = {}) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      for (const auto& e : env_extra) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      std::string bin = TC_STUB_BIN;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Child() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
    }
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
  }

  // The first line of stdout, or nullopt by the deadline.
  std::optional<std::string> first_line(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t nl;
    while ((nl = stdout_.find('\n')) == std::string::npos)
      if (!drain(out_, stdout_, deadline)) return std::nullopt;
    return stdout_.substr(0, nl);
  }

  // Waits for exit (reading both pipes so the child never blocks on them); nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        auto soon = std::chrono::steady_clock::now() + 500ms;
        while (drain(out_, stdout_, soon) || drain(err_, stderr_, soon)) {}
        return status_;
      }
      auto step = std::chrono::steady_clock::now() + 20ms;
      drain(out_, stdout_, step);
      drain(err_, stderr_, step);
    }
    return std::nullopt;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }
  // Reads what stderr holds so far (for a child still running).
  const std::string& err_now(std::chrono::milliseconds wait = 300ms) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (drain(err_, stderr_, deadline)) {}
    return stderr_;
  }

 private:
  static bool drain(int fd, std::string& into, std::chrono::steady_clock::time_point deadline) {
    if (fd < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string stdout_, stderr_;
  std::optional<int> status_;
};

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

TEST(StubCli, AuthoritySignsWithTheKeyHandedOverInAFile) {
  const tc::RsaKey key = tc::RsaKey::generate();
  const std::string file = ::testing::TempDir() + "/stub_cli_signing_key.pem";
  {
    std::ofstream out(file);
    out << key.private_pem();
  }
  ::chmod(file.c_str(), 0600);
  Child c({"authority", "--port", "0", "--signing-key", file});
  auto line = c.first_line();
  ASSERT_TRUE(line) << c.err_now();
  tc::HttpClient client;
  tc::HttpRequest r;
  auto profile = tc::ContractProfile::load(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
  ASSERT_TRUE(profile.ok()) << profile.error().to_string();
  r.url = *line + profile->path("jwks");
  r.timeout_ms = 5000;
  auto res = client.send(r);
  ASSERT_TRUE(res) << res.error().to_string();
  ASSERT_EQ(res->status, 200) << res->body;
  const auto jwks = nlohmann::json::parse(res->body);
  ASSERT_EQ(jwks["keys"].size(), 1u) << res->body;
  EXPECT_EQ(jwks["keys"][0]["n"], key.public_jwk("k")["n"]);   // the key from the file, not a fresh one
  std::remove(file.c_str());
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
