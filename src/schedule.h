// Learning-rate schedules: the rate of step s (0-based) of a run of `total` steps.
//   warm-up (w steps):  lr * (s + 1) / w                            for s < w
//   then, with t = (s - w) / (total - w) in [0, 1):
//     constant  lr
//     linear    lr * (1 - t)                                        to zero at the end of the run
//     cosine    lr * (1 + cos(pi t)) / 2                            to zero at the end of the run
// w is `warmup` steps when warmup >= 1, else round(warmup * total); it never exceeds total.
#pragma once

#include <cstdint>
#include <string>

namespace embplay {

struct LrSchedule {
  std::string kind = "constant";  // "constant", "linear" or "cosine"
  float lr = 0.01f;               // the peak rate
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;

  LrSchedule() = default;
  // `warmup` as in the settings: steps when >= 1, a fraction of `total` below 1.
  LrSchedule(std::string kind, float lr, float warmup, int64_t total);
  float at(int64_t step) const;
};

}  // namespace embplay
