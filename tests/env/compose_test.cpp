// Static checks of compose/docker-compose.yml and its Dockerfiles (no Docker daemon needed): the
// file parses; every service builds from a Dockerfile that exists or uses an image another service
// builds; every Dockerfile stage starts from Debian 12; every COPY source exists in the build context;
// every apt package is known to apt (when apt-cache is present); every topology named exists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "common/document.h"
#include "env_test_support.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using test::source_path;

// Dockerfile lines with continuations joined.
std::vector<std::string> dockerfile_instructions(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!line.empty() && line.back() == '\\') {
      current += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    out.push_back(current + line);
    current.clear();
  }
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

void check_dockerfile(const fs::path& file, const fs::path& context, std::set<std::string>& packages) {
  SCOPED_TRACE(file.string());
  ASSERT_TRUE(fs::exists(file));
  std::set<std::string> stages;
  int froms = 0;
  for (const auto& ins : dockerfile_instructions(file)) {
    auto w = words(ins);
    if (w.empty()) continue;
    if (w[0] == "FROM") {
      ++froms;
      ASSERT_GE(w.size(), 2u);
      EXPECT_TRUE(w[1] == "debian:12" || w[1] == "debian:bookworm" || stages.count(w[1])) << ins;
      if (w.size() >= 4 && w[2] == "AS") stages.insert(w[3]);
    } else if (w[0] == "COPY" && ins.find("--from=") == std::string::npos) {
      for (std::size_t i = 1; i + 1 < w.size(); ++i)
        EXPECT_TRUE(fs::exists(context / w[i])) << "COPY source missing: " << w[i];
    } else if (w[0] == "RUN" && ins.find("apt-get install") != std::string::npos) {
      for (const auto& pkg : words(ins.substr(ins.find("apt-get install") + 15))) {
        if (pkg == "&&") break;
        if (pkg[0] != '-') packages.insert(pkg);
      }
    }
  }
  EXPECT_GE(froms, 1);
}

TEST(Compose, ServicesBuildFromDebian12DockerfilesThatExist) {
  const fs::path compose_dir = source_path("compose");
  auto doc = load_document((compose_dir / "docker-compose.yml").string());
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  const json& services = doc->value.at("services");
  ASSERT_TRUE(services.is_object());
  std::set<std::string> built_images, used_images;
  std::set<std::string> dockerfiles, packages;
  for (const auto& [name, s] : services.items()) {
    SCOPED_TRACE("service " + name);
    ASSERT_TRUE(s.contains("build") || s.contains("image"));
    if (s.contains("build")) {
      const fs::path context = compose_dir / s["build"].at("context").get<std::string>();
      EXPECT_TRUE(fs::is_directory(context));
      const fs::path dockerfile = context / s["build"].at("dockerfile").get<std::string>();
      if (dockerfiles.insert(fs::weakly_canonical(dockerfile).string()).second)
        check_dockerfile(dockerfile, context, packages);
      if (s.contains("image")) built_images.insert(s["image"].get<std::string>());
    } else {
      used_images.insert(s["image"].get<std::string>());
    }
    // Topologies named by a command exist (paths are relative to the image's working folder, the repo).
    if (s.contains("command")) {
      const json& cmd = s["command"];
      ASSERT_TRUE(cmd.is_array());
      for (std::size_t i = 0; i + 1 < cmd.size(); ++i) {
        if (cmd[i] == "--env") {
          EXPECT_TRUE(fs::exists(source_path(cmd[i + 1].get<std::string>()))) << cmd[i + 1];
        }
      }
      for (const auto& arg : cmd) {
        if (arg.is_string() && arg.get<std::string>().rfind("/opt/tenantcheck/", 0) == 0) {
          EXPECT_TRUE(fs::exists(source_path(arg.get<std::string>().substr(17)))) << arg;
        }
      }
    }
  }
  for (const auto& image : used_images) EXPECT_TRUE(built_images.count(image)) << "no service builds " << image;
  EXPECT_TRUE(dockerfiles.count(fs::weakly_canonical(compose_dir / "Dockerfile.runner").string()));
  EXPECT_TRUE(dockerfiles.count(fs::weakly_canonical(compose_dir / "Dockerfile.stub").string()));
  // One apt-cache call for all packages (each call reads the whole cache); name them only on failure.
  if (std::system("command -v apt-cache >/dev/null 2>&1") != 0) GTEST_SKIP() << "no apt-cache to check packages";
  std::string all;
  for (const auto& p : packages) all += " " + p;
  if (std::system(("apt-cache show" + all + " >/dev/null 2>&1").c_str()) != 0) {
    for (const auto& p : packages) {
      EXPECT_EQ(std::system(("apt-cache show " + p + " >/dev/null 2>&1").c_str()), 0) << "unknown package " << p;
    }
  }
}

}  // namespace
}  // namespace tc
