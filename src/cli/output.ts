// What the command line writes: results to stdout or --out, messages for people to stderr
// (unless --quiet), and the progress line of a fit.
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { IterationInfo } from '../index.js';
import { num } from './summary.js';
import { InputError, UsageError, type Opts } from './args.js';
import { fsReason } from './input.js';

let quiet = false;

/** --quiet: nothing on stderr but errors. */
export function setQuiet(q: boolean): void {
  quiet = q;
}

/** A message for people, on stderr. */
export function info(text: string): void {
  if (!quiet) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

/** Throws, before any data are read (args.ts need()), where --out names a file that cannot
 *  be written: empty, a directory, an existing file without write permission, or a path
 *  whose directory is missing or not writable (a fit's work would be lost at the end). */
export function checkOut(out: unknown, command: string): void {
  if (typeof out !== 'string' || out === '-') return;
  if (out === '') throw new UsageError('--out needs a file name (or - for stdout).', command);
  const path = resolve(out);
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    accessSync(st ? path : dirname(path), constants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `no directory ${dirname(path)}` : fsReason(e);
    throw new InputError(`cannot write ${out}: ${why}. Give --out a path in a directory that exists and is writable (checked before the data were read).`);
  }
}

/** A result: to the file --out names, or stdout. */
export function emit(text: string, out: unknown): void {
  if (typeof out === 'string' && out !== '-') { // "-": stdout, as "-" is stdin for input
    try {
      writeFileSync(out, text);
    } catch (e) {
      throw new InputError(`cannot write ${out}: ${fsReason(e)}`);
    }
    info(`wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
}

/** The progress line on stderr: shown once a fit has run for a moment (at once with
 *  --progress), redrawn in place on a terminal, a line at a time otherwise. */
export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private drawn = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly mode: 'auto' | 'always' | 'never', private readonly label: string, private readonly nInit: number) {}

  readonly onIteration = (it: IterationInfo): void => {
    if (this.mode === 'never') return;
    const now = Date.now();
    if (this.mode === 'auto') {
      if (now - this.start < 400) return;
      if (now - this.last < (this.tty ? 100 : 2000)) return;
    }
    this.last = now;
    const parts = [this.label];
    if (this.nInit > 1) parts.push(`init ${it.init + 1}/${this.nInit}`);
    parts.push(`iter ${it.iter}`, `lower bound ${num(it.lowerBound, 8)}`,
      `change ${Number.isFinite(it.change) ? it.change.toExponential(2) : '—'}`);
    const line = parts.filter(Boolean).join('  ');
    if (this.tty) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(line + '\n');
    this.drawn = true;
  };

  done(): void {
    if (this.drawn && this.tty) process.stderr.write('\r\x1b[K');
  }
}

export function progressMode(o: Opts): 'auto' | 'always' | 'never' {
  return o.quiet ? 'never' : o.progress ? 'always' : 'auto';
}
