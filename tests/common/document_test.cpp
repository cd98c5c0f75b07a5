#include "common/document.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace tc {
namespace {

Document parse_ok(const std::string& text) {
  auto doc = parse_document(text, "t.yaml");
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().to_string());
  return doc.ok() ? doc.value() : Document{};
}

TEST(Document, PlainScalarsFollowYaml12CoreTypes) {
  Document d = parse_ok(
      "a: null\nb: ~\nc:\nd: true\ne: False\nf: 42\ng: -7\nh: 1.5\ni: 2e3\nj: hello\nk: '42'\nl: \"true\"\n"
      "m: 0x1f\nn: 12abc\n");
  EXPECT_TRUE(d.value["a"].is_null());
  EXPECT_TRUE(d.value["b"].is_null());
  EXPECT_TRUE(d.value["c"].is_null());
  EXPECT_EQ(d.value["d"], true);
  EXPECT_EQ(d.value["e"], false);
  EXPECT_TRUE(d.value["f"].is_number_integer());
  EXPECT_EQ(d.value["f"].get<std::int64_t>(), 42);
  EXPECT_EQ(d.value["g"].get<std::int64_t>(), -7);
  EXPECT_TRUE(d.value["h"].is_number_float());
  EXPECT_DOUBLE_EQ(d.value["h"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(d.value["i"].get<double>(), 2000.0);
  EXPECT_EQ(d.value["j"], "hello");
  EXPECT_EQ(d.value["k"], "42");     // quoted: always a string
  EXPECT_EQ(d.value["l"], "true");
  EXPECT_EQ(d.value["m"].get<std::int64_t>(), 31);
  EXPECT_EQ(d.value["n"], "12abc");
}

TEST(Document, RecordsOneBasedLinesByPointer) {
  Document d = parse_ok("# comment\nlist:\n  - x: 1\n    y/z: 2\n  - 3\nname: n\n");
  EXPECT_EQ(d.line_of("/list"), 2);
  EXPECT_EQ(d.line_of("/list/0"), 3);
  EXPECT_EQ(d.line_of("/list/0/x"), 3);
  EXPECT_EQ(d.line_of("/list/0/y~1z"), 4);
  EXPECT_EQ(d.line_of("/list/1"), 5);
  EXPECT_EQ(d.line_of("/name"), 6);
  EXPECT_EQ(d.line_of("/list/0/absent/deeper"), 3);  // nearest ancestor
  Where w = d.where("/list/1");
  EXPECT_EQ(w.file, "t.yaml");
  EXPECT_EQ(w.line, 5);
  EXPECT_EQ(w.pointer, "/list/1");
}

TEST(Document, SyntaxErrorNamesFileAndLine) {
  auto doc = parse_document("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::input);
  EXPECT_EQ(doc.error().where.file, "bad.yaml");
  EXPECT_GE(doc.error().where.line, 2);
  EXPECT_NE(doc.error().to_string().find("bad.yaml:"), std::string::npos);
}

TEST(Document, ATabIndentingALineIsNamedAtItsLine) {
  auto r = parse_document("scenarios:\n  - name: x\n    steps:\n\t  - name: s\n", "tabbed.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where.line, 4);
  EXPECT_NE(r.error().message.find("a tab character indents this line"), std::string::npos) << r.error().to_string();
  // A tab inside a value is no indentation: the file parses.
  EXPECT_TRUE(parse_document("a: \"x\ty\"\nb: c\td\n", "ok.yaml").ok());
}

TEST(Document, DuplicateKeyIsAnErrorWithItsLine) {
  auto doc = parse_document("a: 1\nb:\n  c: 1\n  c: 2\n", "dup.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().where.line, 4);
  EXPECT_EQ(doc.error().where.pointer, "/b/c");
  EXPECT_NE(doc.error().message.find("duplicate key 'c'"), std::string::npos);
}

TEST(Document, NonScalarKeyIsAnError) {
  auto doc = parse_document("? [a, b]\n: 1\n", "k.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().message.find("scalar"), std::string::npos);
}

TEST(Document, TaggedAndBlockScalarsAreStrings) {
  Document d = parse_ok("a: !!str 12\nb: ! true\nc: |\n  12\nd: >-\n  null\ne: !!str\n");
  EXPECT_EQ(d.value["a"], "12");
  EXPECT_EQ(d.value["b"], "true");
  EXPECT_EQ(d.value["c"], "12\n");
  EXPECT_EQ(d.value["d"], "null");
  EXPECT_EQ(d.value["e"], "");  // an empty scalar tagged a string is the empty string, not null
  EXPECT_EQ(d.line_of("/c"), 3);
  EXPECT_EQ(d.line_of("/e"), 7);
}

TEST(Document, AnAliasNamesTheLatestAnchorOfItsName) {
  Document d = parse_ok("a: &x 1\nb: *x\nc: &x [2]\nd: *x\n");
  EXPECT_EQ(d.value["b"], 1);
  EXPECT_EQ(d.value["d"], nlohmann::json::array({2}));
  auto none = parse_document("a: 1\nb: *nowhere\n", "t.yaml");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().to_string(), "t.yaml:2: /b: a YAML alias of no anchor before it (*nowhere)");
  // Redefined around itself: the alias inside is of the open node, not of the earlier one.
  auto inside = parse_document("a: &x 1\nb: &x [*x]\n", "t.yaml");
  ASSERT_FALSE(inside.ok());
  EXPECT_EQ(inside.error().to_string(), "t.yaml:2: /b/0: a YAML alias inside its own anchor (*x)");
  // The same when the alias is a key; a key that aliases a list or map is no scalar.
  EXPECT_EQ(parse_document("a: 1\n*nowhere : 2\n", "t.yaml").error().to_string(),
            "t.yaml:2: a YAML alias of no anchor before it (*nowhere)");
  EXPECT_EQ(parse_document("a: &x\n  *x : 2\n", "t.yaml").error().to_string(),
            "t.yaml:2: /a: a YAML alias inside its own anchor (*x)");
  EXPECT_EQ(parse_document("a: &x [1]\nb: {*x : 2}\n", "t.yaml").error().to_string(),
            "t.yaml:2: /b: mapping keys must be scalars");
  EXPECT_EQ(parse_ok("a: &x k\nb: {*x : 2}\n").value["b"]["k"], 2);
}

// A map's keys keep the file's order (the model sorts them), in an alias's copy too, at every
// depth of it, an alias of an alias included; a sibling whose pointer shares the anchor's prefix
// ("/base2") is not part of the copy.
TEST(Document, KeysKeepTheFileOrderInAnAliasCopy) {
  Document d = parse_ok(
      "base: &b {z: 1, a: {y: 2, b: [{q: 1, p: 2}]}}\n"
      "base2: {n: 1, m: 2}\n"
      "copy: *b\n"
      "list: [&l {s: 1, r: 2}, *l]\n"
      "again: {w: *b}\n");
  using Keys = std::vector<std::string>;
  EXPECT_EQ(d.keys_of(""), (Keys{"base", "base2", "copy", "list", "again"}));
  EXPECT_EQ(d.keys_of("/copy"), (Keys{"z", "a"}));
  EXPECT_EQ(d.keys_of("/copy/a"), (Keys{"y", "b"}));
  EXPECT_EQ(d.keys_of("/copy/a/b/0"), (Keys{"q", "p"}));
  EXPECT_EQ(d.keys_of("/list/1"), (Keys{"s", "r"}));
  EXPECT_EQ(d.keys_of("/again/w/a/b/0"), (Keys{"q", "p"}));
  EXPECT_EQ(d.keys_of("/base2"), (Keys{"n", "m"}));
  EXPECT_EQ(d.key_order.count("/copy2"), 0u);
  EXPECT_EQ(d.line_of("/copy/a/y"), 3);  // a copy's values are found at the alias's line
}

TEST(Document, TextThatIsNotUtf8IsAnErrorAtItsLine) {
  auto r = parse_document("a: 1\nb: \"caf\xe9\"\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string(), "t.yaml:2: not UTF-8 text: invalid trailing UTF-8 octet at byte 13");
  // UTF-8 text may still hold a character YAML leaves out.
  auto control = parse_document("a: 1\nb: x\x1by\n", "t.yaml");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().to_string(), "t.yaml:2: a character YAML does not allow (U+001B) at byte 9");
  // The character a syntax error names is found however many bytes the characters before it take.
  EXPECT_EQ(parse_document("# \xC3\xA9\xC3\xA9\nkey: ]\n", "t.yaml").error().to_string(), "t.yaml:2: syntax error: unexpected ']'");
  EXPECT_EQ(parse_document("\xEF\xBB\xBF" "a: 1\nb: ,\n", "t.yaml").error().to_string(), "t.yaml:2: syntax error: unexpected ','");
  // An escape in a double-quoted scalar is a character, kept as UTF-8.
  EXPECT_EQ(parse_ok("a: \"caf\\xe9\"\n").value["a"], "caf\xc3\xa9");
}

TEST(Document, LoadsJsonFilesWithLines) {
  auto path = std::filesystem::temp_directory_path() / ("tc_document_test_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path);
    out << "{\n  \"name\": \"x\",\n  \"n\": 3,\n  \"f\": 0.25,\n  \"list\": [true, null, \"s\"]\n}\n";
  }
  auto doc = load_document(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  EXPECT_EQ(doc->value["name"], "x");
  EXPECT_TRUE(doc->value["n"].is_number_integer());
  EXPECT_TRUE(doc->value["f"].is_number_float());
  EXPECT_EQ(doc->value["list"], nlohmann::json::parse(R"([true, null, "s"])"));
  EXPECT_EQ(doc->line_of("/n"), 3);
  EXPECT_EQ(doc->line_of("/list"), 5);
}

TEST(Document, MissingFileNamesTheFile) {
  auto doc = load_document("/nonexistent/dir/file.yaml");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().kind, ErrorKind::input);
  EXPECT_EQ(doc.error().where.file, "/nonexistent/dir/file.yaml");
}

TEST(Document, PointerJoinEscapes) {
  EXPECT_EQ(pointer_join("/a", "b/c"), "/a/b~1c");
  EXPECT_EQ(pointer_join("", "m~n"), "/m~0n");
  EXPECT_EQ(pointer_join("/a", std::size_t{3}), "/a/3");
  EXPECT_EQ(pointer_join("", ""), "/");
  EXPECT_EQ(pointer_join("/a", "~/~~//x"), "/a/~0~1~0~0~1~1x");
  EXPECT_EQ(pointer_join("/a", "application/json"), "/a/application~1json");
  EXPECT_EQ(pointer_join("", std::size_t{0}), "/0");
  EXPECT_EQ(pointer_join("/steps", std::size_t{18446744073709551615ULL}), "/steps/18446744073709551615");
}

}  // namespace
}  // namespace tc
