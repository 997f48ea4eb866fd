// The command line's help: per command (usage, notes, options, examples) and overall.
import { readFileSync } from 'node:fs';
import { formatTable } from './summary.js';
import type { Command, OptionSpec } from './args.js';

function optionHelp(specs: OptionSpec[]): string {
  const rows = specs.map((s) => [
    `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` <${s.value}>` : ''}`,
    s.help,
  ]);
  return formatTable(rows, [], '  ');
}

export function commandHelp(c: Command): string {
  return [
    `Usage: gmm-wasm ${c.name} ${c.args.join(' ')} [options]`,
    '',
    `${c.summary[0].toUpperCase()}${c.summary.slice(1)}.`,
    ...(c.notes ? ['', c.notes] : []),
    '',
    'Options:',
    optionHelp(c.options),
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

export function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

export function mainHelp(commands: readonly Command[]): string {
  return [
    `gmm-wasm ${version()}: Gaussian mixture models from the command line`,
    '',
    'Usage: gmm-wasm <command> [arguments] [options]',
    '',
    'Commands:',
    formatTable(commands.map((c) => [`${c.name} ${c.args.join(' ')}`, c.summary]), [], '  '),
    '',
    'Run "gmm-wasm <command> --help" for the options of a command.',
    'Data files: CSV, TSV, semicolon- or whitespace-separated (header auto-detected), or JSON; "-" is stdin.',
    'Exit status: 0 success, 1 unreadable or invalid input or a failed fit, 2 wrong usage.',
    '',
  ].join('\n');
}
