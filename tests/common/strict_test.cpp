#include "common/strict.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

Document parse_ok(const std::string& text) { return parse_document(text, "t.yaml").value(); }

// The error a reader throws, as the boundary returns it.
template <class F>
Error rejected(F&& read) {
  auto r = read_strictly(std::forward<F>(read));
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(Strict, AnUnknownKeyNamesFileLinePointerAndTheAllowedKeys) {
  const Document d = parse_ok("name: x\nsteps: []\nstesp: 1\n");
  const StrictReader r(d);
  Error e = rejected([&] { r.object(d.value, "", {"name", "steps"}); });
  EXPECT_EQ(e.kind, ErrorKind::input);
  EXPECT_EQ(e.to_string(), "t.yaml:3: /stesp: unknown key 'stesp' (expected one of: name, steps)");
}

TEST(Strict, TheFirstUnknownKeyInFileOrderIsReported) {
  const Document d = parse_ok("zeta: 1\nalpha: 2\n");
  const StrictReader r(d);
  EXPECT_EQ(rejected([&] { r.object(d.value, "", {"name"}); }).where.pointer, "/zeta");
}

TEST(Strict, EachKindOfMistakeHasOneWording) {
  const Document d = parse_ok("m:\n  a: [1]\n  b: ''\n  n: -3\n");
  const StrictReader r(d);
  const json& m = d.value["m"];
  EXPECT_EQ(rejected([&] { r.object(m, "/m", {"a", "b", "n"}, {"c"}); }).to_string(),
            "t.yaml:1: /m: missing required key 'c'");
  EXPECT_EQ(rejected([&] { r.string(m["a"], "/m/a"); }).to_string(), "t.yaml:2: /m/a: expected a string, got a list");
  EXPECT_EQ(rejected([&] { r.strings(m["a"], "/m/a"); }).to_string(),
            "t.yaml:2: /m/a/0: expected a string, got an integer");
  EXPECT_EQ(rejected([&] { r.positive(m["n"], "/m/n", 10, "seconds"); }).message,
            "expected a positive integer (seconds), got -3");
  EXPECT_EQ(rejected([&] { r.positive(json(11), "/m/n", 10, "seconds"); }).message, "expected at most 10 (seconds), got 11");
  EXPECT_EQ(r.positive(json(10), "/m/n", 10, "seconds"), 10);
  EXPECT_EQ(rejected([&] { r.one_of(m["b"].get<std::string>(), "/m/b", {"x", "y"}); }).message,
            "expected one of: x, y, got ''");
  EXPECT_EQ(rejected([&] { r.array(json::array(), "/m", true); }).message, "expected a non-empty list");
  EXPECT_EQ(rejected([&] { r.regex(json("(("), "/m/b"); }).message.rfind("invalid regular expression", 0), 0u);
  EXPECT_EQ(rejected([&] { r.missing("/m", "secret", "a confidential client"); }).message,
            "missing required key 'secret' (a confidential client)");
}

TEST(Strict, ReadStrictlyReturnsTheValueOrTheError) {
  const Document d = parse_ok("n: 5\n");
  const StrictReader r(d);
  auto ok = read_strictly([&] { return r.positive(d.value["n"], "/n", 10, "seconds"); });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  auto done = read_strictly([&] { r.map(d.value, ""); });
  EXPECT_TRUE(done.ok());
}

TEST(Strict, KeysComeInFileOrderNotTheModelsSortedOrder) {
  const Document d = parse_ok("rows:\n  - {zeta: 1, alpha: 2, mid: 3}\n");
  EXPECT_EQ(d.keys_of("/rows/0"), (std::vector<std::string>{"zeta", "alpha", "mid"}));
  // A node the file did not write (rendered, or parsed as JSON) falls back to the model's keys.
  EXPECT_EQ(d.keys_of("/other", json{{"b", 1}, {"a", 2}}), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace tc
