#include "common/headers.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

TEST(Headers, StringHelpers) {
  EXPECT_TRUE(iequals("X-Tenant", "x-tenant"));
  EXPECT_FALSE(iequals("X-Tenant", "X-Tenant-Id"));
  EXPECT_EQ(to_lower("Content-TYPE"), "content-type");
  EXPECT_EQ(to_upper("basic-Z09@[`{"), "BASIC-Z09@[`{");
  // ASCII letters only: the bytes around them (@ [ ` {) and bytes of 0x80 or above stay as they are.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_TRUE(iequals("\xc3\x89t\xc3\xa9", "\xc3\x89T\xc3\xa9"));
  EXPECT_FALSE(iequals("\xc3\x89", "\xc3\xa9"));
  EXPECT_EQ(to_lower("\xc3\x89" "AZ"), "\xc3\x89" "az");
  EXPECT_EQ(trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim("   "), "");
}

TEST(Headers, AListValueSplitsIntoItsElements) {
  EXPECT_EQ(split_comma_list("a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(split_comma_list(" a , b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_comma_list("a,\tb ,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_comma_list("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_comma_list(""), (std::vector<std::string>{""}));
}

TEST(Headers, RepeatedFieldsCombineIntoOneListInOrder) {
  Headers h;
  EXPECT_EQ(h.combined("WWW-Authenticate"), std::nullopt);
  h.add("WWW-Authenticate", "Basic realm=\"r\"");
  EXPECT_EQ(h.combined("www-authenticate"), "Basic realm=\"r\"");
  h.add("Vary", "Accept");
  h.add("www-authenticate", "Bearer");
  EXPECT_EQ(h.combined("WWW-Authenticate"), "Basic realm=\"r\", Bearer");
}

TEST(Headers, KeepsOrderAndRepeatsAndComparesNamesCaselessly) {
  Headers h;
  h.add("Set-Cookie", "a=1");
  h.add("Vary", "Authorization");
  h.add("set-cookie", "b=2");
  EXPECT_EQ(h.get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.all("Set-Cookie"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_TRUE(h.has("vary"));
  EXPECT_FALSE(h.has("Location"));
  EXPECT_FALSE(h.get("Location").has_value());
  ASSERT_EQ(h.entries().size(), 3u);
  EXPECT_EQ(h.entries()[2].first, "set-cookie");  // spelled as added
}

TEST(Headers, SetReplacesEveryValueAndRemoveDropsAll) {
  Headers h;
  h.add("X-A", "1");
  h.add("x-a", "2");
  h.add("X-B", "3");
  h.set("X-a", "9");
  EXPECT_EQ(h.all("X-A"), std::vector<std::string>{"9"});
  h.remove("X-B");
  EXPECT_FALSE(h.has("x-b"));
  h.remove("x-A");
  EXPECT_TRUE(h.empty());
}

}  // namespace
}  // namespace tc
