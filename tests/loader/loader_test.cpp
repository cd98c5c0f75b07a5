// The loader over real files: a good tree, and one file per class of bad input with the exact
// file, line, pointer and message the author sees.
#include "harness/loader/scenario_loader.h"

#include <cstdlib>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/loader/expectation_registry.h"

namespace tc {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

const std::string kData = std::string(TC_SOURCE_DIR) + "/tests/loader/data";

// Stand-ins for the runner's kinds: `status` accepts an integer, a template string or a list.
void register_test_kinds() {
  register_expectation_kind({"status", [](const json& spec, const StrictReader& r, const std::string& ptr) {
                               if (spec.is_number_integer() || spec.is_string() || spec.is_array()) return;
                               r.fail(ptr, "status is a code, a list of codes or a template");
                             }});
  register_expectation_kind({"json", [](const json& spec, const StrictReader& r, const std::string& ptr) {
                               if (!spec.is_array()) r.fail(ptr, "json is a list of checks");
                             }});
  for (const char* kind : {"hops", "cookies"})
    register_expectation_kind({kind, [](const json&, const StrictReader&, const std::string&) {}});
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_test_kinds();
    auto profile = load_document(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
    ASSERT_TRUE(profile.ok()) << profile.error().to_string();
    contract = profile->value;
    options.contract = &contract;
    options.endpoints = {"gateway", "authority", "platform"};
    ::setenv("TC_LOADER_TEST_PW", "pw-of-ada", 1);
    ::unsetenv("TC_LOADER_TEST_UNSET");
  }
  json contract;
  LoadOptions options{.include_roots = {kData}};  // the test data is one pack: bad/ includes ../steps/
};

TEST_F(LoaderTest, LoadsAGoodTreeInSortedOrderSkippingStepFiles) {
  auto r = load_scenarios({kData + "/good"}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "json scenario");  // good/selection.json sorts before good/signin/
  EXPECT_EQ((*r)[1].name, "PKCE code flow selects the bound tenant");
  EXPECT_EQ((*r)[2].name, "selection by user");
}

TEST_F(LoaderTest, ReadsEveryPartOfAScenario) {
  auto r = load_scenarios({kData + "/good/signin/pkce-flow.yaml"}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const Scenario& s = r->at(0);
  EXPECT_THAT(s.file, EndsWith("good/signin/pkce-flow.yaml"));
  EXPECT_EQ(s.loc.line, 6);
  EXPECT_EQ(s.loc.pointer, "/scenarios/0");
  EXPECT_EQ(s.description, "the code flow with PKCE");
  EXPECT_EQ(s.tags, (std::vector<std::string>{"signin", "pkce"}));
  EXPECT_EQ(s.requirements, (std::vector<std::string>{"A3", "A4"}));
  EXPECT_EQ(s.requires_caps, (std::vector<std::string>{"login-hint"}));
  // File vars join the scenario's (a scenario var of the same name would win).
  EXPECT_EQ(s.vars, (json{{"pk", "{{pkce()}}"}, {"challenge", "{{pk.challenge}}"},
                          {"console_redirect", "https://console.tenantcheck.test/callback"}}));
  ASSERT_EQ(s.steps.size(), 4u);

  const StepSpec& a = s.steps[0];
  EXPECT_EQ(a.name, "authorize");
  EXPECT_EQ(a.loc.line, 15);
  EXPECT_EQ(a.vars, (json{{"state", "{{random(8)}}"}}));
  EXPECT_EQ(a.request.method, "GET");
  EXPECT_EQ(a.request.url, "{{authority}}{{contract.paths.authorize}}");
  EXPECT_EQ(a.request.timeout_ms, 5000);
  EXPECT_EQ(a.request.headers, (NameValues{{"{{contract.headers.tenant}}", "tenant-alpha"}}));
  NameValues scope_values;
  for (const auto& [k, v] : a.request.query)
    if (k == "scope") scope_values.emplace_back(k, v);
  EXPECT_EQ(scope_values, (NameValues{{"scope", "a"}, {"scope", "b"}}));
  ASSERT_EQ(a.captures.size(), 2u);
  EXPECT_EQ(a.captures[0].name, "code");
  EXPECT_EQ(a.captures[0].source, CaptureSpec::Source::regex);
  EXPECT_EQ(a.captures[0].from, "header:Location");
  EXPECT_EQ(a.captures[1].source, CaptureSpec::Source::header);
  EXPECT_EQ(a.captures[1].from, "body");
  ASSERT_EQ(a.expectations.size(), 1u);
  EXPECT_EQ(a.expectations[0].kind, "status");
  EXPECT_EQ(a.expectations[0].loc.line, 31);

  const StepSpec& t = s.steps[1];  // from the step file, params bound
  EXPECT_EQ(t.name, "token for ada");
  EXPECT_THAT(t.included_from, EndsWith("steps/password-token.yaml"));
  EXPECT_THAT(t.loc.file, EndsWith("steps/password-token.yaml"));
  EXPECT_EQ(t.loc.line, 4);
  EXPECT_EQ(t.request.form, (NameValues{{"grant_type", "password"}, {"password", "{{env.TC_LOADER_TEST_PW}}"},
                                        {"username", "ada"}}));
  ASSERT_EQ(t.captures.size(), 2u);
  EXPECT_EQ(t.captures[0].source, CaptureSpec::Source::jwt_claim);
  EXPECT_EQ(t.captures[0].expr, "stellaops:tenant");
  EXPECT_EQ(t.captures[0].from, "json:/access_token");

  const StepSpec& u = s.steps[2];
  EXPECT_EQ(u.request.method, "POST");
  ASSERT_TRUE(u.request.json_body.has_value());
  EXPECT_EQ((*u.request.json_body)["n"], 3);
  EXPECT_EQ(u.expectations.size(), 2u);
  EXPECT_FALSE(u.cleanup);
  EXPECT_TRUE(s.steps[3].cleanup);

  const Scenario& m = r->at(1);
  ASSERT_EQ(m.matrix.size(), 2u);
  EXPECT_EQ(m.matrix_keys, (std::vector<std::string>{"user", "tenant"}));
  EXPECT_EQ(m.matrix[0], (json{{"user", "bea"}, {"tenant", "tenant-bravo"}}));
  EXPECT_EQ(m.steps[0].request.form, (NameValues{{"a", "1"}}));
}

struct BadCase {
  std::string file;
  std::string error_file;  // suffix of the file the error names (default: `file`)
  int line;
  std::string pointer;     // empty: not checked
  std::string message;     // a substring of the message
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.file; }

class BadInput : public LoaderTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadInput, IsAnInputErrorAtFileLineAndPointer) {
  const BadCase& c = GetParam();
  options.check_env = true;
  auto r = load_scenarios({kData + "/bad/" + c.file}, options);
  ASSERT_FALSE(r.ok()) << c.file << " loaded";
  const Error& e = r.error();
  EXPECT_EQ(e.kind, ErrorKind::input);
  EXPECT_THAT(e.where.file, EndsWith(c.error_file.empty() ? "bad/" + c.file : c.error_file));
  EXPECT_EQ(e.where.line, c.line) << e.to_string();
  if (!c.pointer.empty()) {
    EXPECT_EQ(e.where.pointer, c.pointer) << e.to_string();
  }
  EXPECT_THAT(e.message, HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadInput,
    ::testing::Values(
        BadCase{"yaml-syntax.yaml", "", 6, "", ""},
        BadCase{"typo-key.yaml", "", 7, "/scenarios/0/steps/0/request/hedaers",
                "unknown key 'hedaers' (expected one of: method, url, headers, query, form, json, body, timeout_ms, "
                "follow_redirects, hosts, source_address)"},
        BadCase{"wrong-type.yaml", "", 7, "/scenarios/0/steps/0/request/timeout_ms", "expected a positive integer"},
        BadCase{"repeat-zero.yaml", "", 5, "/scenarios/0/steps/0/repeat",
                "repeat is a whole number from 1 to 1000, or a template that renders to one, got 0"},
        BadCase{"repeat-undefined.yaml", "", 5, "/scenarios/0/steps/0/repeat", "undefined variable 'times'"},
        BadCase{"repeat-include.yaml", "", 5, "/scenarios/0/steps/0/with",
                "step 'spend' of '../steps/repeated.yaml': repeat is a whole number from 1 to 1000, or a template that renders to one, got 0"},
        BadCase{"missing-url.yaml", "", 5, "/scenarios/0/steps/0/request", "missing required key 'url'"},
        BadCase{"undefined-variable.yaml", "", 6, "/scenarios/0/steps/0/request/url",
                "undefined variable 'tokn' in \"{{gateway}}/{{tokn}}\""},
        BadCase{"capture-later.yaml", "", 5, "/scenarios/0/steps/0/request/url", "undefined variable 'token'"},
        BadCase{"name-undefined.yaml", "", 4, "/scenarios/0/steps/0/name", "undefined variable 'nowhere' in \"call {{nowhere}}\""},
        BadCase{"vars-cycle.yaml", "", 4, "/scenarios/0/vars/a", "variables use each other: a -> b -> a"},
        BadCase{"contract-path.yaml", "", 7, "/scenarios/0/steps/0/expect/status",
                "unknown contract value 'contract.status.okk'"},
        BadCase{"include-missing-file.yaml", "", 4, "/scenarios/0/steps/0/include", "does not exist"},
        BadCase{"include-missing-param.yaml", "", 5, "/scenarios/0/steps/0/with",
                "missing parameter 'password' for '../steps/password-token.yaml' (params: user, password)"},
        BadCase{"include-extra-param.yaml", "", 5, "/scenarios/0/steps/0/with/pw", "has no parameter 'pw'"},
        BadCase{"include-cycle.yaml", "steps/cycle-b.yaml", 2, "/steps/0/include",
                "include cycle: cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml"},
        BadCase{"include-scenario-file.yaml", "", 4, "/scenarios/0/steps/0/include", "is not a step file"},
        BadCase{"include-undefined.yaml", "steps/uses-undefined.yaml", 5, "/steps/0/request/url",
                "undefined variable 'nowhere'"},
        BadCase{"duplicate-scenario.yaml", "", 5, "/scenarios/1/name", "duplicate scenario name 'same' (also at line 2)"},
        BadCase{"duplicate-step.yaml", "", 6, "/scenarios/0/steps/1", "duplicate step name 'a'"},
        BadCase{"unknown-kind.yaml", "", 7, "/scenarios/0/steps/0/expect/stauts",
                "unknown expectation kind 'stauts' (known kinds: "},
        BadCase{"kind-validator.yaml", "", 7, "/scenarios/0/steps/0/expect/status", "status is a code"},
        BadCase{"matrix-keys.yaml", "", 5, "/scenarios/0/matrix/1",
                "matrix row has keys (tenat, user) but the first row has (tenant, user)"},
        BadCase{"capture-two-sources.yaml", "", 7, "/scenarios/0/steps/0/capture/token",
                "exactly one of: json, header, regex, jwt, cookie"},
        BadCase{"cookie-capture-hop.yaml", "", 7, "/scenarios/0/steps/0/capture/sid/hop",
                "'hop' applies to what a response says, not to the cookie jar"},
        BadCase{"hosts-with-port.yaml", "", 8, "/scenarios/0/steps/0/request/hosts/acme.photos.test:8080",
                "'acme.photos.test:8080' is not a host name (no scheme, port or path)"},
        BadCase{"neither.yaml", "", 1, "", "neither a scenario file"},
        BadCase{"env-unset.yaml", "", 5, "", "environment variable TC_LOADER_TEST_UNSET is not set"}),
    [](const auto& info) {
      std::string n = info.param.file.substr(0, info.param.file.find('.'));
      for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

// A file that is not UTF-8 text is refused where its first such byte is: no value of it reaches the
// loader (nor any message that quotes it back).
TEST_F(LoaderTest, AFileThatIsNotUtf8IsRefusedAtItsLine) {
  const std::string file = ::testing::TempDir() + "tc-loader-matrix-not-utf8.yaml";
  std::ofstream(file) << "scenarios:\n  - name: m\n    matrix: {each: \"\xff{{fx.users}}\", as: user}\n    steps:\n"
                         "      - name: s\n        request: {url: \"{{gateway}}/\"}\n        expect: {status: 200}\n";
  auto r = load_scenarios({file}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where.line, 3);
  EXPECT_THAT(r.error().message, HasSubstr("not UTF-8 text: invalid leading UTF-8 octet at byte 43"));
}

// A matrix ranges over something below fx or contract, never either whole.
TEST_F(LoaderTest, AMatrixRangeNamesAPathBelowItsRoot) {
  const std::string file = ::testing::TempDir() + "tc-loader-matrix-root.yaml";
  for (const char* each : {"{{fx}}", "{{contract}}", "{{ fx. }}"}) {
    std::ofstream(file) << "scenarios:\n  - name: m\n    matrix: {each: \"" << each << "\", as: user}\n    steps:\n"
                           "      - name: s\n        request: {url: \"{{gateway}}/\"}\n        expect: {status: 200}\n";
    auto r = load_scenarios({file}, options);
    ASSERT_FALSE(r.ok()) << each;
    EXPECT_EQ(r.error().where.pointer, "/scenarios/0/matrix/each") << each;
    EXPECT_THAT(r.error().message, HasSubstr("each names a bound collection or a list of the profile")) << each;
  }
}

// What a step may render while its answer is awaited is read from its templates' own names: a spec
// that uses a capture of the step (not a longer name holding it) or calls the clock waits, as does
// a capture template that calls it; a spec without templates is not rendered at all.
TEST_F(LoaderTest, AStepsPlanSaysWhichTemplatesWaitForItsAnswer) {
  const std::string file = ::testing::TempDir() + "tc-loader-ahead.yaml";
  std::ofstream(file) << "scenarios:\n  - name: a\n    vars: {tenant_id: t1, id: x0}\n    steps:\n"
                         "      - name: s\n        request: {url: \"{{gateway}}/\"}\n"
                         "        capture: {id: {json: /id}}\n"
                         "        expect:\n"
                         "          status: \"{{contract.status.ok}}\"\n"
                         "          json: [{pointer: /id, equals: \"{{id}}\"}]\n"
                         "          hops: [{headers: {\"{{tenant_id}}\": \"{{ now(60) }}\"}}]\n"
                         "          cookies: {a: \"{{tenant_id}}-known\"}\n"
                         "      - name: t\n        request: {url: \"{{gateway}}/\"}\n"
                         "        capture: {stamp: {regex: \"t={{now()}}\"}}\n"
                         "        expect: {status: 200}\n"
                         // a capture named only in a key, only as a function's argument, as a path's start
                         "      - name: u\n        request: {url: \"{{gateway}}/\"}\n"
                         "        capture: {id: {json: /id}}\n"
                         "        expect:\n"
                         "          hops: [{headers: {\"{{id}}\": {present: true}}}]\n"
                         "          cookies: {a: \"{{ lower(id) }}\", b: \"{{ id.sub }}\"}\n"
                         "          json: [{pointer: /a, equals: \"{{ lower(tenant_id) }}\"}]\n";
  auto r = load_scenarios({file}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const StepSpec& s = (*r)[0].steps[0];
  ASSERT_TRUE(s.ahead.has_value());
  EXPECT_TRUE(s.ahead->captures);
  std::map<std::string, bool> ahead;
  for (std::size_t i = 0; i < s.expectations.size(); ++i) ahead[s.expectations[i].kind] = s.ahead->specs.at(i);
  EXPECT_EQ(ahead, (std::map<std::string, bool>{{"status", true}, {"json", false}, {"hops", false}, {"cookies", true}}));
  const StepSpec& t = (*r)[0].steps[1];
  ASSERT_TRUE(t.ahead.has_value());
  EXPECT_FALSE(t.ahead->captures);
  EXPECT_EQ(t.ahead->specs, std::vector<bool>{false});  // 200: nothing to render
  const StepSpec& u = (*r)[0].steps[2];
  ASSERT_TRUE(u.ahead.has_value());
  std::map<std::string, bool> u_ahead;
  for (std::size_t i = 0; i < u.expectations.size(); ++i) u_ahead[u.expectations[i].kind] = u.ahead->specs.at(i);
  EXPECT_EQ(u_ahead, (std::map<std::string, bool>{{"hops", false}, {"cookies", false}, {"json", true}}));
}

TEST_F(LoaderTest, UnknownKindMessageListsTheKnownKinds) {
  auto r = load_scenarios({kData + "/bad/unknown-kind.yaml"}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("json"));
  EXPECT_THAT(r.error().message, HasSubstr("status"));
}

TEST_F(LoaderTest, ChecksEveryFileAndReportsOneErrorPerScenario) {
  options.check_env = true;
  LoadReport all = load_all_scenarios({kData + "/bad", kData + "/good"}, options);
  EXPECT_EQ(all.errors.size(), 33u);
  // The good files still load, and so do the first of duplicate-scenario.yaml's two scenarios and
  // json-absent-false.yaml (its json checks are the runner's to read, not this stand-in's).
  EXPECT_EQ(all.scenarios.size(), 5u);
  EXPECT_EQ(all.scenario_files, 36);
  auto first = load_scenarios({kData + "/bad", kData + "/good"}, options);
  ASSERT_FALSE(first.ok());
  EXPECT_THAT(first.error().where.file, EndsWith("bad/capture-later.yaml"));  // sorted: the first bad file
}

TEST_F(LoaderTest, WithoutEndpointsAnyNameIsTakenAsAnEndpoint) {
  options.endpoints.clear();
  EXPECT_TRUE(load_scenarios({kData + "/bad/undefined-variable.yaml"}, options).ok());
}

TEST_F(LoaderTest, AScenarioTheTopologyCannotRunMayNameComponentsItLacks) {
  const std::string file = kData + "/capabilities/direct-backend.yaml";
  std::set<std::string> none, direct{"direct-backend"};
  options.capabilities = &none;  // skipped at run time: {{scanner}} need not exist
  EXPECT_TRUE(load_scenarios({file}, options).ok());
  options.capabilities = &direct;  // it will run: {{scanner}} must be a component
  auto r = load_scenarios({file}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("undefined variable 'scanner'"));
  EXPECT_EQ(r.error().where.line, 7);
}

TEST_F(LoaderTest, StepsAndIncludesCarryTheirOwnRequires) {
  auto r = load_scenarios({kData + "/capabilities/step-requires.yaml"}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const Scenario& s = r->at(0);
  EXPECT_TRUE(s.requires_caps.empty());
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_TRUE(s.steps[0].requires_caps.empty());
  EXPECT_EQ(s.steps[1].requires_caps, (std::vector<std::string>{"mint"}));
  EXPECT_EQ(s.steps[2].requires_caps, (std::vector<std::string>{"echo", "mint"}));
}

// A scenario names the profile switches it is for; a name the profile lacks, or a value that is no
// boolean, is refused at its pointer and line.
TEST_F(LoaderTest, AScenarioIsForTheProfileSwitchesItNames) {
  auto r = load_scenarios({kData + "/capabilities/switches.yaml"}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->at(0).switches, (std::map<std::string, bool>{{"backend_requires_signature", false}, {"strict_claim_match", false}}));
  auto unknown = load_scenarios({kData + "/bad/switch-unknown.yaml"}, options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().where.pointer, "/scenarios/0/switches/backend_requires_signatur");
  EXPECT_EQ(unknown.error().where.line, 3);
  EXPECT_THAT(unknown.error().message, HasSubstr("the profile has no switch 'backend_requires_signatur'"));
  auto not_boolean = load_scenarios({kData + "/bad/switch-not-boolean.yaml"}, options);
  ASSERT_FALSE(not_boolean.ok());
  EXPECT_EQ(not_boolean.error().where.pointer, "/scenarios/0/switches/backend_requires_signature");
  options.contract = nullptr;  // without a profile the names are not checked
  EXPECT_TRUE(load_scenarios({kData + "/bad/switch-unknown.yaml"}, options).ok());
}

TEST_F(LoaderTest, RunnerBuiltinsAreDefinedEverywhere) {
  options.builtins = {"tokn"};
  EXPECT_TRUE(load_scenarios({kData + "/bad/undefined-variable.yaml"}, options).ok());
}

TEST_F(LoaderTest, EnvIsCheckedOnlyWhenAsked) {
  options.check_env = false;
  EXPECT_TRUE(load_scenarios({kData + "/bad/env-unset.yaml"}, options).ok());
}

TEST_F(LoaderTest, WithoutAProfileContractPathsAreNotChecked) {
  options.contract = nullptr;
  EXPECT_TRUE(load_scenarios({kData + "/bad/contract-path.yaml"}, options).ok());
}

TEST_F(LoaderTest, ReadsHostRoutesAndBrowserCaptures) {
  auto r = load_scenarios({kData + "/browser/tenant-host.yaml"}, options);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const StepSpec& s = r->at(0).steps.at(0);
  EXPECT_EQ(s.request.hosts, (NameValues{{"auth.photos.test", "{{gateway}}"}, {"{{tenant_host}}", "{{platform}}"}}));
  EXPECT_TRUE(s.request.follow_redirects);
  std::map<std::string, CaptureSpec> by_name;
  for (const auto& c : s.captures) by_name[c.name] = c;
  ASSERT_EQ(by_name.size(), 4u);
  EXPECT_EQ(by_name["gateway_url"].source, CaptureSpec::Source::header);
  EXPECT_EQ(by_name["gateway_url"].hop, 0);
  EXPECT_EQ(by_name["state"].hop, 1);
  EXPECT_EQ(by_name["session"].source, CaptureSpec::Source::cookie);
  EXPECT_EQ(by_name["session"].from, "");  // the final URL's host
  EXPECT_FALSE(by_name["session"].hop);
  EXPECT_EQ(by_name["gateway_state"].from, "auth.photos.test");
}

TEST_F(LoaderTest, AMissingPathIsAnError) {
  auto r = load_scenarios({kData + "/nowhere"}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().to_string(), HasSubstr("nowhere"));
}

}  // namespace
}  // namespace tc
