#include "common/encoding.h"

#include <cctype>
#include <cstdio>

#include <gtest/gtest.h>

namespace tc {
namespace {

TEST(Encoding, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) EXPECT_EQ(base64_encode(plain), encoded) << plain;
}

TEST(Encoding, Base64UrlHasNoPaddingAndUrlAlphabet) {
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Encoding, Base64UrlRoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t len = 0; len <= bytes.size(); len += 7) {
    std::string in = bytes.substr(0, len);
    auto out = base64url_decode(base64url_encode(in));
    ASSERT_TRUE(out.has_value()) << len;
    EXPECT_EQ(*out, in);
  }
}

TEST(Encoding, Base64UrlDecodeAcceptsPaddingAndRejectsGarbage) {
  EXPECT_EQ(base64url_decode("Zm8=").value_or("x"), "fo");
  EXPECT_EQ(base64url_decode("Zm8").value_or("x"), "fo");
  EXPECT_FALSE(base64url_decode("Zm8+").has_value());   // standard alphabet is not base64url
  EXPECT_FALSE(base64url_decode("Z").has_value());      // impossible length
  EXPECT_FALSE(base64url_decode("Zm$v").has_value());
  EXPECT_FALSE(base64url_decode("Zm9=v").has_value());  // padding in the middle
}

TEST(Encoding, HexAndUrlEncoding) {
  EXPECT_EQ(hex_encode(std::string("\x00\x9f\xff", 3)), "009fff");
  EXPECT_EQ(url_encode("a b/c?d=é~_.-"), "a%20b%2Fc%3Fd%3D%C3%A9~_.-");
  EXPECT_EQ(url_decode("a+b%2Fc%3d%C3%A9"), "a b/c=é");
  EXPECT_EQ(url_decode("100%"), "100%");  // a stray % stays
  EXPECT_EQ(url_decode(url_encode("x&y=z +")), "x&y=z +");
}

TEST(Encoding, UrlEncodeKeepsUnreservedRunsAndEscapesEveryOtherByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const std::string encoded = url_encode(bytes);
  EXPECT_EQ(url_decode(encoded), bytes);
  // 66 unreserved bytes kept, the other 190 written as %XX.
  EXPECT_EQ(encoded.size(), 66 + 3 * 190u);
  EXPECT_EQ(url_encode("eyJhbGciOiJSUzI1NiJ9.e30.c2ln~x"), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln~x");
  EXPECT_EQ(url_encode("=="), "%3D%3D");
  EXPECT_EQ(url_encode(""), "");
}

TEST(Utf8, WellFormedTextPassesHostileBytesDoNot) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("tenant-alpha"));
  EXPECT_TRUE(is_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_utf8("caf\xe9"));            // Latin-1
  EXPECT_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xe2\x82"));          // cut short
  // ASCII is passed over eight bytes at a time: a bad byte is found at any offset of a long text.
  const std::string ascii = "GET /items/1 HTTP/1.1 Host: 127.0.0.1";
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    EXPECT_FALSE(is_utf8(ascii.substr(0, at) + "\xe9" + ascii.substr(at))) << at;
    EXPECT_TRUE(is_utf8(ascii.substr(0, at) + "\xc3\xa9" + ascii.substr(at))) << at;
  }
}

TEST(Utf8, EscapingKeepsTextAndWritesBadBytesAsHex) {
  EXPECT_EQ(escape_non_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escape_non_utf8("a\xff" "b\xe2\x82"), "a\\xffb\\xe2\\x82");
  EXPECT_TRUE(is_utf8(escape_non_utf8("\xc0\xaf\xfe")));
  // ASCII is passed over eight bytes at a time: a bad byte is found at any offset of a long text.
  const std::string ascii = "GET /items/1 HTTP/1.1 Host: 127.0.0.1";
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    EXPECT_EQ(escape_non_utf8(ascii.substr(0, at) + "\xe9" + ascii.substr(at)),
              ascii.substr(0, at) + "\\xe9" + ascii.substr(at)) << at;
    EXPECT_EQ(escape_non_utf8(ascii.substr(0, at) + "\xc3\xa9" + ascii.substr(at)),
              ascii.substr(0, at) + "\xc3\xa9" + ascii.substr(at)) << at;
  }
}

// Every byte: RFC 3986's unreserved characters as they are, each other byte as %XX (upper-case
// hex), so a form or query value reaches the platform exactly as written.
TEST(UrlEncode, KeepsTheUnreservedAndEncodesEveryOtherByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string encoded = url_encode(all);
  std::size_t at = 0;
  for (int c = 0; c < 256; ++c) {
    const bool unreserved = (std::isalnum(c) && c < 0x80) || c == '-' || c == '.' || c == '_' || c == '~';
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", c);
    const std::string want = unreserved ? std::string(1, static_cast<char>(c)) : std::string(hex);
    ASSERT_EQ(encoded.substr(at, want.size()), want) << "byte " << c;
    at += want.size();
  }
  EXPECT_EQ(at, encoded.size());
  EXPECT_EQ(percent_decode(encoded), all);
  EXPECT_EQ(url_encode("tenant alpha/ü&x=1"), "tenant%20alpha%2F%C3%BC%26x%3D1");
  EXPECT_EQ(url_encode(""), "");
}

}  // namespace
}  // namespace tc
