// The one way input files are read (common/input_file.h) and what a document made of one may cost
// (common/document.h): real files, FIFOs and devices, numbers at the edge of a double, aliases.
#include "common/input_file.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "common/document.h"
#include "common/json_match.h"
#include "support/temp_dir.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

TEST(InputFile, ReadsARegularFileWhole) {
  testing::TempDir s;
  auto text = read_input_file(s.write("a.yaml", std::string(100000, 'x')));
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  EXPECT_EQ(text->size(), 100000u);
}

TEST(InputFile, RefusesDevicesFifosAndFoldersAtOnce) {
  testing::TempDir s;
  ASSERT_EQ(mkfifo((s.path / "fifo").c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& path : {std::string("/dev/zero"), std::string("/dev/urandom"), (s.path / "fifo").string(), s.path.string()}) {
    auto text = read_input_file(path);
    ASSERT_FALSE(text.ok()) << path;
    EXPECT_EQ(text.error().kind, ErrorKind::input);
    EXPECT_EQ(text.error().where.file, path);
    EXPECT_NE(text.error().message.find("not a regular file"), std::string::npos) << text.error().message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(InputFile, RefusesAFileOverTheCapAndSaysTheCap) {
  testing::TempDir s;
  const std::string path = s.write("big.yaml", std::string(2048, 'x'));
  EXPECT_TRUE(read_input_file(path, 2048).ok());
  auto over = read_input_file(path, 2047);
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("file too large"), std::string::npos) << over.error().message;
}

TEST(InputFile, AMissingFileSaysSo) {
  auto text = read_input_file("/nonexistent/x.yaml");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("No such file"), std::string::npos) << text.error().message;
}

TEST(InputFile, PathWithinResolvesDotDotAndLinks) {
  testing::TempDir s;
  fs::create_directories(s.path / "pack" / "steps");
  s.write("pack/steps/a.yaml", "steps: []\n");
  s.write("outside.yaml", "steps: []\n");
  fs::create_symlink(s.path / "outside.yaml", s.path / "pack" / "steps" / "link.yaml");
  const std::vector<std::string> pack{(s.path / "pack").string()};
  EXPECT_TRUE(path_within((s.path / "pack" / "steps" / "a.yaml").string(), pack));
  EXPECT_TRUE(path_within((s.path / "pack" / "steps" / ".." / "steps" / "a.yaml").string(), pack));
  EXPECT_TRUE(path_within((s.path / "pack" / "steps" / "new.yaml").string(), pack));
  EXPECT_FALSE(path_within((s.path / "pack" / ".." / "outside.yaml").string(), pack));
  EXPECT_FALSE(path_within((s.path / "pack" / "steps" / "link.yaml").string(), pack));
  EXPECT_FALSE(path_within((s.path / "pack-other" / "a.yaml").string(), pack));  // a sibling sharing a prefix
  EXPECT_FALSE(path_within("/etc/shadow", pack));
  EXPECT_TRUE(path_within((s.path / "outside.yaml").string(), {s.path.string()}));
}

std::string error_of(const std::string& text) {
  auto doc = parse_document(text, "t.yaml");
  return doc.ok() ? std::string("(parsed)") : doc.error().to_string();
}

TEST(DocumentLimits, NumbersNoDoubleHoldsAreErrorsWithTheirLine) {
  EXPECT_EQ(error_of("a: 1\nb: 1e400\n"),
            "t.yaml:2: /b: number '1e400' is out of range (a number must fit a 64-bit float: about 1e-308 to 1e308)");
  EXPECT_NE(error_of("a: [1, -1e-400]\n").find("t.yaml:1: /a/1: number '-1e-400' is out of range"), std::string::npos);
  EXPECT_NE(error_of("a:\n  b: 1" + std::string(400, '0') + "\n").find("t.yaml:2: /a/b: number"), std::string::npos);
  EXPECT_NE(error_of("a: 0x1ffffffffffffffff\n").find("must fit 64 bits"), std::string::npos);
  // Quoted, the same text is a string; an integer beyond 64 bits that a double holds is a float.
  auto doc = parse_document("a: '1e400'\nb: 18446744073709551616\nc: -9223372036854775808\n", "t.yaml");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->value["a"], "1e400");
  EXPECT_DOUBLE_EQ(doc->value["b"].get<double>(), 18446744073709551616.0);
  EXPECT_EQ(doc->value["c"].get<std::int64_t>(), INT64_MIN);
}

TEST(DocumentLimits, AnAliasBombStopsAtTheBudgetQuickly) {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string error = error_of(text);
  EXPECT_NE(error.find("expands to more than 200000 values (YAML aliases?)"), std::string::npos) << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(DocumentLimits, AValueInsideAnAliasIsFoundAtTheLineTheAliasIsWrittenOn) {
  auto doc = parse_document("base: &b\n  x: 1\n  y: [2, 3]\nlist:\n  - first\n  - *b\ncopy: *b\n", "t.yaml");
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  EXPECT_EQ(doc->line_of("/base/y/1"), 3);   // the anchor's own values keep their lines
  EXPECT_EQ(doc->line_of("/copy"), 7);
  EXPECT_EQ(doc->line_of("/copy/y/1"), 7);   // a copy's values: the alias's line, not the anchor's
  EXPECT_EQ(doc->line_of("/list/1/x"), 6);   // an alias item of a list: the line of the alias
}

TEST(DocumentLimits, AnAliasInsideItsOwnAnchorIsAnErrorNotAStackOverflow) {
  const std::string error = error_of("a: &a [1, *a]\n");
  EXPECT_EQ(error, "t.yaml:1: /a/1: a YAML alias inside its own anchor (*a)");
  EXPECT_NE(error_of(std::string(200, '[') + std::string(200, ']') + "\n").find("nested deeper than 128"),
            std::string::npos);
  EXPECT_EQ(error_of(std::string(100, '[') + std::string(100, ']') + "\n"), "(parsed)");
}

TEST(DocumentLimits, TooManyAliasUsesAreAnError) {
  std::string text = "a: &a x\nb: [";
  for (int i = 0; i <= 10000; ++i) text += i ? ", *a" : "*a";
  text += "]\n";
  EXPECT_NE(error_of(text).find("t.yaml:2: /b/10000: too many YAML aliases (more than 10000)"), std::string::npos)
      << error_of(text);
}

// A lone ',' once read as an endless run of empty documents (found by fuzz_scenario_loader): one error.
TEST(DocumentLimits, TextTheParserCannotGetPastIsASyntaxErrorNotAnEndlessLoop) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(error_of(","), "t.yaml:1: syntax error: unexpected ','");
  EXPECT_EQ(error_of("# a comment\n,\n  :\n"), "t.yaml:2: syntax error: unexpected ','");
  EXPECT_EQ(error_of("a: 1\n---\nb: 2\n"), "t.yaml:2: expected one document, found more");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// An anchor is not copied until an alias uses it: anchors nested in each other around a large value
// cost that value once, not once per level (here 8 MiB inside 120 levels: about 1 GB if copied).
TEST(DocumentLimits, NestedAnchorsAreNotCopiedPerLevel) {
  const int levels = 120;
  std::string text = "big: &s \"" + std::string(8u << 20, 'x') + "\"\nnest: ";
  for (int i = 0; i < levels; ++i) text += "&a" + std::to_string(i) + " [";
  text += "*s";
  text += std::string(levels, ']') + "\n";
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  auto doc = parse_document(text, "t.yaml");
  getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  std::string pointer = "/nest";
  for (int i = 1; i < levels; ++i) pointer += "/0";
  EXPECT_EQ(find_pointer(doc->value, pointer + "/0")->get_ref<const std::string&>().size(), 8u << 20);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256L << 10) << "kB more at the peak";  // kB
}

// Keys count too: an alias used as a key is an alias use, and a key's text is text of the document.
TEST(DocumentLimits, AliasKeysAreCountedAndReadAsScalars) {
  std::string text = "a: &k x\nl: [";
  for (int i = 0; i <= 10000; ++i) text += i ? ", {*k : 1}" : "{*k : 1}";
  text += "]\n";
  EXPECT_NE(error_of(text).find("too many YAML aliases (more than 10000)"), std::string::npos) << error_of(text).substr(0, 200);
  EXPECT_EQ(error_of("a: &n ~\n*n : 1\n"), "t.yaml:2: mapping keys must be scalars");
  EXPECT_NE(error_of("&k 1e400: a\nb: *k\n").find("t.yaml:2: /b: number '1e400' is out of range"), std::string::npos)
      << error_of("&k 1e400: a\nb: *k\n");
  auto doc = parse_document("&k 1: a\nb: *k\n", "t.yaml");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->value["b"], 1);  // the key's text read as any plain scalar
}

TEST(DocumentLimits, AnchorsAndAliasesWithinTheBudgetAreKept) {
  auto doc = parse_document("base: &b {k: 1, l: [1, 2]}\ncopy: *b\nname: &n tenant\nagain: *n\n", "t.yaml");
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  EXPECT_EQ(doc->value["copy"], doc->value["base"]);
  EXPECT_EQ(doc->value["again"], "tenant");
}

}  // namespace
}  // namespace tc
