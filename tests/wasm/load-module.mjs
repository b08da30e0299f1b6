// The built WebAssembly module, loaded once for a test file. Emscripten's own fetch of the .wasm
// fails under node 20, so it is handed the bytes; the glue is a classic script, so require() it.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
const createEmbPlay = createRequire(import.meta.url)(path.join(root, 'build/wasm/embplay.js'));
export const Module = await createEmbPlay({ wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/embplay.wasm')) });
