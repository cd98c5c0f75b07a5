#include "harness/report/junit_read.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace tc {
namespace {

std::string unescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, text] : kEntities)
    for (std::size_t at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1))
      s.replace(at, std::char_traits<char>::length(entity), text);
  return s;
}

std::string attribute(const std::string& tag, const std::string& name) {
  const std::regex re("\\s" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? unescape(m[1].str()) : std::string();
}

// The first `text` at or after `from` that is not inside a CDATA section (a transcript may hold any text).
std::size_t find_outside_cdata(const std::string& xml, const std::string& text, std::size_t from) {
  static const std::string cdata_open = "<![CDATA[", cdata_close = "]]>";
  for (;;) {
    const std::size_t hit = xml.find(text, from), cdata = xml.find(cdata_open, from);
    if (hit == std::string::npos || cdata == std::string::npos || hit < cdata) return hit;
    const std::size_t cdata_end = xml.find(cdata_close, cdata + cdata_open.size());
    if (cdata_end == std::string::npos) return std::string::npos;
    from = cdata_end + cdata_close.size();
  }
}

Where where(const std::string& file) {
  Where w;
  w.file = file;
  return w;
}

}  // namespace

Result<std::vector<JunitCase>> read_junit(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error(where(path), "cannot read the JUnit file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string xml = buffer.str();
  if (xml.find("<testsuites") == std::string::npos) return input_error(where(path), "no <testsuites> element");

  // <testcase …/> or <testcase …>…</testcase>; a testcase holds no nested testcase. Found with plain
  // searches: failure bodies carry whole transcripts, too long for a backtracking regex.
  std::vector<JunitCase> cases;
  const std::string open = "<testcase", close = "</testcase>", req = "<property name=\"requirements\" value=\"";
  for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at)) {
    const std::size_t tag_end = xml.find('>', at);
    if (tag_end == std::string::npos) return input_error(where(path), "a <testcase> tag is not closed");
    const std::string tag = xml.substr(at, tag_end - at);
    std::string body;
    at = tag_end + 1;
    if (xml[tag_end - 1] != '/') {
      const std::size_t body_end = find_outside_cdata(xml, close, tag_end);
      if (body_end == std::string::npos) return input_error(where(path), "a <testcase> element is not closed");
      body = xml.substr(tag_end + 1, body_end - tag_end - 1);
      at = body_end + close.size();
    }
    JunitCase c;
    c.suite = attribute(tag, "classname");
    c.name = attribute(tag, "name");
    // GoogleTest writes <failure>s (their transcripts in CDATA) before <properties>.
    auto has = [&body](const std::string& text) { return find_outside_cdata(body, text, 0) != std::string::npos; };
    c.outcome = has("<failure") ? "failed" : has("<skipped") || attribute(tag, "result") == "skipped" ? "skipped" : "passed";
    if (std::size_t r = find_outside_cdata(body, req, 0); r != std::string::npos) {
      r += req.size();
      std::stringstream ids(unescape(body.substr(r, body.find('"', r) - r)));
      for (std::string id; std::getline(ids, id, ',');)
        if (!id.empty()) c.requirements.push_back(id);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace tc
