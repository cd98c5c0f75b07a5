#include "common/profile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <tuple>

#include "common/crypto.h"
#include "common/encoding.h"

namespace tc {
namespace {

const std::string kReference = std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A private copy of the reference profile with `edit` applied, removed when the test ends.
class ProfileCopy {
 public:
  explicit ProfileCopy(const std::function<std::string(std::string)>& edit) {
    path_ = (std::filesystem::temp_directory_path() /
             ("tc_profile_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".yaml"))
                .string();
    std::ofstream(path_, std::ios::binary) << edit(read(kReference));
  }
  ~ProfileCopy() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

// The 1-based line of the first line of `text` that matches `re`.
int line_matching(const std::string& text, const std::string& re) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (std::regex_search(line, std::regex(re))) return n;
  return 0;
}

TEST(Profile, ReferenceProfileLoads) {
  auto p = ContractProfile::load(kReference);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(p->hash(), hex_encode(sha256(read(kReference))));
  EXPECT_EQ(p->hash().size(), 64u);
  // Every accessor reads its section; compare with the document itself rather than literals.
  const json& v = p->values();
  EXPECT_EQ(p->status("tenant_conflict"), v["status"]["tenant_conflict"].get<int>());
  EXPECT_EQ(p->error("tenant_forbidden"), v["errors"]["tenant_forbidden"]);
  EXPECT_EQ(p->header("tenant"), v["headers"]["tenant"]);
  EXPECT_EQ(p->header_list("tenant_aliases"), v["headers"]["tenant_aliases"].get<std::vector<std::string>>());
  EXPECT_EQ(p->header_list("tenant"), std::vector<std::string>{v["headers"]["tenant"].get<std::string>()});
  EXPECT_EQ(p->claim("tenant"), v["claims"]["tenant"]);
  EXPECT_EQ(p->event("token_issued"), v["events"]["token_issued"]);
  EXPECT_EQ(p->value("bearer_scheme"), v["values"]["bearer_scheme"]);
  EXPECT_EQ(p->path("jwks"), v["paths"]["jwks"]);
  EXPECT_EQ(p->pattern("tenant_id"), v["patterns"]["tenant_id"]);
  EXPECT_EQ(p->window("token_leeway_seconds"), v["windows"]["token_leeway_seconds"].get<long long>());
  EXPECT_EQ(p->flag("strict_claim_match"), v["switches"]["strict_claim_match"].get<bool>());
  ASSERT_NE(p->find("status.ok"), nullptr);
  EXPECT_EQ(*p->find("status.ok"), v["status"]["ok"]);
  EXPECT_EQ(p->find("status.nope"), nullptr);
  EXPECT_EQ(p->find("status.ok.deeper"), nullptr);
}

// A profile copy is the reference profile edited: every spelling the reference names, every copy
// names too (the stubs read them for every platform — a copy without headers.allow made a 405 a 500).
TEST(Profile, EveryProfileCopySpellsEveryKeyOfTheReference) {
  auto reference = ContractProfile::load(kReference);
  ASSERT_TRUE(reference.ok()) << reference.error().to_string();
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TC_SOURCE_DIR) + "/fixtures/contracts")) {
    auto copy = ContractProfile::load(entry.path().string());
    ASSERT_TRUE(copy.ok()) << copy.error().to_string();
    for (const auto& [section, keys] : reference->values().items()) {
      if (!keys.is_object()) continue;
      for (const auto& [key, value] : keys.items())
        EXPECT_NE(copy->find(section + "." + key), nullptr) << entry.path().filename() << " lacks " << section << "." << key;
    }
  }
}

TEST(Profile, AbsentKeyThrowsNamingIt) {
  auto p = ContractProfile::load(kReference);
  ASSERT_TRUE(p.ok());
  try {
    (void)p->status("no_such_status");
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()), "contract profile has no key 'status.no_such_status'");
  }
  EXPECT_THROW((void)p->header("nope"), std::out_of_range);
  EXPECT_THROW((void)p->flag("nope"), std::out_of_range);
}

TEST(Profile, MissingSectionFailsWithFileAndLine) {
  ProfileCopy copy([](std::string text) {
    // Drop the whole windows section (its header line and its indented entries).
    return std::regex_replace(text, std::regex("\nwindows:\n(  [^\n]*\n)*"), "\n");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::input);
  EXPECT_EQ(p.error().where.file, copy.path());
  EXPECT_GT(p.error().where.line, 0);
  EXPECT_NE(p.error().message.find("windows"), std::string::npos);
  EXPECT_NE(p.error().to_string().find(copy.path() + ":"), std::string::npos);
}

TEST(Profile, MistypedKeyFailsAtItsLineAndPointer) {
  std::string edited;
  ProfileCopy copy([&](std::string text) {
    edited = std::regex_replace(text, std::regex("\n  tenant_conflict: 409"), "\n  tenant_conflict: \"409\"");
    return edited;
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/status/tenant_conflict");
  EXPECT_EQ(p.error().where.line, line_matching(edited, "^  tenant_conflict: \"409\""));
}

TEST(Profile, StatusCodesAndWindowsAreBounded) {
  for (const auto& [from, to, pointer, bound] :
       {std::tuple{"\n  tenant_conflict: 409", "\n  tenant_conflict: 99999999999", "/status/tenant_conflict", "100..599"},
        std::tuple{"\n  token_leeway_seconds: 60", "\n  token_leeway_seconds: 99999999999", "/windows/token_leeway_seconds",
                   "0..31536000"}}) {
    ProfileCopy copy([from = from, to = to](std::string text) { return std::regex_replace(text, std::regex(from), to); });
    auto p = ContractProfile::load(copy.path());
    ASSERT_FALSE(p.ok()) << pointer;
    EXPECT_EQ(p.error().where.pointer, pointer);
    EXPECT_NE(p.error().message.find(std::string("must be in ") + bound + ", got 99999999999"), std::string::npos)
        << p.error().message;
  }
}

TEST(Profile, InvalidPatternIsRejected) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\n  tenant_id: [^\n]*"), "\n  tenant_id: \"[a-z\"");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/patterns/tenant_id");
}

TEST(Profile, ExtraKeysAreAllowed) {
  ProfileCopy copy([](std::string text) { return text + "\nextra_section: {a: 1}\n"; });
  auto p = ContractProfile::load(copy.path());
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  ASSERT_NE(p->find("extra_section.a"), nullptr);
}

TEST(Profile, AComponentSpellsItsOwnEventsAndErrorsOverTheSharedOnes) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\ncomponents: \\{\\}"),
                              "\ncomponents:\n  gateway:\n    events: {tenant_conflict: edge.clash}\n"
                              "    errors: {tenant_conflict: clash}\n  platform:\n    events: {data_read: rec.read}");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  const ContractProfile gateway = p->for_component("gateway");
  EXPECT_EQ(gateway.event("tenant_conflict"), "edge.clash");
  EXPECT_EQ(gateway.error("tenant_conflict"), "clash");
  EXPECT_EQ(gateway.event("data_read"), "data.read");  // not overridden: the shared spelling
  EXPECT_EQ(p->for_component("platform").event("data_read"), "rec.read");
  EXPECT_EQ(p->for_component("authority").event("tenant_conflict"), "tenant.conflict");
  EXPECT_EQ(p->event("tenant_conflict"), "tenant.conflict");
  EXPECT_EQ(component_spellings(p->values(), "gateway")["errors"]["tenant_conflict"], "clash");
}

// A spelling is handed out by reference into the profile's own document: a copy, an assignment and
// a move each hand out their own, and keep doing so when the profile they came from is gone.
TEST(Profile, CopiesAndMovesSpellFromTheirOwnDocument) {
  auto loaded = ContractProfile::load(kReference);
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  auto original = std::make_unique<ContractProfile>(std::move(*loaded));
  const auto own = [](const ContractProfile& p) -> const std::string* {
    return &p.values()["events"]["data_read"].get_ref<const std::string&>();
  };
  EXPECT_EQ(&original->event("data_read"), own(*original));
  ContractProfile copy = *original;
  ContractProfile assigned;
  EXPECT_THROW(assigned.event("data_read"), std::out_of_range);  // an empty profile spells nothing
  assigned = *original;
  ContractProfile moved = std::move(*original);
  original.reset();
  for (const ContractProfile* p : {&copy, &assigned, &moved}) {
    EXPECT_EQ(&p->event("data_read"), own(*p));
    EXPECT_EQ(p->event("data_read"), "data.read");
    EXPECT_EQ(p->status("tenant_conflict"), 409);
    EXPECT_THROW(p->event("no_such_event"), std::out_of_range);
  }
}

TEST(Profile, AComponentOverrideOfAnUnknownKeyIsAnInputError) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\ncomponents: \\{\\}"),
                              "\ncomponents:\n  gateway:\n    events: {tenant_clash: edge.clash}");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/components/gateway/events/tenant_clash");
  EXPECT_NE(p.error().message.find("overrides nothing"), std::string::npos) << p.error().message;
}

// A component has events and errors only; anything else is worded as every strict reader words it.
TEST(Profile, AComponentSectionOtherThanEventsAndErrorsIsAnUnknownKey) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\ncomponents: \\{\\}"), "\ncomponents:\n  gateway:\n    colours: {}");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/components/gateway/colours");
  EXPECT_EQ(p.error().message, "unknown key 'colours' (expected one of: events, errors)");
}

TEST(Profile, TheEchoShapeIsChecked) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\n  values: list "), "\n  values: many ");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/echo/values");
}

TEST(Profile, AValueNamedPointerMustBeAJsonPointer) {
  ProfileCopy copy([](std::string text) {
    return std::regex_replace(text, std::regex("\n  items_pointer: /items"), "\n  items_pointer: items");
  });
  auto p = ContractProfile::load(copy.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where.pointer, "/values/items_pointer");
  EXPECT_NE(p.error().message.find("must be a JSON pointer"), std::string::npos) << p.error().message;
}

TEST(Profile, MissingFileIsAnInputError) {
  auto p = ContractProfile::load("/nonexistent/profile.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::input);
  EXPECT_EQ(p.error().where.file, "/nonexistent/profile.yaml");
}

}  // namespace
}  // namespace tc
