// bench_word2vec: times our word2vec training alone (not reading or tokenising) on a corpus file, one
// thread, and prints one JSON line. bench/word2vec_vs_fasttext.sh runs it beside Debian's fastText.
//
//   bench_word2vec CORPUS [--model skipgram|cbow] [--dim 64] [--window 5] [--negative 5]
//                         [--min_count 5] [--epochs 1] [--lr 0 (model default)] [--sample 1e-4] [--seed 1]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "word2vec.h"

int main(int argc, char** argv) {
  using namespace embplay;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_word2vec CORPUS [--model M] [--dim N] [--window N] [--negative N] "
                         "[--min_count N] [--epochs N] [--lr X] [--sample T] [--seed N]\n");
    return 2;
  }
  Word2VecOptions o;
  o.dim = 64, o.epochs = 1;
  try {
    for (int i = 2; i + 1 < argc; i += 2) {
      const std::string flag = argv[i], value = argv[i + 1];
      if (flag == "--model") o.model = value;
      else if (flag == "--dim") o.dim = std::stoi(value);
      else if (flag == "--window") o.window = std::stoi(value);
      else if (flag == "--negative") o.negative = std::stoi(value);
      else if (flag == "--min_count") o.min_count = std::stoi(value);
      else if (flag == "--epochs") o.epochs = std::stoi(value);
      else if (flag == "--sample") o.sample = std::stod(value);
      else if (flag == "--lr") o.lr = std::stof(value);
      else if (flag == "--seed") o.seed = static_cast<uint32_t>(std::stoul(value));
      else throw InputError("unknown flag " + flag);
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) throw InputError(std::string("cannot read ") + argv[1]);
    std::ostringstream text;
    text << in.rdbuf();

    const auto t0 = std::chrono::steady_clock::now();
    Word2VecTrainer trainer(text.str(), o);
    const auto t1 = std::chrono::steady_clock::now();
    Word2VecProgress p;
    do p = trainer.step(100000); while (!p.finished);
    const auto t2 = std::chrono::steady_clock::now();
    const double setup = std::chrono::duration<double>(t1 - t0).count();
    const double train = std::chrono::duration<double>(t2 - t1).count();
    std::printf("{\"model\": \"%s\", \"dim\": %d, \"vocab\": %d, \"train_words\": %lld, \"epochs\": %d, "
                "\"setup_seconds\": %.3f, \"train_seconds\": %.3f, \"words_per_sec\": %.0f, \"loss\": %.4f, \"pairs\": %lld}\n",
                o.model.c_str(), o.dim, trainer.vocab().size() - 2, (long long)trainer.stats().train_words, o.epochs,
                setup, train, double(p.words_processed) / train, p.loss, (long long)p.pairs_trained);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_word2vec: %s\n", e.what());
    return 2;
  }
  return 0;
}
