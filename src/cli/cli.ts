#!/usr/bin/env node
// The gmm-wasm command line: fit, predict, score, sample, impute, select (BIC, AIC or
// ICL over K and covariance types), lrt (the bootstrap likelihood ratio test), bootstrap
// (parameter standard errors) and classify (MclustDA, EDDA, MclustSSC), one file
// each in commands/. Results go to stdout (or --out), everything for people to stderr. Exit codes: 0 success, 1 bad input or a failed
// fit, 2 bad usage, 70 an internal error.
import { init, GmmError } from '../entry-node.js';
import { DataError } from './csv.js';
import { InputError, UsageError, parseArgs, type Command } from './args.js';
import { suggest } from '../model/option-names.js';
import { setQuiet } from './output.js';
import { commandHelp, mainHelp, version } from './help.js';
import { inFlags } from './models.js';
import { fit } from './commands/fit.js';
import { predict } from './commands/predict.js';
import { score } from './commands/score.js';
import { sample } from './commands/sample.js';
import { impute } from './commands/impute.js';
import { select } from './commands/select.js';
import { lrt } from './commands/lrt.js';
import { bootstrap } from './commands/bootstrap.js';
import { classify } from './commands/classify.js';

const COMMANDS: Command[] = [fit, predict, score, sample, impute, select, lrt, bootstrap, classify];

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    // no command at all is a usage error: its help goes where errors go
    (name === undefined ? process.stderr : process.stdout).write(c ? commandHelp(c) : mainHelp(COMMANDS));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)}.${suggest(name, COMMANDS.map((c) => c.name))} The commands are ${COMMANDS.map((c) => c.name).join(', ')}.`);
    const { pos, opts } = parseArgs(cmd, rest);
    if (opts.help) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    setQuiet(Boolean(opts.quiet));
    await init();
    await cmd.run(pos, opts);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const about = e.command ?? cmd?.name; // the command's help, also for errors raised in shared code
      process.stderr.write(`gmm-wasm: ${e.message}\nRun "gmm-wasm ${about ?? ''}${about ? ' ' : ''}--help" for usage.\n`);
      return 2;
    }
    if (e instanceof DataError) {
      process.stderr.write(`gmm-wasm: error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      process.stderr.write(`gmm-wasm: error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof GmmError) {
      process.stderr.write(`gmm-wasm: error (${e.code}): ${inFlags(e.message)}\n`);
      return 1;
    }
    process.stderr.write(`gmm-wasm: internal error: ${(e as Error)?.stack ?? e}\n`);
    return 70;
  }
}

// stdout closed early (e.g. `gmm-wasm sample … | head`): stop quietly
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
