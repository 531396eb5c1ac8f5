// Compiles apps/, libs/ and migrations/ to dist/ with SWC (type checking is `npm run typecheck`); JSON files
// there (imported by the code, e.g. the OpenAPI response schemas) are copied beside the output.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const swcOptions = require('./swc-options.cjs');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// `--out <dir>` builds elsewhere (the crash test runs its own copy, safe from a concurrent `npm run build`).
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? path.resolve(root, process.argv[outFlag + 1]) : path.join(root, 'dist');
const isTest = (f) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(f);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest(entry.name)) yield full;
    else if (entry.name.endsWith('.json')) yield full;
  }
}

await rm(out, { recursive: true, force: true });
let count = 0;
const started = Date.now();
for (const top of ['apps', 'libs', 'migrations']) {
  for await (const file of walk(path.join(root, top))) {
    const rel = path.relative(root, file);
    if (file.endsWith('.json')) {
      await mkdir(path.dirname(path.join(out, rel)), { recursive: true });
      await copyFile(file, path.join(out, rel));
      continue;
    }
    const target = path.join(out, rel.replace(/\.ts$/, '.js'));
    const options = swcOptions();
    const { code, map } = await transformFile(file, {
      ...options,
      filename: file,
      sourceFileName: path.relative(path.dirname(target), file),
    });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
console.log(`built ${count} files into ${path.relative(root, out)}/ in ${Date.now() - started} ms`);
