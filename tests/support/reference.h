// The reference profile and fixtures, loaded once per test binary (every area that needs them).
#pragma once
#include <gtest/gtest.h>

#include "common/fixtures.h"
#include "common/profile.h"

namespace tc::testing {

inline const ContractProfile& reference_profile() {
  static const ContractProfile profile = [] {
    auto p = ContractProfile::load(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
    if (!p.ok()) throw std::runtime_error(p.error().to_string());
    return *p;
  }();
  return profile;
}

inline const Fixtures& reference_fixtures() {
  static const Fixtures fixtures = [] {
    auto f = Fixtures::load(std::string(TC_SOURCE_DIR) + "/fixtures/reference");
    if (!f.ok()) throw std::runtime_error(f.error().to_string());
    return *f;
  }();
  return fixtures;
}

}  // namespace tc::testing
