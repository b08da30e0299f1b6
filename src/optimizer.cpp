// SGD and Adam (Kingma & Ba 2015). Adam's embedding update is lazy: only the rows the batch used
// move, and only their moments decay, which is what keeps an embedding step sparse.
#include "optimizer.h"

#include <cmath>
#include <stdexcept>

namespace embplay {
namespace {

class Sgd final : public Optimizer {
 public:
  int add_slot(Eigen::Index) override { return slots_++; }
  void update(int, float* w, const float* g, Eigen::Index size, bool decay) override {
    Eigen::Map<Vector> wv(w, size);
    if (decay && weight_decay > 0) wv *= 1.0f - lr * weight_decay;  // the L2 term's gradient, wd * w
    wv.noalias() -= lr * Eigen::Map<const Vector>(g, size);
  }
  void update_rows(int, float* table, Eigen::Index cols, const Ids& rows, const float* grads, bool decay) override {
    for (size_t i = 0; i < rows.size(); ++i) {
      Eigen::Map<Vector> row(table + static_cast<Eigen::Index>(rows[i]) * cols, cols);
      if (decay && weight_decay > 0) row *= 1.0f - lr * weight_decay;
      row.noalias() -= lr * Eigen::Map<const Vector>(grads + static_cast<Eigen::Index>(i) * cols, cols);
    }
  }

 private:
  int slots_ = 0;
};

class Adam final : public Optimizer {
 public:
  static constexpr float kBeta1 = 0.9f, kBeta2 = 0.999f, kEps = 1e-8f;

  int add_slot(Eigen::Index size) override {
    m_.push_back(Vector::Zero(size));
    v_.push_back(Vector::Zero(size));
    return static_cast<int>(m_.size()) - 1;
  }
  void begin_step() override {
    ++t_;
    const double c1 = 1.0 - std::pow(double(kBeta1), double(t_)), c2 = 1.0 - std::pow(double(kBeta2), double(t_));
    step_size_ = static_cast<float>(lr * std::sqrt(c2) / c1);
  }
  void update(int slot, float* w, const float* g, Eigen::Index size, bool decay) override {
    if (decay && weight_decay > 0) Eigen::Map<Vector>(w, size) *= 1.0f - lr * weight_decay;  // AdamW
    apply(m_[slot].data(), v_[slot].data(), w, g, size);
  }
  void update_rows(int slot, float* table, Eigen::Index cols, const Ids& rows, const float* grads, bool decay) override {
    for (size_t i = 0; i < rows.size(); ++i) {
      const Eigen::Index offset = static_cast<Eigen::Index>(rows[i]) * cols;
      if (decay && weight_decay > 0) Eigen::Map<Vector>(table + offset, cols) *= 1.0f - lr * weight_decay;  // AdamW
      apply(m_[slot].data() + offset, v_[slot].data() + offset, table + offset,
            grads + static_cast<Eigen::Index>(i) * cols, cols);
    }
  }

 private:
  void apply(float* m_data, float* v_data, float* w_data, const float* g_data, Eigen::Index n) const {
    Eigen::Map<Eigen::ArrayXf> m(m_data, n), v(v_data, n), w(w_data, n);
    Eigen::Map<const Eigen::ArrayXf> g(g_data, n);
    m = kBeta1 * m + (1 - kBeta1) * g;
    v = kBeta2 * v + (1 - kBeta2) * g.square();
    w -= step_size_ * m / (v.sqrt() + kEps);
  }

  std::vector<Vector> m_, v_;  // per slot: first and second moment, same size as the parameter
  int64_t t_ = 0;
  float step_size_ = 0;
};

}  // namespace

double gradient_norm(const Gradients& g) {
  double sq = double(g.w1.squaredNorm()) + g.b1.squaredNorm() + g.w2.squaredNorm() + g.b2.squaredNorm() +
              g.w3.squaredNorm() + g.embed.squaredNorm() + g.output.w.squaredNorm() + g.output.b.squaredNorm();
  return std::sqrt(sq);
}

double clip_gradients(Gradients& g, float max_norm) {
  const double norm = gradient_norm(g);
  if (max_norm > 0 && norm > max_norm) {
    const float scale = static_cast<float>(max_norm / norm);
    g.w1 *= scale;
    g.b1 *= scale;
    g.w2 *= scale;
    g.b2 *= scale;
    g.w3 *= scale;
    g.embed *= scale;
    g.output.w *= scale;
    g.output.b *= scale;
  }
  return norm;
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& kind, float lr) {
  std::unique_ptr<Optimizer> opt;
  if (kind == "sgd") opt = std::make_unique<Sgd>();
  else if (kind == "adam") opt = std::make_unique<Adam>();
  else throw std::invalid_argument("unknown optimizer: " + kind + " (sgd or adam)");
  opt->lr = lr;
  return opt;
}

}  // namespace embplay
