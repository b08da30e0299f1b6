// What the C++ benchmarks measure with: a whole file read, the process's peak resident memory and
// its CPU seconds. Built natively and by Emscripten (then node answers for the process: the
// WebAssembly build's own getrusage and CPU clock have nothing to give). Benchmarks only: the core
// never includes an Emscripten header.
#pragma once

#include <sys/resource.h>
#include <time.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace bench {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline double peak_rss_mb() {
#ifdef __EMSCRIPTEN__
  return EM_ASM_DOUBLE({ return process.resourceUsage().maxRSS / 1024; });
#else
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports kilobytes
#endif
}

// CPU seconds this process has run (user + system): unlike wall time, it does not grow while
// another process holds the core, so tokens per CPU second stays meaningful on a busy machine.
inline double cpu_seconds() {
#ifdef __EMSCRIPTEN__
  return EM_ASM_DOUBLE({ const u = process.cpuUsage(); return (u.user + u.system) / 1e6; });
#else
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
#endif
}

}  // namespace bench
