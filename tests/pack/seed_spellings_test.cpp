// Each seed platform's pack reads how a backend (and seed 001's workspace-admin surfaces) spells its
// item answers from the profile (values.items_pointer, item_id_field, item_tenant_field,
// item_name_field), never from the pack:
// run against a copy of the seed's world whose profile spells them otherwise (/data, uid, tenant_id,
// title), which the stubs then serve, every case still passes.
#include <fstream>
#include <regex>

#include "common/input_file.h"
#include "tenantcheck_cli.h"

namespace tc::pack_test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  auto text = read_input_file(p.string());
  EXPECT_TRUE(text.ok()) << p;
  return text.ok() ? *text : std::string();
}

// `text` with the value of `key:` (a two-space indented line of the values section) set to `value`;
// fails the test when the key is not there.
std::string respell(const std::string& text, const std::string& key, const std::string& value) {
  const std::regex line("(\n  " + key + ":)[^\n#]*");
  EXPECT_TRUE(std::regex_search(text, line)) << key;
  return std::regex_replace(text, line, "$1 " + value + " ", std::regex_constants::format_first_only);
}

class SeedItemSpellings : public ::testing::TestWithParam<const char*> {};

TEST_P(SeedItemSpellings, ThePackPassesWhenTheBackendSpellsItsItemsOtherwise) {
  const std::string seed = GetParam();
  const fs::path source(TC_SOURCE_DIR);
  const fs::path dir = reports_dir("seed-spellings", seed);
  fs::create_directories(dir);

  std::string profile = read_text(source / "fixtures/contracts" / ("seed-" + seed + ".yaml"));
  profile = respell(profile, "items_pointer", "/data");
  profile = respell(profile, "item_id_field", "uid");
  profile = respell(profile, "item_tenant_field", "tenant_id");
  profile = respell(profile, "item_name_field", "title");
  std::ofstream(dir / "profile.yaml") << profile;

  // The seed's topology, its relative paths made absolute, with the respelled profile.
  std::string topology = read_text(source / "compose" / ("seed-" + seed + ".yaml"));
  topology = std::regex_replace(topology, std::regex(R"(\.\./)"), (source / "").string());
  topology = std::regex_replace(topology, std::regex("(^|\n)profile: [^\n]*"), "$1profile: " + (dir / "profile.yaml").string());
  std::ofstream(dir / "topology.yaml") << topology;

  const auto [code, out] = tenantcheck("run --env '" + (dir / "topology.yaml").string() + "' --reports '" +
                                       (dir / "reports").string() + "'");
  ASSERT_EQ(code, 0) << out;
  auto record = read_run_record((dir / "reports").string());
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  ASSERT_GE(record->cases.size(), 10u);
  for (const auto& c : record->cases)
    EXPECT_EQ(c.outcome, "passed") << c.id() << "\n" << (c.failures.empty() ? "" : c.failures.front());
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedItemSpellings, ::testing::Values("001", "002", "003", "004"));

}  // namespace
}  // namespace tc::pack_test
