// html_escape: the five characters HTML gives meaning to are escaped wherever they stand, runs
// between them are kept byte for byte (UTF-8 and control characters included).
#include <gtest/gtest.h>

#include "harness/report/html_report.h"

namespace tc {
namespace {

TEST(HtmlEscape, EscapesTheFiveMarkupCharactersAndKeepsEverythingElse) {
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("tenant-alpha"), "tenant-alpha");
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(html_escape("&&<<"), "&amp;&amp;&lt;&lt;");
  EXPECT_EQ(html_escape(std::string("caf\xC3\xA9 \x01 \xE9 end>")), std::string("caf\xC3\xA9 \x01 \xE9 end&gt;"));
  EXPECT_EQ(html_escape(std::string("a\0<b", 4)), std::string("a\0&lt;b", 7));
}

}  // namespace
}  // namespace tc
