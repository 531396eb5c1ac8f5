import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** LibreOffice's command, when this machine has it (Debian: libreoffice-calc-nogui). */
export const SOFFICE = process.env.SOFFICE ?? 'soffice';
export const hasSpreadsheet = (): boolean =>
  spawnSync(SOFFICE, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

/** One cell as Calc read it: its text, and its numeric value when Calc took it as a number. */
export interface SheetCell {
  readonly text: string;
  readonly number: number | null;
}

/**
 * How Calc's Text Import dialog reads a file a user opens: comma, `"`, UTF-8 (what it picks for a
 * file with a byte-order mark), from line 1, "detect special numbers" on — and "evaluate formulas"
 * on, the worst case for formula injection (CSV filter tokens, in LibreOffice's order).
 */
const CSV_IMPORT = 'CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (html: string): string =>
  html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e.startsWith('#x') || e.startsWith('#X')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : (ENTITIES[e] ?? m),
    );

/**
 * Opens `csv` in LibreOffice Calc (headless, its own throwaway profile) and returns the first sheet
 * as Calc holds it, read back from Calc's HTML export (each number cell carries its value as `sdval`).
 */
export async function openInSpreadsheet(csv: string | Buffer): Promise<SheetCell[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'sheet-'));
  try {
    await writeFile(join(dir, 'export.csv'), csv);
    await promisify(execFile)(
      SOFFICE,
      [
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--headless',
        `--infilter=${CSV_IMPORT}`,
        '--convert-to',
        'html',
        '--outdir',
        dir,
        join(dir, 'export.csv'),
      ],
      { timeout: 120_000 },
    );
    const html = await readFile(join(dir, 'export.html'), 'utf8');
    const table = /<table[^>]*>([\s\S]*?)<\/table>/i.exec(html);
    if (!table) throw new Error('Calc wrote no table');
    return [...table[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map(([, tr]) =>
      [...tr!.matchAll(/<td([^>]*)>([\s\S]*?)<\/td>/gi)].map(([, attrs, inner]) => {
        const value = /\bsdval="([^"]*)"/i.exec(attrs!);
        // An empty cell is written as a lone <br>.
        const text = /^\s*<br\s*\/?>\s*$/i.test(inner!) ? '' : decode(inner!);
        return { text, number: value ? Number(value[1]) : null };
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
