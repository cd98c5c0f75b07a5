#include "common/echo_shape.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

Headers received() {
  Headers h;
  h.add("X-Tenant", "north-wind");
  h.add("X-Tenant", "south-star");
  h.add("x-actor", "u-1");
  return h;
}

TEST(EchoShape, ListsUnderLowerCaseNamesRoundTrip) {
  auto shape = EchoShape::from_profile(json{{"echo", {{"headers_at", "/headers"}, {"values", "list"}, {"names", "lower"}}}});
  ASSERT_TRUE(shape.ok());
  json body = shape->body(received());
  EXPECT_EQ(body["headers"]["x-tenant"], json({"north-wind", "south-star"}));
  auto back = shape->received(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->all("X-TENANT"), (std::vector<std::string>{"north-wind", "south-star"}));
}

TEST(EchoShape, OneStringPerHeaderAsReceivedIsOneValue) {
  auto shape = EchoShape::from_profile(
      json{{"echo", {{"headers_at", "/request/headers"}, {"values", "string"}, {"names", "as_received"}}}});
  ASSERT_TRUE(shape.ok());
  json body = shape->body(received());
  EXPECT_EQ(body["request"]["headers"]["X-Tenant"], "north-wind, south-star");
  EXPECT_EQ(body["request"]["headers"]["x-actor"], "u-1");
  auto back = shape->received(body);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->all("x-tenant"), (std::vector<std::string>{"north-wind, south-star"}));
  EXPECT_FALSE(shape->received(json{{"headers", json::object()}}).ok());
}

TEST(EchoShape, UnknownValuesAreInputErrors) {
  EXPECT_FALSE(EchoShape::from_profile(json{{"echo", {{"headers_at", "headers"}, {"values", "list"}, {"names", "lower"}}}}).ok());
  EXPECT_FALSE(EchoShape::from_profile(json{{"echo", {{"headers_at", "/h"}, {"values", "set"}, {"names", "lower"}}}}).ok());
  EXPECT_FALSE(EchoShape::from_profile(json::object()).ok());
}

}  // namespace
}  // namespace tc
