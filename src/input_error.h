// InputError: a bad setting or input the user can fix. Its message names the field or the place
// and says what is accepted; the page shows it as it is, the command-line tool prints it.
#pragma once

#include <stdexcept>

namespace embplay {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace embplay
