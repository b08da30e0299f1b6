// The UTF-8 check, by the same decoder the tokenizer reads text with (see utf8.h).
#include "utf8.h"

namespace embplay {

bool valid_utf8(const std::string& s, size_t* bad_at) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const size_t len = decode_utf8(b, n, i, cp);
    // The decoder answers U+FFFD for a bad sequence; U+FFFD written in the text is EF BF BD, whole.
    if (cp == kReplacementChar && !(len == 3 && b[i] == 0xEF)) {
      if (bad_at) *bad_at = i;
      return false;
    }
    i += len;
  }
  return true;
}

std::string printable_utf8(const std::string& s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const size_t len = decode_utf8(b, n, i, cp);
    const bool control = cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
    append_utf8(out, control ? kReplacementChar : cp);
    i += len;
  }
  return out;
}

}  // namespace embplay
