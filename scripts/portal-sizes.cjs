#!/usr/bin/env node
// The portal's JavaScript as a browser downloads it, gzipped: the initial load (index.html's scripts and
// everything they import statically) and each lazy chunk (a dynamic import: a route) with what it pulls in
// beyond the initial load. Budgets (issue 17): initial <= 300 kB, each lazy route <= 250 kB, gzipped.
// `node scripts/portal-sizes.cjs [dir]` prints the table and exits 1 over budget.
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const { gzipSync } = require('node:zlib');

const BUDGET = { initialKb: 300, lazyKb: 250 };
const DEFAULT_DIR = path.resolve(__dirname, '..', 'frontend', 'dist', 'portal', 'browser');

function portalSizes(dir = DEFAULT_DIR) {
  const files = new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
  const gz = new Map([...files].map(([f, text]) => [f, gzipSync(text, { level: 9 }).length]));
  const staticImports = (text) => [
    ...new Set([...text.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)].map((m) => m[1])),
  ];
  const dynamicImports = (text) => [
    ...new Set([...text.matchAll(/import\(\s*"\.\/([\w.-]+\.js)"\s*\)/g)].map((m) => m[1])),
  ];
  const closure = (roots, stop = new Set()) => {
    const seen = new Set();
    const todo = [...roots];
    while (todo.length) {
      const f = todo.pop();
      if (seen.has(f) || stop.has(f) || !files.has(f)) continue;
      seen.add(f);
      todo.push(...staticImports(files.get(f)));
    }
    return seen;
  };
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+src="([\w.-]+\.js)"/g)].map((m) => m[1]);
  const initial = closure(entry);
  const sum = (set) => [...set].reduce((n, f) => n + (gz.get(f) ?? 0), 0);
  const lazyRoots = new Set([...files.values()].flatMap(dynamicImports));
  const lazy = [...lazyRoots]
    .filter((f) => !initial.has(f))
    .map((f) => ({ file: f, bytes: sum(closure([f], initial)) }))
    .sort((a, b) => b.bytes - a.bytes);
  return { initialBytes: sum(initial), initialFiles: [...initial], lazy, budget: BUDGET };
}

module.exports = { portalSizes, BUDGET };

if (require.main === module) {
  const sizes = portalSizes(process.argv[2] ?? DEFAULT_DIR);
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `initial JavaScript: ${kb(sizes.initialBytes)} gzipped (${sizes.initialFiles.length} files; budget ${BUDGET.initialKb} kB)`,
  );
  for (const l of sizes.lazy) console.log(`  lazy ${l.file}: ${kb(l.bytes)} gzipped beyond the initial load`);
  const over =
    sizes.initialBytes > BUDGET.initialKb * 1024 || sizes.lazy.some((l) => l.bytes > BUDGET.lazyKb * 1024);
  if (over) {
    console.error('portal bundle over budget');
    process.exit(1);
  }
}
