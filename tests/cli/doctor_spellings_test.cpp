// doctor's spelling checks on answers it is handed: what each observes and which key it names.
#include "harness/cli/doctor_spellings.h"

#include <gtest/gtest.h>

#include <vector>

namespace tc::cli {
namespace {

struct Line {
  bool ok;
  std::string check, detail;
};

// The reference profile's checks of `res`, as unauthenticated() reports them.
std::vector<Line> unauthenticated_lines(const HttpResponse& res) {
  auto profile = ContractProfile::load(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
  EXPECT_TRUE(profile.ok());
  std::vector<Line> lines;
  SpellingChecks checks(*profile, [&](bool ok, const std::string&, const std::string& check, const std::string& detail) {
    lines.push_back({ok, check, detail});
  });
  checks.unauthenticated("gateway", res);
  return lines;
}

const Line* line_of(const std::vector<Line>& lines, const std::string& check) {
  for (const auto& l : lines)
    if (l.check.find(check) != std::string::npos) return &l;
  return nullptr;
}

HttpResponse refused() {
  HttpResponse res;
  res.status = 401;
  res.body = R"({"error":"unauthenticated"})";
  return res;
}

// RFC 9110 §11.6.1: challenges may come one per field; the scheme the profile names may be in any.
TEST(DoctorSpellings, TheBearerSchemeIsFoundInAnyChallengeField) {
  HttpResponse res = refused();
  res.headers.add("WWW-Authenticate", "Basic realm=\"platform\"");
  res.headers.add("WWW-Authenticate", "Bearer");
  const auto lines = unauthenticated_lines(res);
  const Line* scheme = line_of(lines, "bearer_scheme");
  ASSERT_NE(scheme, nullptr);
  EXPECT_TRUE(scheme->ok) << scheme->detail;

  HttpResponse basic_only = refused();
  basic_only.headers.add("WWW-Authenticate", "Basic realm=\"platform\"");
  const auto basic_lines = unauthenticated_lines(basic_only);
  const Line* other = line_of(basic_lines, "bearer_scheme");
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(other->ok);
  EXPECT_NE(other->detail.find("Basic"), std::string::npos) << other->detail;
}

}  // namespace
}  // namespace tc::cli
