#include "common/fixtures.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace tc {
namespace {

namespace fs = std::filesystem;
const std::string kReference = std::string(TC_SOURCE_DIR) + "/fixtures/reference";

// A private copy of the reference fixtures, removed when the test ends.
class FixtureCopy {
 public:
  FixtureCopy() {
    dir_ = fs::temp_directory_path() / ("tc_fixtures_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(kReference)) fs::copy(entry.path(), dir_ / entry.path().filename());
  }
  ~FixtureCopy() { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  // Replaces the first match of `re` in `name`; returns the edited text.
  std::string edit(const std::string& name, const std::string& re, const std::string& with) {
    std::ifstream in(file(name));
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text =
        std::regex_replace(ss.str(), std::regex(re), with, std::regex_constants::format_first_only);
    std::ofstream(file(name)) << text;
    return text;
  }

 private:
  fs::path dir_;
};

int line_of_text(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  return 0;
}

TEST(Fixtures, ReferenceWorldLoads) {
  auto f = Fixtures::load(kReference);
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_GE(f->tenants.size(), 3u);
  ASSERT_NE(f->tenant("tenant-alpha"), nullptr);
  EXPECT_FALSE(f->tenant("tenant-alpha")->display_name.empty());
  const User* bea = f->user_by_username("bea");
  ASSERT_NE(bea, nullptr);
  EXPECT_EQ(f->user_by_sub(bea->sub), bea);
  EXPECT_EQ(bea->default_tenant, "tenant-alpha");
  EXPECT_EQ(bea->tenants.size(), 2u);
  const Client* console = f->client("console");
  ASSERT_NE(console, nullptr);
  EXPECT_TRUE(console->is_public);
  EXPECT_FALSE(console->redirect_uris.empty());
  const Client* svc = f->client("svc-multi");
  ASSERT_NE(svc, nullptr);
  EXPECT_FALSE(svc->is_public);
  EXPECT_FALSE(svc->secret.empty());
  EXPECT_EQ(svc->default_tenant, "tenant-bravo");
  EXPECT_FALSE(f->scopes.empty());
  EXPECT_FALSE(f->routes.empty());
  bool saw_param = false;
  for (const auto& r : f->routes) {
    if (r.tenant_param.empty()) {
      EXPECT_EQ(r.upstream, r.path);  // defaults to the route's own path
    } else {
      saw_param = true;
      EXPECT_NE(r.upstream, r.path);
    }
  }
  EXPECT_TRUE(saw_param);
  EXPECT_FALSE(f->missing_id.empty());
  ASSERT_TRUE(f->items.count("platform"));
  EXPECT_EQ(f->items.at("platform")[0].fields["id"], f->items.at("platform")[0].id);
  EXPECT_TRUE(f->profiles.contains("user-bea"));
  EXPECT_EQ(f->user_by_username("nobody"), nullptr);
  EXPECT_EQ(f->client("nobody"), nullptr);
}

TEST(Fixtures, TypoedKeyNamesFileLineAndPointer) {
  FixtureCopy copy;
  std::string text = copy.edit("users.yaml", "default_tenant:", "defualt_tenant:");
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, ErrorKind::input);
  EXPECT_EQ(f.error().where.file, copy.file("users.yaml"));
  EXPECT_EQ(f.error().where.line, line_of_text(text, "defualt_tenant:"));
  EXPECT_EQ(f.error().where.pointer, "/users/1/defualt_tenant");
  EXPECT_NE(f.error().message.find("unknown key 'defualt_tenant'"), std::string::npos);
}

TEST(Fixtures, WrongTypeIsAnError) {
  FixtureCopy copy;
  copy.edit("routes.yaml", "tenant_scoped: true", "tenant_scoped: yes-please");
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().where.file, copy.file("routes.yaml"));
  EXPECT_EQ(f.error().where.pointer, "/routes/0/tenant_scoped");
}

TEST(Fixtures, MissingRequiredKeyIsAnError) {
  FixtureCopy copy;
  copy.edit("tenants.yaml", ", displayName: Alpha Industries", "");
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().where.pointer, "/tenants/0");
  EXPECT_NE(f.error().message.find("displayName"), std::string::npos);
}

TEST(Fixtures, DefaultTenantMustBeOneOfTheTenants) {
  FixtureCopy copy;
  copy.edit("users.yaml", "default_tenant: tenant-alpha", "default_tenant: tenant-charlie");
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().where.pointer, "/users/1/default_tenant");
}

TEST(Fixtures, UnknownTenantIsAnError) {
  FixtureCopy copy;
  copy.edit("items.yaml", "tenant: tenant-bravo", "tenant: tenant-zulu");
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().where.file, copy.file("items.yaml"));
  EXPECT_NE(f.error().message.find("tenant-zulu"), std::string::npos);
}

TEST(Fixtures, MissingFileIsNamed) {
  FixtureCopy copy;
  fs::remove(copy.file("scopes.yaml"));
  auto f = Fixtures::load(copy.dir());
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().where.file, copy.file("scopes.yaml"));
}

}  // namespace
}  // namespace tc
