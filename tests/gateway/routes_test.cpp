#include "stubs/gateway/forward.h"

#include <gtest/gtest.h>

#include "support/reference.h"

namespace tc::stub::gateway {
namespace {

const std::vector<Route>& routes() { return tc::testing::reference_fixtures().routes; }

TEST(RouteMatch, LiteralPathAndMethod) {
  auto m = match_route(routes(), "GET", "/api/platform/items");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->scope, "platform.read");
  EXPECT_TRUE(m.params.empty());
  auto post = match_route(routes(), "POST", "/api/platform/items");
  ASSERT_NE(post.route, nullptr);
  EXPECT_EQ(post.route->scope, "platform.write");
}

TEST(RouteMatch, ParameterSegmentCarriesItsValue) {
  auto m = match_route(routes(), "GET", "/api/scanner/items/scan-alpha-1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/scanner/items/{id}");
  EXPECT_EQ(m.params.at("id"), "scan-alpha-1");
}

TEST(RouteMatch, KnownPathOtherMethodIsTold) {
  auto m = match_route(routes(), "DELETE", "/api/platform/items");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.allowed.empty());
}

TEST(RouteMatch, UnknownPathIsNotKnown) {
  for (const char* path : {"/api/platform", "/api/platform/items/a/b", "/nope", "/api/platform/items/", ""}) {
    auto m = match_route(routes(), "GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(RouteMatch, LiteralRouteWinsOverParameterRoute) {
  std::vector<Route> table = {{"GET", "/x/{id}", "platform", "", "s1", "", true},
                              {"GET", "/x/special", "platform", "", "s2", "", true}};
  auto m = match_route(table, "GET", "/x/special");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->scope, "s2");
  EXPECT_EQ(match_route(table, "GET", "/x/other").route->scope, "s1");
}

TEST(FitPath, SegmentsCompareOneByOneAndParametersTakeOneNonEmptySegment) {
  auto fit = fit_path("/a/{id}/b", "/a/1/b");
  ASSERT_TRUE(fit);
  EXPECT_EQ(*fit, (PathParams{{"id", "1"}}));
  for (const char* path : {"/a//b", "/a/1/b/", "/a/1", "a/1/b", "/a/1/b/c", "/A/1/b"})
    EXPECT_FALSE(fit_path("/a/{id}/b", path)) << path;
  EXPECT_TRUE(fit_path("", ""));
  EXPECT_TRUE(fit_path("/", "/"));
  EXPECT_FALSE(fit_path("/", ""));
  EXPECT_FALSE(fit_path("", "/"));
  EXPECT_EQ(fill_path("/a/{x}/{y}/", {{"x", "1/2"}}), "/a/1%2F2/{y}/");
  EXPECT_EQ(fill_path("", {}), "");
}

TEST(RouteMatch, PathTenantRouteAndItsUpstream) {
  auto m = match_route(routes(), "GET", "/v1/tenant-bravo/platform/items");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->tenant_param, "tenantId");
  EXPECT_EQ(m.params.at("tenantId"), "tenant-bravo");
  EXPECT_EQ(upstream_path(*m.route, m.params), "/api/platform/items");
}

TEST(UpstreamPath, OwnPathWithParametersEncoded) {
  Route r{"GET", "/api/graph/items/{id}", "graph", "", "graph.read", "", true};
  EXPECT_EQ(upstream_path(r, {{"id", "node-alpha-1"}}), "/api/graph/items/node-alpha-1");
  EXPECT_EQ(upstream_path(r, {{"id", "a b?"}}), "/api/graph/items/a%20b%3F");
}

}  // namespace
}  // namespace tc::stub::gateway
