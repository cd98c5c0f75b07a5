#include "common/json_text.h"

#include <gtest/gtest.h>

namespace tc {
namespace {

using nlohmann::json;

// Writes `v` through the writer, container by container, as a report writer would; each scalar as
// its C++ type, or as a whole JSON value when `whole_scalars`.
void write(JsonWriter& w, const json& v, bool whole_scalars = false) {
  if (v.is_object()) {
    w.begin_object();
    for (const auto& [k, item] : v.items()) {
      w.key(k);
      write(w, item, whole_scalars);
    }
    w.end_object();
  } else if (v.is_array()) {
    w.begin_array();
    for (const auto& item : v) write(w, item, whole_scalars);
    w.end_array();
  } else if (whole_scalars) {
    w.value(v);
  } else if (v.is_string()) {
    w.value(v.get_ref<const std::string&>());
  } else if (v.is_boolean()) {
    w.value(v.get<bool>());
  } else if (v.is_number_unsigned()) {
    w.value(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    w.value(v.get<std::int64_t>());
  } else if (v.is_number_float()) {
    w.value(v.get<double>());
  } else {
    w.value(v);
  }
}

TEST(JsonWriter, WritesWhatJsonTextWritesOnOneLineAndIndented) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  const json doc = {
      {"text", "a \"quoted\" back\\slash, a tab\t and a line\nbreak, é and \xF0\x9F\x94\x91, DEL \x7F"},
      {"controls", controls},
      {"not utf-8", "caf\xE9 \xC0\xAF end"},
      {"a surrogate alone", "\xED\xA0\x80"},
      {"numbers", {0, -7, 1234567890123LL, 18446744073709551615ULL, -9223372036854775807LL - 1, 2.5, 12.0, 0.1, -0.0}},
      {"flags", {true, false, nullptr}},
      {"empty list", json::array()},
      {"empty map", json::object()},
      {"nested", {{"a", {{"b", json::array({json::object(), json::array({1})})}}}}},
  };
  for (int indent : {-1, 2, 4})
    for (bool whole_scalars : {false, true}) {
      std::string out;
      JsonWriter w(out, indent);
      write(w, doc, whole_scalars);
      EXPECT_EQ(out, json_text(doc, indent)) << "indent " << indent << (whole_scalars ? ", scalars as values" : "");
    }
}

// The same document given to value() whole: containers written member by member, not by dump().
TEST(JsonWriter, AWholeDocumentIsWhatJsonTextWrites) {
  const json doc = {{"a", {{"b", json::array({json::object(), json::array({1, 2.5, "x\ny"})})}}},
                    {"caf\xE9", {nullptr, true, -3, 18446744073709551615ULL}},
                    {"empty", json::array()}};
  for (int indent : {-1, 2}) {
    std::string out;
    JsonWriter(out, indent).value(doc);
    EXPECT_EQ(out, json_text(doc, indent)) << "indent " << indent;
  }
}

// A message shows the start of a value: every prefix is json_text's own, and a long value is cut
// short rather than written out.
TEST(JsonWriter, TheHeadOfAValueIsTheStartOfItsTextWithoutTheRest) {
  json items = json::array();
  for (int i = 0; i < 200; ++i) items.push_back({{"id", "item-" + std::to_string(i)}, {"tags", {"a", "b\"c"}}});
  const json doc = {{"items", items}, {"tenant", "tenant-alpha"}};
  const std::string whole = json_text(doc);
  for (std::size_t n : {0, 1, 7, 8, 9, 40, 300, 301}) {
    const std::string head = json_text_head(doc, n);
    ASSERT_GE(head.size(), n);
    EXPECT_EQ(head, whole.substr(0, head.size())) << "n " << n;
    EXPECT_LT(head.size(), n + 64) << "n " << n;  // a member or so past n, not the whole value
  }
  EXPECT_EQ(json_text_head(doc, whole.size()), whole);
  EXPECT_EQ(json_text_head(doc, whole.size() + 10), whole);
  EXPECT_EQ(json_text_head(json("short"), 100), "\"short\"");
}

// Plain text is passed over eight bytes at a time: a byte that needs escaping, or a byte that is
// no UTF-8, is found at every offset of a long text and beside every other kind of byte.
TEST(JsonWriter, EscapesWhatDumpEscapesAtEveryOffsetOfALongText) {
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x1f", "\x7f", " ", "!", "#", "[", "]",
                                  "\xc3\xa9", "\xf0\x9f\x94\x91", "\xe9", "\xc0\xaf", "\xed\xa0\x80"};
  const std::string plain = "tenant-alpha items/plat-alpha-1 Content-Type: application/json";
  for (const auto& special : specials)
    for (std::size_t at = 0; at <= 20; ++at) {
      const std::string text = plain.substr(0, at) + special + plain.substr(at) + special;
      std::string out;
      JsonWriter(out).value(text);
      EXPECT_EQ(out, json_text(json(text))) << "at " << at;
    }
}

// A word holding several bytes to escape, side by side or apart (a JSON body in a transcript has a
// quote every few bytes), and bytes that sit just above one of them in the word.
TEST(JsonWriter, EscapesSeveralBytesOfOneWordWhereverTheyFall) {
  const std::string specials[] = {"\"", "\\", "\n", std::string(1, '\0'), "\x1f", " ", "\x01", "!", "\x21", "\xc3\xa9", "\xe9"};
  const std::string plain = "{\"tenant\":\"tenant-alpha\",\"items\":[{\"id\":\"plat-alpha-1\"}]}";
  for (const auto& first : specials)
    for (const auto& second : specials)
      for (std::size_t at = 0; at <= 17; ++at) {
        const std::string text = plain.substr(0, at) + first + second + plain.substr(at) + first + "x" + second;
        std::string out;
        JsonWriter(out).value(text);
        EXPECT_EQ(out, json_text(json(text))) << "at " << at;
      }
}

TEST(JsonWriter, AnEmptyViewWithoutAPointerIsAnEmptyString) {
  std::string out;
  JsonWriter(out).begin_object().key(std::string_view{}).value(std::string_view{}).end_object();
  EXPECT_EQ(out, R"({"":""})");
}

TEST(JsonWriter, AWholeValueWrittenInsideKeepsTheIndentationOfWhereItGoes) {
  const json row = {{"tenant", "tenant-alpha"}, {"ids", {1, 2}}, {"none", json::array()}};
  const json doc = {{"cases", json::array({{{"row", row}, {"line", 3}}})}};
  std::string out;
  JsonWriter w(out, 2);
  w.begin_object().key("cases").begin_array().begin_object().field("line", 3).field("row", row);
  w.end_object().end_array().end_object();
  EXPECT_EQ(out, json_text(doc, 2));
  EXPECT_EQ(json::parse(out), doc);
}

TEST(JsonWriter, KeysComeInTheOrderWrittenAndListsOfTextsAsLists) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("z", "last first").field("a", std::vector<std::string>{"x", "y"}).field("m", std::vector<std::string>{});
  w.end_object();
  EXPECT_EQ(out, R"({"z":"last first","a":["x","y"],"m":[]})");
}

}  // namespace
}  // namespace tc
