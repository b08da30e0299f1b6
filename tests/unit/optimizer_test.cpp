// Schedules hit their stated values; clipping bounds the global norm; weight decay shrinks only
// weights, and in the embedding table only the rows a batch used.
#include <gtest/gtest.h>

#include <cmath>

#include "optimizer.h"
#include "schedule.h"

namespace embplay {
namespace {

TEST(Schedule, HitsItsStatedValues) {
  const LrSchedule constant("constant", 0.1f, 0, 100);
  EXPECT_FLOAT_EQ(constant.at(0), 0.1f);
  EXPECT_FLOAT_EQ(constant.at(99), 0.1f);

  const LrSchedule linear("linear", 0.1f, 0, 100);
  EXPECT_FLOAT_EQ(linear.at(0), 0.1f);
  EXPECT_NEAR(linear.at(50), 0.05f, 1e-7);
  EXPECT_NEAR(linear.at(75), 0.025f, 1e-7);
  EXPECT_NEAR(linear.at(100), 0.0f, 1e-7);

  const LrSchedule cosine("cosine", 0.1f, 0, 100);
  EXPECT_FLOAT_EQ(cosine.at(0), 0.1f);
  EXPECT_NEAR(cosine.at(50), 0.05f, 1e-7);
  EXPECT_NEAR(cosine.at(25), 0.05f * (1 + std::sqrt(0.5f)), 1e-6);
  EXPECT_NEAR(cosine.at(100), 0.0f, 1e-7);

  // Warm-up of 10 steps, given as steps or as a fraction: 0.01, 0.02, ... 0.1, then the decay.
  for (float warmup : {10.0f, 0.1f}) {
    const LrSchedule s("linear", 0.1f, warmup, 100);
    EXPECT_EQ(s.warmup_steps, 10);
    EXPECT_NEAR(s.at(0), 0.01f, 1e-7);
    EXPECT_NEAR(s.at(4), 0.05f, 1e-7);
    EXPECT_NEAR(s.at(9), 0.1f, 1e-7);
    EXPECT_NEAR(s.at(10), 0.1f, 1e-7);
    EXPECT_NEAR(s.at(55), 0.05f, 1e-7);  // halfway through the 90 decay steps
  }
  EXPECT_EQ(LrSchedule("cosine", 0.1f, 1000, 100).warmup_steps, 100);  // never longer than the run
  EXPECT_THROW(LrSchedule("step", 0.1f, 0, 10), std::invalid_argument);
}

Gradients random_gradients(Rng& rng) {
  Gradients g;
  auto fill = [&](auto& m, Eigen::Index r, Eigen::Index c) {
    m.resize(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.symmetric(1.0f);
  };
  fill(g.w1, 4, 6);
  fill(g.w2, 8, 4);
  fill(g.w3, 8, 6);
  fill(g.embed, 3, 3);
  g.b1 = Vector::Ones(4);
  g.b2 = Vector::Ones(8);
  g.rows = {0, 2, 5};
  return g;
}

TEST(Clipping, BoundsTheGlobalNormOverDenseAndSparseGradients) {
  Rng rng(3);
  Gradients g = random_gradients(rng);
  const double norm = std::sqrt(g.w1.squaredNorm() + g.w2.squaredNorm() + g.w3.squaredNorm() +
                                g.embed.squaredNorm() + 12.0);
  EXPECT_NEAR(gradient_norm(g), norm, 1e-4);
  const Gradients before = g;
  EXPECT_NEAR(clip_gradients(g, 2.0f), norm, 1e-4);  // returns the norm before clipping
  EXPECT_NEAR(gradient_norm(g), 2.0, 1e-4);
  EXPECT_TRUE(g.w2.isApprox(before.w2 * float(2.0 / norm)));  // one scale for all: the direction is kept
  EXPECT_TRUE(g.embed.isApprox(before.embed * float(2.0 / norm)));
  Gradients small = before;
  clip_gradients(small, 1000.0f);
  EXPECT_EQ(small.w1, before.w1);
  clip_gradients(small, 0.0f);  // 0 = off
  EXPECT_EQ(small.w1, before.w1);
}

TEST(WeightDecay, ShrinksWeightsAndOnlyTheUsedRows) {
  for (const char* kind : {"sgd", "adam"}) {
    auto opt = make_optimizer(kind, 0.1f);
    opt->weight_decay = 0.5f;
    RowMatrix table = RowMatrix::Ones(4, 2);
    Vector w = Vector::Ones(3), bias = Vector::Ones(3);
    const Vector zero = Vector::Zero(3);
    const int slot_table = opt->add_slot(table.size()), slot_w = opt->add_slot(3), slot_b = opt->add_slot(3);
    opt->begin_step();
    opt->update(slot_w, w.data(), zero.data(), 3, true);
    opt->update(slot_b, bias.data(), zero.data(), 3, false);
    opt->update_rows(slot_table, table, {1, 3}, RowMatrix::Zero(2, 2));
    // A zero gradient leaves only the decay: w *= 1 - lr * wd = 0.95 (decoupled for Adam, L2 for SGD).
    EXPECT_NEAR(w(0), 0.95f, 1e-6) << kind;
    EXPECT_EQ(bias(0), 1.0f) << kind;
    EXPECT_EQ(table(0, 0), 1.0f) << kind;
    EXPECT_NEAR(table(1, 0), 0.95f, 1e-6) << kind;
    EXPECT_EQ(table(2, 1), 1.0f) << kind;
    EXPECT_NEAR(table(3, 1), 0.95f, 1e-6) << kind;
  }
}

}  // namespace
}  // namespace embplay
