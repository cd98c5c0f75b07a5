#include "common/json_match.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

using nlohmann::json;

TEST(JsonMatch, FindPointer) {
  json doc = json::parse(R"({"a":{"b/c":[10,{"d~e":true}]},"":1})");
  ASSERT_NE(find_pointer(doc, ""), nullptr);
  EXPECT_EQ(*find_pointer(doc, ""), doc);
  EXPECT_EQ(*find_pointer(doc, "/a/b~1c/0"), 10);
  EXPECT_EQ(*find_pointer(doc, "/a/b~1c/1/d~0e"), true);
  EXPECT_EQ(*find_pointer(doc, "/"), 1);
  EXPECT_EQ(find_pointer(doc, "/a/b~1c/2"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/b~1c/01"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/b~1c/-"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/x"), nullptr);
  EXPECT_EQ(find_pointer(doc, "a"), nullptr);      // malformed: no leading slash
  EXPECT_EQ(find_pointer(doc, "/a/b~2c"), nullptr);  // malformed escape
  EXPECT_EQ(find_pointer(doc, "/a/b~1c/0/deeper"), nullptr);
}

TEST(JsonMatch, SubsetOfObjects) {
  json actual = json::parse(R"({"a":1,"b":{"c":"x","d":[1,2]},"e":null})");
  EXPECT_FALSE(subset_mismatch(json::parse(R"({"a":1})"), actual));
  EXPECT_FALSE(subset_mismatch(json::parse(R"({"b":{"c":"x"}})"), actual));
  EXPECT_FALSE(subset_mismatch(json::parse(R"({"e":null})"), actual));
  auto m = subset_mismatch(json::parse(R"({"b":{"c":"y"}})"), actual);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, "at /b/c: expected \"y\", actual \"x\"");
  auto absent = subset_mismatch(json::parse(R"({"z":1})"), actual);
  ASSERT_TRUE(absent);
  EXPECT_NE(absent->find("at /z"), std::string::npos);
  EXPECT_TRUE(subset_mismatch(json::parse(R"({"a":{}})"), actual));
}

TEST(JsonMatch, ArraysMatchDistinctElementsInAnyOrder) {
  json actual = json::parse(R"([{"id":"a","t":1},{"id":"b","t":2}])");
  EXPECT_FALSE(subset_mismatch(json::parse(R"([{"id":"b"},{"id":"a"}])"), actual));
  EXPECT_FALSE(subset_mismatch(json::parse(R"([])"), actual));
  EXPECT_TRUE(subset_mismatch(json::parse(R"([{"id":"a"},{"id":"a"}])"), actual));  // distinct
  EXPECT_TRUE(subset_mismatch(json::parse(R"([{"id":"c"}])"), actual));
  EXPECT_TRUE(subset_mismatch(json::parse(R"([1])"), json::parse(R"({"0":1})")));
}

TEST(JsonMatch, NumbersCompareByValue) {
  EXPECT_FALSE(subset_mismatch(json(1), json(1.0)));
  EXPECT_FALSE(subset_mismatch(json(2.0), json(2)));
  EXPECT_FALSE(subset_mismatch(json(3u), json(3)));
  EXPECT_TRUE(subset_mismatch(json(1), json(1.5)));
  EXPECT_TRUE(subset_mismatch(json(1), json("1")));
  EXPECT_TRUE(subset_mismatch(json(true), json(1)));
}

TEST(JsonMatch, TypeNames) {
  EXPECT_EQ(json_type_name(json()), "null");
  EXPECT_EQ(json_type_name(json(true)), "boolean");
  EXPECT_EQ(json_type_name(json(3)), "integer");
  EXPECT_EQ(json_type_name(json(3.5)), "number");
  EXPECT_EQ(json_type_name(json("s")), "string");
  EXPECT_EQ(json_type_name(json::array()), "array");
  EXPECT_EQ(json_type_name(json::object()), "object");
  EXPECT_TRUE(is_of_type(json(3), "number"));
  EXPECT_TRUE(is_of_type(json(3), "integer"));
  EXPECT_TRUE(is_of_type(json(3.0), "integer"));
  EXPECT_FALSE(is_of_type(json(3.5), "integer"));
  EXPECT_FALSE(is_of_type(json("3"), "number"));
  EXPECT_TRUE(is_of_type(json::object(), "object"));
}

}  // namespace
}  // namespace tc
