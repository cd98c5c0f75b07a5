// Hostile input files: a number no double holds, an alias bomb, a device, a FIFO, a file outside the
// pack, an endless deadline, a mistyped or misspelt bindings file. Each is an input error — exit 2,
// naming file and line — found at once, before anything starts; never a crash, a hang or an
// unbounded read. The files are read by the real tenantcheck, as a user's run would.
#include <sys/stat.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace tc::cli_test {
namespace {

using namespace std::chrono_literals;

const std::string kSource = TC_SOURCE_DIR;
const std::string kProfile = kSource + "/fixtures/contracts/reference.yaml";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A scenario file whose line 5 is `line5` (inside `vars:` of the file).
std::string scenario_with_var(const std::string& value) {
  return "scenarios:\n  - name: s\n    vars:\n      a: 1\n      big: " + value +
         "\n    steps:\n      - name: call\n        request: {url: \"http://127.0.0.1:1/\"}\n        expect: {status: 200}\n";
}

// A YAML alias bomb under `key`, indented by `indent`: each level is a list of ten aliases of the
// level before (10^levels values once expanded, from a file of a few hundred bytes).
std::string alias_bomb(const std::string& key, int levels, const std::string& indent = "") {
  std::string text = indent + key + ":\n" + indent + "  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    text += indent + "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

struct HostileInput : ::testing::Test {
  TempDir dir;
  // `tenantcheck lint` of the scenarios/ folder written so far, with `extra` flags.
  Outcome lint(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"lint", "--profile", kProfile};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("scenarios");
    return run_cli(args, dir.path, 30s);
  }
  Outcome lint_scenario(const std::string& text, std::vector<std::string> extra = {}) {
    write_file(dir.path / "scenarios" / "area" / "a.yaml", text);
    return lint(std::move(extra));
  }
  // A topology of one external component, with `extra` appended at the top level.
  std::string topology(const std::string& extra = "") {
    write_file(dir.path / "t.yaml", "profile: " + kProfile + "\ncomponents:\n  gateway: {external: {url: \"http://127.0.0.1:1\"}}\n" + extra);
    return "t.yaml";
  }
};

// Problem 4: numbers that overflow a double.
TEST_F(HostileInput, ANumberNoDoubleHoldsInAScenarioIsAnInputErrorWithItsLine) {
  for (const std::string& number : {std::string("1e400"), std::string("-1e-400"), "1" + std::string(400, '0')}) {
    Outcome o = lint_scenario(scenario_with_var(number));
    EXPECT_EQ(o.code, 2) << number << "\n" << o.err;
    EXPECT_TRUE(has(o.err, "a.yaml:5")) << o.err;
    EXPECT_TRUE(has(o.err, "out of range")) << o.err;
  }
}

TEST_F(HostileInput, ANumberNoDoubleHoldsInATopologyOrBindingsIsAnInputErrorWithItsLine) {
  write_file(dir.path / "scenarios" / "area" / "a.yaml", scenario_with_var("2"));
  Outcome t = lint({"--env", topology("capabilities: []\nextra: 1e400\n")});
  EXPECT_EQ(t.code, 2) << t.err;
  EXPECT_TRUE(has(t.err, "t.yaml:5")) << t.err;
  EXPECT_TRUE(has(t.err, "out of range")) << t.err;

  write_file(dir.path / "b.yaml", "items:\n  counts: {platform_alpha: 1" + std::string(400, '0') + "}\n");
  Outcome b = lint({"--env", topology("bindings: b.yaml\n")});
  EXPECT_EQ(b.code, 2) << b.err;
  EXPECT_TRUE(has(b.err, "b.yaml:2")) << b.err;
  EXPECT_TRUE(has(b.err, "out of range")) << b.err;
}

// Problem 5: YAML aliases are bounded, in scenarios, topologies and bindings alike.
TEST_F(HostileInput, AnAliasBombIsRefusedAtOnceWhereverItIs) {
  const auto start = std::chrono::steady_clock::now();
  Outcome s = lint_scenario("scenarios:\n  - name: s\n    vars:\n" + alias_bomb("bomb", 9, "      ") + "    steps:\n      - name: call\n        request: {url: \"http://127.0.0.1:1/\"}\n");
  EXPECT_EQ(s.code, 2) << s.err;
  EXPECT_TRUE(has(s.err, "a.yaml:")) << s.err;
  EXPECT_TRUE(has(s.err, "alias")) << s.err;

  write_file(dir.path / "scenarios" / "area" / "a.yaml", scenario_with_var("2"));
  Outcome t = lint({"--env", topology(alias_bomb("bomb", 9))});
  EXPECT_EQ(t.code, 2) << t.err;
  EXPECT_TRUE(has(t.err, "t.yaml:")) << t.err;
  EXPECT_TRUE(has(t.err, "alias")) << t.err;

  write_file(dir.path / "b.yaml", alias_bomb("items", 9));
  Outcome b = lint({"--env", topology("bindings: b.yaml\n")});
  EXPECT_EQ(b.code, 2) << b.err;
  EXPECT_TRUE(has(b.err, "b.yaml:")) << b.err;
  EXPECT_TRUE(has(b.err, "alias")) << b.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST_F(HostileInput, AFewAliasesAreStillYaml) {
  Outcome o = lint_scenario(
      "scenarios:\n  - name: s\n    vars:\n      base: &base {tenant: a, n: 1}\n      copy: *base\n"
      "    steps:\n      - name: call\n        request: &req {url: \"http://127.0.0.1:1/\"}\n        expect: {status: 200}\n"
      "      - name: again\n        request: *req\n        expect: {status: 200}\n");
  EXPECT_EQ(o.code, 0) << o.err;
}

// Problem 6: only regular files are read, includes stay inside the pack unless a flag widens it.
TEST_F(HostileInput, AnIncludeOfADeviceOrAFifoIsRefusedNotReadForever) {
  write_file(dir.path / "scenarios" / "steps" / "ok.yaml", "steps:\n  - name: s\n    request: {url: \"http://127.0.0.1:1/\"}\n");
  ASSERT_EQ(mkfifo((dir.path / "scenarios" / "steps" / "fifo.yaml").c_str(), 0600), 0);
  fs::create_symlink("/dev/zero", dir.path / "scenarios" / "steps" / "zero.yaml");
  const std::string include = "scenarios:\n  - name: s\n    steps:\n      - include: ../steps/";

  Outcome fifo = lint_scenario(include + "fifo.yaml\n");
  EXPECT_EQ(fifo.code, 2) << fifo.err;
  EXPECT_TRUE(has(fifo.err, "fifo.yaml")) << fifo.err;
  EXPECT_TRUE(has(fifo.err, "not a regular file")) << fifo.err;

  // The link leads outside the pack; allowed there by the flag, it is still no regular file.
  Outcome zero = lint_scenario(include + "zero.yaml\n", {"--include-root", "/dev"});
  EXPECT_EQ(zero.code, 2) << zero.err;
  EXPECT_TRUE(has(zero.err, "not a regular file")) << zero.err;

  Outcome direct = lint_scenario("scenarios:\n  - name: s\n    steps:\n      - include: /dev/urandom\n");
  EXPECT_EQ(direct.code, 2) << direct.err;
  EXPECT_TRUE(has(direct.err, "a.yaml:4")) << direct.err;
}

TEST_F(HostileInput, AnIncludeOutsideThePackIsRefusedUnlessTheFlagWidensIt) {
  TempDir elsewhere;
  write_file(elsewhere.path / "shared.yaml", "steps:\n  - name: s\n    request: {url: \"http://127.0.0.1:1/\"}\n    expect: {status: 200}\n");
  const std::string text = "scenarios:\n  - name: s\n    steps:\n      - include: " + (elsewhere.path / "shared.yaml").string() + "\n";
  Outcome refused = lint_scenario(text);
  EXPECT_EQ(refused.code, 2) << refused.err;
  EXPECT_TRUE(has(refused.err, "a.yaml:4")) << refused.err;
  EXPECT_TRUE(has(refused.err, "outside")) << refused.err;
  EXPECT_TRUE(has(refused.err, "--include-root")) << refused.err;

  Outcome shadow = lint_scenario("scenarios:\n  - name: s\n    steps:\n      - include: ../../../../../../../../etc/shadow\n");
  EXPECT_EQ(shadow.code, 2) << shadow.err;
  EXPECT_TRUE(has(shadow.err, "outside")) << shadow.err;
  EXPECT_FALSE(has(shadow.err, "root:")) << shadow.err;

  Outcome widened = lint_scenario(text, {"--include-root", elsewhere.path.string()});
  EXPECT_EQ(widened.code, 0) << widened.err;
}

TEST_F(HostileInput, AProfileOrBindingsPathNamingADeviceIsRefusedAtOnce) {
  write_file(dir.path / "scenarios" / "area" / "a.yaml", scenario_with_var("2"));
  Outcome profile = run_cli({"lint", "--profile", "/dev/zero", "scenarios"}, dir.path, 20s);
  EXPECT_EQ(profile.code, 2) << profile.err;
  EXPECT_TRUE(has(profile.err, "/dev/zero")) << profile.err;
  EXPECT_TRUE(has(profile.err, "not a regular file")) << profile.err;

  Outcome bindings = lint({"--env", topology("bindings: /dev/urandom\n")});
  EXPECT_EQ(bindings.code, 2) << bindings.err;
  EXPECT_TRUE(has(bindings.err, "/dev/urandom")) << bindings.err;

  Outcome doctor = run_cli({"doctor", "--env", topology(), "--bindings", "/dev/zero", "--reports", "out"}, dir.path, 20s);
  EXPECT_EQ(doctor.code, 2) << doctor.err;
  EXPECT_TRUE(has(doctor.err, "not a regular file")) << doctor.err;
}

TEST_F(HostileInput, AnEndlessDeadlineOrTimeoutIsRefusedWithItsBound) {
  write_file(dir.path / "t.yaml", "profile: " + kProfile + "\ncomponents:\n  api:\n    spawn:\n      command: /bin/true\n"
                                  "      ready: {tcp: true, deadline_ms: 99999999999}\n");
  write_file(dir.path / "scenarios" / "area" / "a.yaml", scenario_with_var("2"));
  Outcome ready = lint({"--env", "t.yaml"});
  EXPECT_EQ(ready.code, 2) << ready.err;
  EXPECT_TRUE(has(ready.err, "t.yaml:6")) << ready.err;
  EXPECT_TRUE(has(ready.err, "deadline_ms")) << ready.err;
  EXPECT_TRUE(has(ready.err, "at most")) << ready.err;

  Outcome timeout = lint_scenario(
      "scenarios:\n  - name: s\n    steps:\n      - name: call\n        request: {url: \"http://127.0.0.1:1/\", timeout_ms: 99999999999}\n");
  EXPECT_EQ(timeout.code, 2) << timeout.err;
  EXPECT_TRUE(has(timeout.err, "a.yaml:5")) << timeout.err;
  EXPECT_TRUE(has(timeout.err, "at most")) << timeout.err;
}

// Problems 7 and 8: a bindings file is read strictly, the same way by `run`, `lint` and `doctor`.
struct HostileBindings : HostileInput {
  std::string reference() { return read_file(kSource + "/fixtures/reference/bindings.yaml"); }
  std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  }
  int line_of(const std::string& text, const std::string& part) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(text.find(part)), '\n'));
  }
  Outcome doctor(const std::string& bindings) {
    return run_cli({"doctor", "--env", topology(), "--bindings", bindings, "--reports", "out"}, dir.path, 60s);
  }
  Outcome run(const std::string& bindings) {
    return run_cli({"run", "--env", kSource + "/compose/local.yaml", "--bindings", bindings, "--reports", "out"}, dir.path, 120s);
  }
};

TEST_F(HostileBindings, WrongTypesAreAnInputErrorOfDoctorWithFileAndLine) {
  const std::string text = replace(reference(), "one: {username: ada,", "one: {username: [ada],");
  write_file(dir.path / "b.yaml", text);
  Outcome o = doctor("b.yaml");
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_TRUE(has(o.err, "b.yaml:" + std::to_string(line_of(text, "username: [ada]")))) << o.err;
  EXPECT_TRUE(has(o.err, "expected a string")) << o.err;
  EXPECT_FALSE(has(o.err, "type_error")) << o.err;
}

TEST_F(HostileBindings, ASyntaxErrorIsAnInputErrorOfRunAndDoctor) {
  const std::string text = replace(reference(), "tenants:\n  alpha: tenant-alpha", "tenants:\n  alpha: [tenant-alpha");
  write_file(dir.path / "b.yaml", text);
  Outcome r = run("b.yaml");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "b.yaml:")) << r.err;
  EXPECT_TRUE(has(r.err, "syntax error")) << r.err;
  Outcome d = doctor("b.yaml");
  EXPECT_EQ(d.code, 2) << d.out << d.err;
  EXPECT_TRUE(has(d.err, "b.yaml:")) << d.err;
}

TEST_F(HostileBindings, AMisspeltKeyIsAnInputErrorOfRunAndDoctorNotFailedScenarios) {
  const std::string text = replace(reference(), "one: {username: ada,", "one: {usrname: ada,");
  write_file(dir.path / "b.yaml", text);
  const std::string where = "b.yaml:" + std::to_string(line_of(text, "usrname"));
  Outcome r = run("b.yaml");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, where)) << r.err;
  EXPECT_TRUE(has(r.err, "unknown key 'usrname'")) << r.err;
  EXPECT_FALSE(has(r.out, "FAIL")) << r.out;
  Outcome d = doctor("b.yaml");
  EXPECT_EQ(d.code, 2) << d.out << d.err;
  EXPECT_TRUE(has(d.err, where)) << d.err;
}

}  // namespace
}  // namespace tc::cli_test
