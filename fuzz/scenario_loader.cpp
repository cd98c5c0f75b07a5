// The scenario loader: the input is written as a scenario file inside a scratch copy of the pack's
// layout (scenarios/<area>/fuzz.yaml beside scenarios/steps/), so that includes of the pack's step
// files resolve, and loaded as `tenantcheck lint` loads it, against the reference profile. A bad
// file must be an input error with a place, never a crash, a hang or unbounded memory.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/profile.h"
#include "harness/loader/scenario_loader.h"

namespace {

namespace fs = std::filesystem;

struct Pack {
  fs::path root;  // the scratch scenarios/ folder: includes may reach it, nothing else
  fs::path file;
  tc::ContractProfile profile;
};

Pack& pack() {
  static Pack p = [] {
    auto profile = tc::ContractProfile::load(TC_SOURCE_DIR "/fixtures/contracts/reference.yaml");
    if (!profile) throw std::runtime_error(profile.error().to_string());
    const char* tmp = std::getenv("TMPDIR");
    fs::path root = fs::path(tmp && *tmp ? tmp : "/tmp") / ("tc-fuzz-loader-" + std::to_string(::getpid()));
    fs::create_directories(root / "scenarios" / "area");
    fs::copy(TC_SOURCE_DIR "/scenarios/steps", root / "scenarios" / "steps",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    static const fs::path scratch = root;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch, ec);
    });
    return Pack{root / "scenarios", root / "scenarios" / "area" / "fuzz.yaml", std::move(*profile)};
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Pack& p = pack();
  {
    std::ofstream out(p.file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  tc::LoadOptions options;
  options.contract = &p.profile.values();
  options.endpoints = {"authority", "gateway", "platform", "scanner", "graph"};
  options.include_roots = {p.root.string()};
  const tc::LoadReport report = tc::load_all_scenarios({p.file.string()}, options);
  for (const auto& e : report.errors)
    if (e.where.file.empty()) __builtin_trap();  // every error names its file
  return 0;
}
