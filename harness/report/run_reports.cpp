#include "harness/report/run_reports.h"

#include <filesystem>
#include <system_error>
#include <thread>

#include "harness/report/allure.h"
#include "harness/report/html_report.h"
#include "harness/report/junit_xml.h"

namespace tc {

Result<Unit> write_run_reports(const RunRecord& record, const std::string& reports_dir,
                               const std::vector<ContractClause>& clauses) {
  std::optional<Error> first;
  auto keep = [&first](const Result<Unit>& r) {
    if (!r && !first) first = r.error();
  };
  // The record's JSON is written on the other core beside the other reports (each only reads the
  // record); the first error is still the first report's.
  Result<Unit> record_json = Unit{}, junit = Unit{}, requirements = Unit{}, html = Unit{};
  auto write_record_json = [&] {
    try {  // nothing may leave a thread: a throw there would end the program
      record_json = write_run_record(record, reports_dir);
    } catch (const std::exception& e) {
      record_json = environment_error("", "cannot write results.json: " + std::string(e.what()));
    }
  };
  {
    std::jthread writer;
    try {
      writer = std::jthread(write_record_json);
    } catch (const std::system_error&) {  // no thread to be had: written here, first
      write_record_json();
    }
    junit = write_junit(record, reports_dir);
    requirements = RequirementsMatrix(record).write(clauses, reports_dir);
    html = write_html_report(record, reports_dir);
  }
  for (const auto* r : {&record_json, &junit, &requirements, &html}) keep(*r);
  const auto allure = std::filesystem::path(reports_dir) / "allure-results";
  std::error_code ec;
  if (std::filesystem::is_directory(allure, ec)) keep(write_allure_environment(allure.string(), record.properties));
  if (first) return *first;
  return Unit{};
}

void clear_run_reports(const std::string& reports_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* name : {"results.json", "junit.xml", "requirements.json", "requirements.md", "baseline.json",
                           "flakes.json", "allure-results", "html"})
    fs::remove_all(fs::path(reports_dir) / name, ec);
}

Result<RunRecord> merge_report_folders(const std::vector<std::string>& dirs, const std::string& out_dir,
                                       const std::vector<ContractClause>& clauses) {
  namespace fs = std::filesystem;
  std::vector<RunRecord> records;
  for (const auto& dir : dirs) {
    auto r = read_run_record(dir);
    if (!r) return r.error();
    records.push_back(std::move(*r));
  }
  const fs::path allure = fs::path(out_dir) / "allure-results";
  std::error_code ec;
  fs::remove_all(allure, ec);
  fs::create_directories(allure, ec);
  if (ec) return environment_error("", "cannot create " + allure.string() + ": " + ec.message());
  for (const auto& dir : dirs) {  // result and attachment names are unique per result; environment is rewritten
    const fs::path folder = fs::path(dir).extension() == ".json" ? fs::path(dir).parent_path() : fs::path(dir);
    const fs::path from = folder / "allure-results";
    if (!fs::is_directory(from, ec)) continue;  // a run without Allure results (an older harness)
    for (const auto& entry : fs::directory_iterator(from, ec)) {
      if (entry.path().filename() == "environment.properties") continue;
      if (!fs::copy_file(entry.path(), allure / entry.path().filename(), fs::copy_options::overwrite_existing, ec))
        return environment_error("", "cannot copy " + entry.path().string() + ": " + ec.message());
    }
    if (ec) return environment_error("", "cannot read " + from.string() + ": " + ec.message());
  }
  RunRecord merged = merge_run_records(records);
  if (auto w = write_run_reports(merged, out_dir, clauses); !w) return w.error();
  return merged;
}

}  // namespace tc
