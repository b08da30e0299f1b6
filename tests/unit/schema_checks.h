// One check for every option table (settings, word2vec, t-SNE, k-means): the schema's defaults are
// the struct's, and each number is accepted at both ends of its range and refused just outside,
// with a message naming the field. The page reads the same ranges from the schema.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "input_error.h"

namespace embplay {

// `read` turns JSON into the options (throwing InputError); `defaults` is the struct's default
// written back as JSON; `base` holds other fields a value is tried beside (where fields are also
// checked together, as the settings' held-out fractions).
inline void expect_schema_checked_at_both_ends(const nlohmann::json& schema,
                                               const std::function<void(const nlohmann::json&)>& read_options,
                                               const nlohmann::json& defaults,
                                               const nlohmann::json& base = nlohmann::json::object()) {
  const auto read = [&](const nlohmann::json& field) {
    nlohmann::json j = base;
    j.update(field);
    read_options(j);
  };
  nlohmann::json from_schema = nlohmann::json::object();
  for (const auto& f : schema) from_schema[f["name"].get<std::string>()] = f["default"];
  EXPECT_EQ(from_schema, defaults);
  for (const auto& f : schema) {
    const std::string name = f["name"];
    if (!f.contains("min")) continue;
    const double lo = f["min"], hi = f["max"], d = f["default"];
    EXPECT_GE(d, lo) << name;
    EXPECT_LE(d, hi) << name;
    const double step = f["type"] == "int" ? 1 : (hi - lo) * 1e-3;
    for (double ok : {lo, hi}) EXPECT_NO_THROW(read({{name, ok}})) << name << " = " << ok;
    for (double bad : {lo - step, hi + step}) {
      try {
        read({{name, bad}});
        ADD_FAILURE() << name << " = " << bad << " accepted";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(name + " must be"), std::string::npos) << e.what();
      }
    }
  }
  try {
    read({{"no_such_option", 1}});
    ADD_FAILURE() << "an unknown option accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_option"), std::string::npos) << e.what();
  }
}

}  // namespace embplay
