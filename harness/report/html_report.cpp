#include "harness/report/html_report.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "common/json_text.h"
#include "common/text.h"
#include "harness/report/report_file.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

// One style sheet, inlined in every page: the report must open from a file, offline.
const char* const kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;max-width:1200px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:20px 0 6px}
a{color:#0b57d0} table{border-collapse:collapse;width:100%;margin:6px 0}
td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.checks,table.cases{table-layout:fixed} table.checks th:first-child,table.cases th:first-child{width:84px}
table.checks th:nth-child(2){width:22%} table.cases th:nth-child(2){width:36%} table.cases th:nth-child(4){width:64px}
th{background:#f3f4f6} pre{background:#f6f8fa;border:1px solid #d0d7de;padding:8px;overflow-x:auto;
white-space:pre-wrap;word-break:break-all;margin:4px 0;font:12px/1.4 ui-monospace,monospace}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px}
.passed{background:#1a7f37} .failed,.error{background:#cf222e} .skipped{background:#8c959f}
.step{border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:6px 12px}
.step.bad{border-color:#cf222e;border-width:2px} .meta{color:#57606a} .fail{color:#cf222e}
)";

// `text` appended to `out`, the five characters HTML gives a meaning escaped.
void append_escaped(std::string& out, std::string_view text) {
  static constexpr auto kMarkup = [] {
    std::array<bool, 256> markup{};
    for (unsigned char c : std::string_view("&<>\"'")) markup[c] = true;
    return markup;
  }();
  for (std::size_t i = 0;;) {
    std::size_t at = i;  // what lies between markup characters goes as one run
    while (at < text.size() && !kMarkup[static_cast<unsigned char>(text[at])]) ++at;
    out.append(text, i, at - i);
    if (at == text.size()) return;
    switch (text[at]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += "&#39;";
    }
    i = at + 1;
  }
}

// A page's text, built in one string: markup appended as it is, `text` escaped.
struct Html {
  std::string out;
  Html& operator<<(std::string_view markup) {
    out += markup;
    return *this;
  }
  Html& operator<<(long long n) { return *this << std::string_view(std::to_string(n)); }
  Html& text(std::string_view t) {
    append_escaped(out, t);
    return *this;
  }
  Html& badge(const std::string& outcome) {
    *this << "<span class=\"badge ";
    text(outcome) << "\">";
    return text(outcome == "error" ? "environment error" : outcome) << "</span>";
  }
  Html& pre(std::string_view t) {
    *this << "<pre>";
    return text(t) << "</pre>\n";
  }
};

std::string ms_text(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms >= 1000 ? "%.1f s" : "%.0f ms", ms >= 1000 ? ms / 1000.0 : static_cast<double>(ms));
  return buf;
}

std::string page(const std::string& title, const std::string& body) {
  Html h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
  h.text(title) << "</title><style>" << kStyle << "</style></head><body>\n" << body << "</body></html>\n";
  return std::move(h.out);
}

std::string case_file(std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "case-%04zu.html", index + 1);
  return buf;
}

void step_html(Html& h, const StepRecord& st) {
  const bool bad = !st.error.empty() ||
                   std::any_of(st.outcomes.begin(), st.outcomes.end(), [](const auto& o) { return o.status == "failed"; });
  h << "<div class=\"step" << (bad ? " bad" : "") << "\"><h2>";
  h.badge(!st.ran ? "skipped" : bad ? "failed" : "passed") << " ";
  h.text(st.name) << "</h2>\n<div class=\"meta\">";
  h.text(st.file) << ":" << st.line;
  if (!st.method.empty()) (h << " · ").text(st.method + " " + st.url);
  if (st.status) h << " → " << st.status << " (" << ms_text(static_cast<std::int64_t>(st.elapsed_ms)) << ")";
  if (!st.correlation_id.empty()) (h << " · correlation id ").text(st.correlation_id);
  h << "</div>\n";
  if (!st.ran) h << "<p class=\"meta\">not run: an earlier step failed</p>\n";
  if (!st.error.empty()) (h << "<p class=\"fail\">").text(st.error) << "</p>\n";
  if (!st.outcomes.empty()) {
    h << "<table class=\"checks\"><tr><th></th><th>check</th><th>expected</th><th>actual</th></tr>\n";
    for (const auto& o : st.outcomes) {
      h << "<tr><td>";
      h.badge(o.status) << "</td><td>";
      h.text(o.kind + " " + o.description) << "</td><td>";
      h.text(o.expected) << "</td><td>";
      h.text(o.status == "skipped" ? o.reason : o.actual) << "</td></tr>\n";
    }
    h << "</table>\n";
    for (const auto& o : st.outcomes)
      if (!o.evidence.empty()) {
        h << "<div class=\"meta\">";
        h.text(o.kind == "audit" ? "audit record — " + o.description : o.kind + " evidence — " + o.description) << "</div>\n";
        h.pre(o.evidence);
      }
  }
  if (!st.transcript.empty()) (h << "<div class=\"meta\">transcript</div>\n").pre(st.transcript);
  h << "</div>\n";
}

std::string case_page(const CaseRecord& c) {
  Html h;
  h << "<p><a href=\"index.html\">← all cases</a></p>\n<h1>";
  h.badge(c.outcome) << " ";
  h.text(c.scenario) << "</h1>\n<div class=\"meta\">";
  h.text(c.id()) << " · ";
  h.text(c.file) << ":" << c.line << " · " << ms_text(c.finished_ms - c.started_ms) << "</div>\n<table>\n";
  auto row = [&h](const std::string& name, const std::string& value) {
    if (!value.empty()) (h << "<tr><th>" << name << "</th><td>").text(value) << "</td></tr>\n";
  };
  auto joined = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
  };
  row("requirements", joined(c.requirements));
  row("tags", joined(c.tags));
  if (!c.row.is_null()) row("matrix row", json_text(c.row));
  row("skipped", c.skip_reason);
  h << "</table>\n";
  if (!c.failures.empty()) {
    h << "<h2 class=\"fail\">Failures</h2>\n";
    std::string lines;
    for (const auto& f : c.failures) lines += f + "\n";
    h.pre(lines);
  }
  for (const auto& st : c.steps) step_html(h, st);
  return page(c.id(), h.out);
}

std::string index_page(const RunRecord& record) {
  Html h;
  h << "<h1>tenantcheck run</h1>\n<p>";
  h.text(record.summary_line()) << "</p>\n<table>\n";
  for (const auto& [k, v] : record.properties) {
    h << "<tr><th>";
    h.text(k) << "</th><td>";
    h.text(v) << "</td></tr>\n";
  }
  h << "</table>\n<h2>Cases</h2>\n<table class=\"cases\"><tr><th></th><th>case</th><th>scenario</th><th>time</th><th>first failure or "
       "skip reason</th></tr>\n";
  for (std::size_t i = 0; i < record.cases.size(); ++i) {
    const CaseRecord& c = record.cases[i];
    // The case's page has it whole.
    const std::string why = shortened(!c.failures.empty() ? c.failures.front() : c.skip_reason, 240);
    h << "<tr><td>";
    h.badge(c.outcome) << "</td><td><a href=\"" << case_file(i) << "\">";
    h.text(c.id()) << "</a></td><td>";
    h.text(c.scenario) << "</td><td>" << ms_text(c.finished_ms - c.started_ms) << "</td><td>";
    h.text(why) << "</td></tr>\n";
  }
  h << "</table>\n";
  return page("tenantcheck run", h.out);
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

Result<Unit> write_html_report(const RunRecord& record, const std::string& reports_dir) {
  const fs::path dir = fs::path(reports_dir) / "html";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return environment_error("", "cannot create " + dir.string() + ": " + ec.message());
  for (std::size_t i = 0; i < record.cases.size(); ++i)
    if (auto w = write_report_file(dir / case_file(i), case_page(record.cases[i])); !w) return w;
  return write_report_file(dir / "index.html", index_page(record));
}

}  // namespace tc
