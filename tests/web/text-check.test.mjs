// Opened files that are not text: a PNG, a .docx (ZIP) or random bytes are named with their reason;
// prose in any script, a stray control byte, a text that happens to start like a signature and
// UTF-16 with its byte-order mark are text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { notText, readText } from '../../web/page/text-check.js';

const utf8 = (s) => new TextEncoder().encode(s);

test('binary files are named by their signature and their control bytes', () => {
  // A real (tiny) PNG: signature, IHDR chunk with its length and CRC bytes.
  const png = Uint8Array.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89]);
  assert.match(notText(png).reason, /^it starts like a PNG image and has \d+ control bytes$/);
  const zip = Uint8Array.from([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0, ...deflateRawSync(Buffer.from('word/document.xml'))]);
  assert.match(notText(zip).reason, /ZIP archive \(a \.docx/);
  // No signature: seeded random bytes have many controls (and zero bytes).
  let state = 99;
  const noise = Uint8Array.from({ length: 4096 }, () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state >>> 24; });
  const { reason, controls } = notText(noise);
  assert.ok(controls > 100, `controls ${controls}`);
  assert.match(reason, /^it has [\d,]+ control bytes \(zero bytes among them\)$/);
});

test('text in any script is text, a stray control byte too', () => {
  const prose = 'The fox ran. Der Fuchs lief.\r\nЛиса бежала.\t狐狸跑了。\fالثعلب ركض. 🦊\n'.repeat(50);
  assert.equal(notText(utf8(prose)), null);
  assert.equal(notText(utf8(`${prose}\x1a`)), null);  // a DOS end-of-file mark in a long text
  assert.ok(notText(utf8('ab\x01\x02cd')));          // but not two in six bytes
  // Printable signatures start real texts: "%PDF-" without control bytes is prose about PDFs.
  assert.equal(notText(utf8('%PDF-1.7 is a version of the format. GIF89a too.')), null);
  assert.equal(readText(utf8(prose)).text, prose);
});

test('UTF-16 with its byte-order mark is read as text', () => {
  const s = 'Hello, 世界. Zeros between ASCII letters are UTF-16, not binary.';
  const le = new Uint8Array(2 + 2 * s.length);
  le.set([0xFF, 0xFE]);
  for (let i = 0; i < s.length; i += 1) { le[2 + 2 * i] = s.charCodeAt(i) & 0xFF; le[3 + 2 * i] = s.charCodeAt(i) >> 8; }
  assert.ok(notText(le), 'read as bytes, UTF-16 has zero bytes');
  assert.deepEqual(readText(le), { text: s, problem: null });
});
