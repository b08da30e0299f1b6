// The message of the InputError that `body` throws ("" when it throws none), for tests that check
// what the user is told.
#pragma once

#include <functional>
#include <string>

#include "input_error.h"

namespace embplay {

inline std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace embplay
