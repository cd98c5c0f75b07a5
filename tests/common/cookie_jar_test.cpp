#include "common/cookie_jar.h"

#include <gtest/gtest.h>

#include "common/redact.h"

namespace tc {
namespace {

// Lines as libcurl's cookie engine writes them (CURLINFO_COOKIELIST).
CookieJar jar_of(std::vector<std::string> lines) {
  CookieJar jar;
  jar.replace(std::move(lines));
  return jar;
}

// An expired cookie is gone: the engine lists one set with Max-Age=0 (expiry 1) until it cleans up.
TEST(CookieJar, ReadsTheEnginesLinesLeavingExpiredCookiesOut) {
  auto jar = jar_of({"#HttpOnly_acme.photos.test\tFALSE\t/api\tTRUE\t0\tsid\tabc123",
                     "acme.photos.test\tFALSE\t/\tFALSE\t1\told\tremoved-by-max-age-0",
                     ".photos.test\tTRUE\t/\tFALSE\t1999999999\tlang\ten"});
  auto all = jar.cookies();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].domain, "acme.photos.test");
  EXPECT_TRUE(all[0].host_only);
  EXPECT_TRUE(all[0].http_only);
  EXPECT_TRUE(all[0].secure);
  EXPECT_EQ(all[0].path, "/api");
  EXPECT_EQ(all[0].name, "sid");
  EXPECT_EQ(all[0].value, "abc123");
  EXPECT_EQ(all[1].domain, "photos.test");
  EXPECT_FALSE(all[1].host_only);
  EXPECT_EQ(all[1].expires, 1999999999);
}

TEST(CookieJar, AHostSeesItsOwnCookiesAndItsParentDomainsCookies) {
  auto jar = jar_of({"acme.photos.test\tFALSE\t/\tFALSE\t0\thost_only\t1",
                     ".photos.test\tTRUE\t/\tFALSE\t0\tshared\t2",
                     "other.test\tFALSE\t/\tFALSE\t0\telsewhere\t3"});
  auto names = [&](const std::string& host) {
    std::string out;
    for (const auto& c : jar.for_host(host)) out += c.name + " ";
    return out;
  };
  EXPECT_EQ(names("acme.photos.test"), "host_only shared ");
  EXPECT_EQ(names("ACME.Photos.Test"), "host_only shared ");
  EXPECT_EQ(names("photos.test"), "shared ");
  EXPECT_EQ(names("beta.photos.test"), "shared ");      // a Domain cookie reaches sibling subdomains
  EXPECT_EQ(names("x.acme.photos.test"), "shared ");    // a host-only cookie never reaches a subdomain
  EXPECT_EQ(names("notphotos.test"), "");
}

TEST(CookieJar, CredentialLikeValuesBecomeSecretsShortFlagsDoNot) {
  register_cookie_secret("sid=s3ss10n-v4lue-9f; Path=/; HttpOnly");
  register_cookie_secret("csrf=\"quoted-token-77\"; Path=/");
  register_cookie_secret("k=t0ke; HttpOnly");   // HttpOnly: a secret even when short
  register_cookie_secret("theme=dark; Path=/");  // neither: readable
  const std::string out = global_redactor().apply("s3ss10n-v4lue-9f quoted-token-77 k=t0ke dark");
  EXPECT_EQ(out.find("s3ss10n"), std::string::npos) << out;
  EXPECT_EQ(out.find("quoted-token-77"), std::string::npos) << out;
  EXPECT_EQ(out.find("t0ke"), std::string::npos) << out;
  EXPECT_NE(out.find("dark"), std::string::npos) << out;
}

}  // namespace
}  // namespace tc
