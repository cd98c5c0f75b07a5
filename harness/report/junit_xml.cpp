#include "harness/report/junit_xml.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "common/json_text.h"
#include "common/text.h"
#include "common/utc_time.h"
#include "harness/report/report_file.h"

namespace tc {
namespace {

// The code point of the shortest-form UTF-8 sequence at `in[i]` and its length; 0 length if none.
std::pair<char32_t, std::size_t> decode(const std::string& in, std::size_t i) {
  const auto b = static_cast<unsigned char>(in[i]);
  const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > in.size()) return {0, 0};
  char32_t cp = len == 1 ? b : b & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(in[i + k]);
    if ((c & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (c & 0x3F);
  }
  static const char32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (len > 1 && cp < shortest[len]) return {0, 0};  // overlong
  return {cp, len};
}

// XML 1.0's Char production.
bool xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// Characters XML 1.0 allows, escaped; anything else (control characters, broken or overlong UTF-8,
// surrogates, U+FFFE/FFFF) becomes '?'.
std::string xml_text(const std::string& in) {
  // Printable ASCII other than the five markup characters, and tab and line breaks, go as runs.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7F; ++c) plain[c] = c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
    plain['\t'] = plain['\n'] = plain['\r'] = true;
    return plain;
  }();
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    std::size_t run = i;
    while (run < in.size() && kPlain[static_cast<unsigned char>(in[run])]) ++run;
    out.append(in, i, run - i);
    if ((i = run) == in.size()) break;
    const auto [cp, len] = decode(in, i);
    if (len == 0 || !xml_char(cp)) {
      out += '?';
      i += len ? len : 1;
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.append(in, i, len);
    }
    i += len;
  }
  return out;
}

std::string seconds(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms > 0 ? ms / 1000.0 : 0.0);
  return buf;
}

struct Totals {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  std::int64_t ms = 0, first_ms = 0;
  void add(const CaseRecord& c) {
    ++tests;
    failures += c.outcome == "failed";
    errors += c.outcome == "error";
    skipped += c.outcome == "skipped";
    ms += c.finished_ms > c.started_ms ? c.finished_ms - c.started_ms : 0;
    if (c.started_ms && (!first_ms || c.started_ms < first_ms)) first_ms = c.started_ms;
  }
  std::string attributes() const {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
           std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + seconds(ms) + "\"";
  }
};

void write_case(std::ostream& out, const CaseRecord& c) {
  out << "    <testcase name=\"" << xml_text(c.test) << "\" classname=\"" << xml_text(c.suite) << "\" time=\""
      << seconds(c.finished_ms - c.started_ms) << "\" file=\"" << xml_text(c.file) << "\" line=\"" << c.line << "\"";
  std::string header = "scenario: " + c.scenario + "\nfile: " + c.file + ":" + std::to_string(c.line) + "\n";
  if (!c.row.is_null()) header += "row: " + json_text(c.row) + "\n";
  if (!c.requirements.empty()) header += "requirements: " + join(c.requirements, ", ") + "\n";
  if (!c.tags.empty()) header += "tags: " + join(c.tags, ", ") + "\n";
  out << ">\n";
  const std::string first = c.failures.empty() ? "" : c.failures.front();
  if (c.outcome == "skipped") {
    out << "      <skipped message=\"" << xml_text(c.skip_reason) << "\"/>\n";
  } else if (c.outcome == "failed") {
    out << "      <failure type=\"contract violation\" message=\"" << xml_text(first) << "\">"
        << xml_text(join(c.failures, "\n")) << "</failure>\n";
  } else if (c.outcome == "error") {
    out << "      <error type=\"environment error\" message=\"" << xml_text(first) << "\">"
        << xml_text(join(c.failures, "\n")) << "</error>\n";
  }
  out << "      <system-out>" << xml_text(header + (c.output.empty() ? "" : "\n" + c.output)) << "</system-out>\n";
  out << "    </testcase>\n";
}

}  // namespace

std::string junit_xml(const RunRecord& record) {
  std::map<std::string, std::vector<const CaseRecord*>> suites;  // by name
  std::vector<std::string> order;                                  // first seen first
  Totals all;
  for (const auto& c : record.cases) {
    if (!suites.count(c.suite)) order.push_back(c.suite);
    suites[c.suite].push_back(&c);
    all.add(c);
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenantcheck\"" << all.attributes() << ">\n";
  for (const auto& name : order) {
    Totals t;
    for (const auto* c : suites[name]) t.add(*c);
    out << "  <testsuite name=\"" << xml_text(name) << "\"" << t.attributes() << " timestamp=\""
        << format_utc(t.first_ms, "%Y-%m-%dT%H:%M:%S") << "\">\n";
    if (name == order.front() && !record.properties.empty()) {
      out << "    <properties>\n";
      for (const auto& [k, v] : record.properties)
        out << "      <property name=\"" << xml_text(k) << "\" value=\"" << xml_text(v) << "\"/>\n";
      out << "    </properties>\n";
    }
    for (const auto* c : suites[name]) write_case(out, *c);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

Result<Unit> write_junit(const RunRecord& record, const std::string& reports_dir) {
  std::error_code ec;
  std::filesystem::create_directories(reports_dir, ec);
  return write_report_file(std::filesystem::path(reports_dir) / "junit.xml", junit_xml(record));
}

}  // namespace tc
