// Encoder files as JSON. Layout (version 1):
//   {"format": "embedding-playground-encoder", "version": 1, "options": {...},
//    "vocab": {"words": [...], "counts": [...]},
//    "weights": {"token": {"rows": V, "cols": d, "f32le": "<base64>"}, "position": {...},
//                "layer0.ln1_gain": {...}, ..., "mlm_bias": {...}}}
// Every tensor of tensors() under its name, its values in the order the core stores them: the
// token and position tables row by row (rows x cols), everything else column by column (a (3d, d)
// matrix is written with rows 3d, cols d and reads, row by row, as its (d, 3d) transpose: the
// layout TensorFlow.js multiplies a batch of row vectors by).
#include "encoder_io.h"

#include "model_io.h"

namespace embplay {
namespace {

using nlohmann::json;
constexpr const char* kFormat = "embedding-playground-encoder";

}  // namespace

json encoder_to_json(const SentenceEncoder& e) {
  EncoderWeights weights = e.model.w;  // tensors() hands out writable views
  json w = json::object();
  for (const TensorRef& t : tensors(weights))
    w[t.name] = {{"rows", t.rows}, {"cols", t.cols}, {"f32le", floats_to_base64(t.data, static_cast<size_t>(t.size()))}};
  return {{"format", kFormat},
          {"version", kEncoderFileVersion},
          {"options", encoder_options_to_json(e.options)},
          {"vocab", vocab_to_json(e.vocab)},
          {"weights", w}};
}

SentenceEncoder encoder_from_json(const json& j) {
  check_file_format(j, kFormat, kEncoderFileVersion, "encoder");
  SentenceEncoder e;
  e.options = encoder_options_from_json(j.value("options", json::object()));
  e.vocab = vocab_from_json(j, "encoder");
  if (e.vocab.size() <= kFirstWordId || e.vocab.word(kClsId) != cls_word() || e.vocab.word(kMaskId) != mask_word())
    throw InputError(std::string("encoder file: the vocabulary must start with <pad>, <unk>, ") + cls_word() + ", " +
                     mask_word() + " and hold words");
  e.model = TransformerEncoder(encoder_shape(e.options, e.vocab.size()));
  const json weights = j.value("weights", json::object());
  for (const TensorRef& t : tensors(e.model.w)) {
    const std::string what = "weights." + t.name;
    if (!weights.contains(t.name) || !weights[t.name].is_object()) throw InputError("encoder file: " + what + " is missing");
    const json& w = weights[t.name];
    if (w.value("rows", json()) != json(t.rows) || w.value("cols", json()) != json(t.cols))
      throw InputError("encoder file: " + what + " should be " + std::to_string(t.rows) + " x " + std::to_string(t.cols));
    floats_from_base64(w.value("f32le", std::string()), t.data, static_cast<size_t>(t.size()), "encoder file: " + what);
  }
  return e;
}

}  // namespace embplay
