// junit.xml: valid against tests/reports/junit.xsd (checked with xmllint), counts per suite and in
// all, failures with expected and actual, transcripts in system-out, skips with their reason, and
// text that is not valid XML replaced rather than breaking the document.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/report/junit_xml.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

struct Xmllint {
  int code = -1;
  std::string output;
};

// xmllint --schema junit.xsd on `xml`, written to a temp file.
Xmllint validate(const std::string& xml) {
  const fs::path file = fs::temp_directory_path() / ("tc-junit-" + std::to_string(::getpid()) + ".xml");
  std::ofstream(file) << xml;
  const std::string cmd = "xmllint --noout --schema '" + std::string(TC_SOURCE_DIR) + "/tests/reports/junit.xsd' '" +
                          file.string() + "' 2>&1";
  Xmllint result;
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[512];
  while (pipe && fgets(buf, sizeof buf, pipe)) result.output += buf;
  const int status = pipe ? pclose(pipe) : -1;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(file);
  return result;
}

CaseRecord make(const std::string& suite, const std::string& test, const std::string& outcome) {
  CaseRecord c;
  c.suite = suite;
  c.test = test;
  c.scenario = test + " scenario";
  c.file = "scenarios/" + suite + ".yaml";
  c.line = 7;
  c.outcome = outcome;
  c.started_ms = 1700000000000;
  c.finished_ms = 1700000000250;
  c.requirements = {"G1", "I1"};
  c.output = "--- step 'call' (x.yaml:9)\n> GET http://127.0.0.1/items HTTP/1.1\n< HTTP/1.1 403\n";
  return c;
}

RunRecord sample() {
  RunRecord r;
  r.properties = {{"harness.version", "0.1.0"}, {"topology", "compose/local.yaml"}};
  r.cases.push_back(make("signin", "passes", "passed"));
  CaseRecord f = make("signin", "fails", "failed");
  f.failures = {"step 'call' (x.yaml:9): status equals: expected 404, actual 403",
                "step 'call' (x.yaml:9): json /error equals: expected \"tenant_missing\", actual <absent> & \"odd\""};
  r.cases.push_back(f);
  CaseRecord e = make("failures", "unreachable", "error");
  e.failures = {"component 'gateway' (http://127.0.0.1:1) unreachable: connection refused"};
  r.cases.push_back(e);
  CaseRecord s = make("failures", "skips", "skipped");
  s.skip_reason = "needs capability 'mint' that the topology does not offer";
  s.output.clear();
  r.cases.push_back(s);
  CaseRecord odd = make("failures", "odd_bytes", "failed");
  odd.failures = {std::string("control \x01\x1b[0m and broken UTF-8 \xC3\x28 and ]]> and caf\xC3\xA9"),
                  std::string("overlong \xC0\xBC surrogate \xED\xA0\x80 nonchar \xEF\xBF\xBE too high \xF5\x80\x80\x80 ok")};
  odd.row = {{"label", "upper <case>"}};
  r.cases.push_back(odd);
  return r;
}

TEST(JunitXml, IsValidAgainstTheJunitSchema) {
  const std::string xml = junit_xml(sample());
  const Xmllint lint = validate(xml);
  EXPECT_EQ(lint.code, 0) << lint.output << xml;
  EXPECT_NE(lint.output.find("validates"), std::string::npos) << lint.output;
}

TEST(JunitXml, TheSchemaRejectsWhatReportersDoNotKnow) {
  // The check has teeth: an unknown attribute, two outcomes in one case, a count that is no number.
  const std::string good = junit_xml(sample());
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string xml = good;
    xml.replace(xml.find(from), from.size(), to);
    return xml;
  };
  EXPECT_NE(validate(broken("<testcase name=\"passes\"", "<testcase colour=\"red\" name=\"passes\"")).code, 0);
  EXPECT_NE(validate(broken("<skipped ", "<skipped/><failure/><skipped ")).code, 0);
  EXPECT_NE(validate(broken("tests=\"5\"", "tests=\"five\"")).code, 0);
}

TEST(JunitXml, CountsOutcomesTranscriptsAndReasons) {
  const std::string xml = junit_xml(sample());
  EXPECT_NE(xml.find("<testsuites name=\"tenantcheck\" tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"signin\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.500\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"contract violation\" message=\"step &apos;call&apos; (x.yaml:9): status equals: "
                     "expected 404, actual 403\">"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("actual &lt;absent&gt; &amp; &quot;odd&quot;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<error type=\"environment error\" message=\"component &apos;gateway&apos;"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"needs capability &apos;mint&apos; that the topology does not offer\"/>"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt; HTTP/1.1 403"), std::string::npos) << "the transcript in system-out";
  EXPECT_NE(xml.find("requirements: G1, I1"), std::string::npos);
  EXPECT_NE(xml.find("row: {&quot;label&quot;:&quot;upper &lt;case&gt;&quot;}"), std::string::npos) << xml;
  EXPECT_NE(xml.find("control ??[0m and broken UTF-8 ?( and ]]&gt; and caf\xC3\xA9"), std::string::npos) << xml;
  EXPECT_NE(xml.find("overlong ?? surrogate ? nonchar ? too high ? ok"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"topology\" value=\"compose/local.yaml\"/>"), std::string::npos);
}

TEST(JunitXml, WritesIntoTheReportsFolder) {
  const fs::path dir = fs::temp_directory_path() / ("tc-junit-dir-" + std::to_string(::getpid()));
  ASSERT_TRUE(write_junit(sample(), (dir / "nested").string()).ok());
  std::ifstream in(dir / "nested" / "junit.xml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), junit_xml(sample()));
  fs::remove_all(dir);
  EXPECT_FALSE(write_junit(sample(), "/proc/no-such-dir").ok());
}

}  // namespace
}  // namespace tc
