// Is an opened file text? A PNG, a PDF or a .docx opened through "Open .txt…" would otherwise fill
// the text box with mojibake and train on it. This reads the file's bytes (no DOM here, the node
// tests import it): its text, and why it does not look like text, or null when it does.

// File signatures: the first bytes of common binary files, and what to call them.
const SIGNATURES = Object.freeze([
  { bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], what: 'a PNG image' },
  { bytes: [0xFF, 0xD8, 0xFF], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2D], what: 'a PDF document' },
  { bytes: [0x50, 0x4B, 0x03, 0x04], what: 'a ZIP archive (a .docx, .odt or .epub is one)' },
  { bytes: [0x1F, 0x8B], what: 'a gzip archive' },
  { bytes: [0x7F, 0x45, 0x4C, 0x46], what: 'a program (ELF)' },
  { bytes: [0x52, 0x49, 0x46, 0x46], what: 'a RIFF file (WebP, WAV or AVI)' },
  { bytes: [0x49, 0x44, 0x33], what: 'an MP3 file' },
  { bytes: [0xD0, 0xCF, 0x11, 0xE0], what: 'an old Word or Excel document' },
]);

// Control bytes no text file holds: C0 controls but tab, line feed, vertical tab, form feed and
// carriage return; and DEL. (UTF-8 never uses these bytes inside a multi-byte character.)
function isControl(b) {
  return (b < 0x20 && b !== 0x09 && b !== 0x0A && b !== 0x0B && b !== 0x0C && b !== 0x0D) || b === 0x7F;
}

const CONTROL_SHARE = 0.001;  // more than one control byte in a thousand is not a stray one

// bytes: a Uint8Array of the whole file. Returns {reason, controls} when it does not look like
// text (reason: "it starts like a PNG image", "it has 1,234 control bytes"), else null.
export function notText(bytes) {
  const signature = SIGNATURES.find((s) => s.bytes.length <= bytes.length && s.bytes.every((b, i) => bytes[i] === b));
  let controls = 0;
  let zero = false;
  for (let i = 0; i < bytes.length; i += 1) {
    if (isControl(bytes[i])) {
      controls += 1;
      if (bytes[i] === 0) zero = true;
    }
  }
  // A signature alone is not enough: "%PDF-", "GIF8", "RIFF" and "ID3" may start a real text, which
  // then has no control byte at all.
  const many = zero || controls > Math.max(1, CONTROL_SHARE * bytes.length);
  if (!(signature && controls > 0) && !many) return null;
  const count = `${controls.toLocaleString('en-US')} control byte${controls === 1 ? '' : 's'}`;
  if (signature && controls > 0) return { reason: `it starts like ${signature.what} and has ${count}`, controls };
  return { reason: `it has ${count}${zero ? ' (zero bytes among them)' : ''}`, controls };
}

// The text of a file's bytes: UTF-16 when it starts with that byte-order mark (Windows Notepad's
// "Unicode"), else UTF-8 (a bad byte becomes U+FFFD, which the tokenizer drops). Returns
// {text, problem}: problem as notText() gives it, null for text.
export function readText(bytes) {
  const utf16 = bytes[0] === 0xFF && bytes[1] === 0xFE ? 'utf-16le' : bytes[0] === 0xFE && bytes[1] === 0xFF ? 'utf-16be' : null;
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), problem: null };  // its zero bytes are its ASCII
  return { text: new TextDecoder('utf-8').decode(bytes), problem: notText(bytes) };
}
