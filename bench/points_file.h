// The points files the projection benchmarks (bench_tsne, bench_umap) read and write: little-endian
// int32 n, int32 d, then n*d float32 row by row. bench/*.sh and the node scripts write the same.
#pragma once

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include "common.h"

namespace bench {

inline embplay::RowMatrix read_points(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  int32_t shape[2];
  in.read(reinterpret_cast<char*>(shape), sizeof shape);
  embplay::RowMatrix x(shape[0], shape[1]);
  in.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(sizeof(float) * x.size()));
  if (!in) throw std::runtime_error("cannot read " + path);
  return x;
}

inline void write_points(const std::string& path, const embplay::RowMatrix& x) {
  std::ofstream out(path, std::ios::binary);
  const int32_t shape[2] = {static_cast<int32_t>(x.rows()), static_cast<int32_t>(x.cols())};
  out.write(reinterpret_cast<const char*>(shape), sizeof shape);
  out.write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(sizeof(float) * x.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace bench
