// Model files as JSON. Layout (version 1):
//   {"format": "embedding-playground-model", "version": 1, "settings": {...},
//    "vocab": {"words": [...], "counts": [...]},
//    "weights": {"embed": {"rows": V, "cols": d, "f32le": "<base64>"}, "w1", "b1", "w2", "b2"[, "w3"]}}
// Matrices are written row by row; vectors have cols = 1. "w3" is there only with direct
// connections (settings.direct). With settings.softmax "hierarchical", w2 and b2 hold the Huffman
// tree's inner nodes (output_layer.h); the tree is rebuilt from the vocabulary's counts.
// Files written before a setting existed load with its default, except where the default changed
// what such a file meant: test_fraction 0 (they held out no test sentences) and han_bigrams off
// (they read each ideograph as a token, and typed words must be read the same way).
#include "model_io.h"

#include <cmath>
#include <cstring>

namespace embplay {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "embedding-playground-model";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (size_t i = 0; i < size; i += 3) {
    const uint32_t n = (uint32_t(data[i]) << 16) | (i + 1 < size ? uint32_t(data[i + 1]) << 8 : 0) |
                       (i + 2 < size ? uint32_t(data[i + 2]) : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::vector<unsigned char> base64_decode(const std::string& text, const std::string& what) {
  int8_t value[256];
  std::memset(value, -1, sizeof value);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  if (text.size() % 4 != 0) throw InputError(what + " is not valid base64");
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      const int8_t v = value[static_cast<unsigned char>(c)];
      if (v < 0 || pad > 0) throw InputError(what + " is not valid base64");
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<unsigned char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<unsigned char>(n >> 8));
    if (pad < 1) out.push_back(static_cast<unsigned char>(n));
  }
  return out;
}

json encode(const RowMatrix& m) {
  return {{"rows", m.rows()}, {"cols", m.cols()}, {"f32le", floats_to_base64(m.data(), static_cast<size_t>(m.size()))}};
}

RowMatrix decode(const json& weights, const char* name, Eigen::Index rows, Eigen::Index cols) {
  const std::string what = std::string("weights.") + name;
  if (!weights.contains(name) || !weights[name].is_object()) throw InputError("model file: " + what + " is missing");
  const json& w = weights[name];
  if (w.value("rows", json()) != json(rows) || w.value("cols", json()) != json(cols))
    throw InputError("model file: " + what + " should be " + std::to_string(rows) + " x " + std::to_string(cols));
  RowMatrix m(rows, cols);
  floats_from_base64(w.value("f32le", std::string()), m.data(), static_cast<size_t>(m.size()), "model file: " + what);
  return m;
}

}  // namespace

// Both targets (x86-64 and WebAssembly) are little-endian, so float bytes are written as they are.
std::string floats_to_base64(const float* data, size_t n) {
  return base64_encode(reinterpret_cast<const unsigned char*>(data), sizeof(float) * n);
}

void floats_from_base64(const std::string& text, float* out, size_t n, const std::string& what) {
  const std::vector<unsigned char> bytes = base64_decode(text, what);
  if (bytes.size() != sizeof(float) * n) throw InputError(what + " has the wrong number of values");
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());  // empty: out may be null
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(out[i])) throw InputError(what + " holds NaN or infinite values");
}

json model_to_json(const TrainedModel& m) {
  const NextWordModel& w = m.model;
  json j = {{"format", kFormat},
          {"version", kModelFileVersion},
          {"settings", settings_to_json(m.settings)},
          {"vocab", vocab_to_json(m.vocab)},
          {"weights",
           {{"embed", encode(w.embed)},
            {"w1", encode(w.w1)},
            {"b1", encode(w.b1.transpose())},
            {"w2", encode(w.w2)},
            {"b2", encode(w.b2.transpose())}}}};
  if (w.shape().direct) j["weights"]["w3"] = encode(w.w3);
  return j;
}

void check_file_format(const json& j, const std::string& format, int version, const std::string& what) {
  if (!j.is_object() || j.value("format", std::string()) != format)
    throw InputError("not an Embedding Playground " + what + " file (no \"format\": \"" + format + "\")");
  const json v = j.value("version", json());
  if (!v.is_number_integer() || v.get<int>() != version)
    throw InputError(what + " file version " + v.dump() + " is not supported (this page reads version " +
                     std::to_string(version) + ")");
}

json vocab_to_json(const Vocab& v) { return {{"words", v.words()}, {"counts", v.counts()}}; }

Vocab vocab_from_json(const json& j, const std::string& what) {
  try {
    const json& vocab = j.at("vocab");
    return Vocab::from_words(vocab.at("words").get<std::vector<std::string>>(), vocab.at("counts").get<std::vector<int64_t>>());
  } catch (const json::exception& e) {
    throw InputError(what + " file: vocab is malformed (" + e.what() + ")");
  } catch (const std::invalid_argument& e) {
    throw InputError(what + " file: " + e.what());
  }
}

TrainedModel model_from_json(const json& j) {
  check_file_format(j, kFormat, kModelFileVersion, "model");
  TrainedModel m;
  json settings = j.value("settings", json::object());
  if (settings.is_object() && !settings.contains("test_fraction")) settings["test_fraction"] = 0;
  if (settings.is_object() && !settings.contains("han_bigrams")) settings["han_bigrams"] = false;
  m.settings = settings_from_json(settings);
  m.vocab = vocab_from_json(j, "model");

  const ModelShape shape{m.vocab.size(), m.settings.context, m.settings.dim, m.settings.hidden, m.settings.direct};
  m.model = NextWordModel(shape);
  const json weights = j.value("weights", json::object());
  m.model.embed = decode(weights, "embed", shape.vocab, shape.dim);
  m.model.w1 = decode(weights, "w1", shape.hidden, shape.input());
  m.model.b1 = decode(weights, "b1", 1, shape.hidden).transpose();
  m.model.w2 = decode(weights, "w2", shape.vocab, shape.features());
  m.model.b2 = decode(weights, "b2", 1, shape.vocab).transpose();
  if (shape.direct) m.model.w3 = decode(weights, "w3", shape.vocab, shape.input());
  // A hierarchical softmax's tree is not stored: the vocabulary's counts rebuild the same one.
  if (m.settings.softmax == "hierarchical") m.model.tree = std::make_shared<const HuffmanTree>(m.vocab.counts());
  return m;
}

}  // namespace embplay
