// Learning-rate schedules: warm-up, then constant, linear or cosine decay.
#include "schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace embplay {

LrSchedule::LrSchedule(std::string kind_, float lr_, float warmup, int64_t total)
    : kind(std::move(kind_)), lr(lr_), total_steps(std::max<int64_t>(total, 1)) {
  if (kind != "constant" && kind != "linear" && kind != "cosine")
    throw std::invalid_argument("unknown schedule: " + kind + " (constant, linear or cosine)");
  const double w = warmup >= 1 ? std::floor(double(warmup)) : std::round(double(warmup) * total_steps);
  warmup_steps = std::min<int64_t>(static_cast<int64_t>(w), total_steps);
}

float LrSchedule::at(int64_t step) const {
  if (step < warmup_steps) return lr * static_cast<float>(step + 1) / static_cast<float>(warmup_steps);
  if (kind == "constant" || total_steps <= warmup_steps) return lr;
  const double t = std::min(1.0, double(step - warmup_steps) / double(total_steps - warmup_steps));
  if (kind == "linear") return static_cast<float>(lr * (1.0 - t));
  return static_cast<float>(lr * 0.5 * (1.0 + std::cos(3.14159265358979323846 * t)));
}

}  // namespace embplay
