#!/usr/bin/env node
// playgrad CLI: a lesson's numbers in the terminal, computed by the same pure compute() the page
// runs, on the same wasm core.
//   npx playgrad lesson softmax --z 1000,999 --large --json
//   npx playgrad lesson softmax --help
// Flags are the lesson's settings (the declarations that also make its controls and URL fields),
// validated the same way; a bad flag is an error (exit 2) naming what is expected.
import { fileURLToPath } from 'node:url';

import { load } from '../wasm/playgrad.mjs';
import { LESSONS, lessonById } from '../lessons/index.mjs';
import { bound, defaults, formatValue, parseSettings } from '../lessons/settings.mjs';
import { runSession } from '../lessons/session.mjs';
import { CONVENTIONS, DEFAULT_CONVENTION } from '../lessons/convention.mjs';

const USAGE = `usage: playgrad lesson <id> [--<setting> <value> ...] [--convention keras|pytorch] [--json]
       playgrad lesson <id> --help      the lesson's settings
       playgrad lessons                 the lessons`;

class UsageError extends Error {}

/** Parses argv (after the script) into { fields: Map, json, help, convention }. */
export function parseArgs(argv, lesson) {
  const fields = new Map();
  let json = false;
  let help = false;
  let convention;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') { json = true; continue; }
    if (a === '--help' || a === '-h') { help = true; continue; }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`);
    let name = a.slice(2);
    let value;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    if (name === 'convention') {
      // The page-wide Keras/PyTorch convention (lessons/convention.mjs), not a lesson setting.
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`--convention needs a value (${CONVENTIONS.join(' or ')})`);
        value = argv[++i];
      }
      if (convention !== undefined) throw new UsageError('--convention given twice');
      if (!CONVENTIONS.includes(value)) throw new UsageError(`--convention must be one of ${CONVENTIONS.join(', ')}, got '${value}'`);
      convention = value;
      continue;
    }
    const decl = lesson.settings.find((d) => d.name === name);
    if (!decl) {
      throw new UsageError(`unknown setting --${name} for lesson ${lesson.id} (settings: ${lesson.settings.map((d) => `--${d.name}`).join(' ')})`);
    }
    if (value === undefined) {
      // A boolean flag alone means on; every other type takes the next argument.
      if (decl.type === 'boolean' && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) value = '1';
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    }
    if (fields.has(name)) throw new UsageError(`--${name} given twice`);
    fields.set(name, value);
  }
  return { fields, json, help, convention: convention ?? DEFAULT_CONVENTION };
}

function settingsHelp(lesson) {
  const d0 = defaults(lesson.settings);
  const lines = [`settings of lesson ${lesson.id} (${lesson.title}):`];
  for (const d of lesson.settings) {
    let range = '';
    if (d.type === 'number' || d.type === 'integer') range = ` [${bound(d.min, d0)}, ${bound(d.max, d0)}]`;
    if (d.type === 'numbers') range = ` ${bound(d.minLength, d0)}-${bound(d.maxLength, d0)} values in [${d.min}, ${d.max}], comma-separated`;
    if (d.type === 'choice') range = ` one of ${bound(d.options, d0).map((o) => o.value).join(', ')}`;
    lines.push(`  --${d.name.padEnd(8)} ${d.label} (${d.type}${range}; default ${formatValue(d, d.default)})`);
  }
  lines.push(`  --convention ${CONVENTIONS.join('|')}  whose defaults and rules where the frameworks differ (every lesson; default ${DEFAULT_CONVENTION})`);
  return lines.join('\n');
}

// JSON without losing Infinity and NaN (which the overflow lessons are about).
const jsonValue = (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);

export async function main(argv, out = process.stdout) {
  const [cmd, id, ...rest] = argv;
  if (cmd === 'lessons') {
    const w = Math.max(...LESSONS.map((l) => l.id.length));
    for (const l of LESSONS) out.write(`${l.id.padEnd(w)} ${l.title}: ${l.summary}\n`);
    return 0;
  }
  if (cmd !== 'lesson' || !id || id.startsWith('--')) throw new UsageError(USAGE);
  const lesson = lessonById(id);
  if (!lesson) throw new UsageError(`no lesson '${id}' (lessons: ${LESSONS.map((l) => l.id).join(', ')})`);
  const { fields, json, help, convention } = parseArgs(rest, lesson);
  if (help) {
    out.write(`${settingsHelp(lesson)}\n`);
    return 0;
  }
  const parsed = parseSettings(lesson.settings, fields);
  const { problems } = parsed;
  const state = { ...parsed.state, convention };
  if (problems.length) throw new UsageError(problems.map((p) => p.message.replace(/ Using the default, .*$/, '')).join('\n'));
  const pg = await load();
  if (typeof lesson.session === 'function') return train(pg, lesson, state, json, out);
  const result = lesson.compute(pg, state);
  if (json) out.write(`${JSON.stringify({ lesson: lesson.id, settings: state, result }, jsonValue, 2)}\n`);
  else out.write(`${lesson.report(result, state).join('\n')}\n`);
  return 0;
}

/** A progress bar on stderr: [#######.............] 35/100 epochs (redrawn in place on a terminal). */
function progressBar(err) {
  const tty = !!err.isTTY;
  let lastShown = -1;
  return {
    update({ value, total, label = '' }) {
      const width = 30;
      const frac = total > 0 ? Math.min(1, value / total) : 0;
      const filled = Math.round(frac * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${value}/${total} ${label}`;
      if (tty) err.write(`\r${line}`);
      else if (Math.floor(frac * 10) !== lastShown) { lastShown = Math.floor(frac * 10); err.write(`${line}\n`); }
    },
    end() { if (tty) err.write('\n'); },
  };
}

// A training lesson runs to the end headless: with --json the session's result, else a progress
// bar on stderr and report(). Training that stopped on bad numbers exits 1 with the message.
export function train(pg, lesson, state, json, out, err = process.stderr) {
  const session = lesson.session(pg, state);
  try {
    const bar = json ? null : progressBar(err);
    runSession(session, { onProgress: bar ? (p) => bar.update(p) : undefined });
    bar?.end();
    const snapshot = session.snapshot();
    if (json) {
      const result = typeof session.result === 'function' ? session.result() : snapshot;
      out.write(`${JSON.stringify({ lesson: lesson.id, settings: state, result }, jsonValue, 2)}\n`);
    } else {
      out.write(`${lesson.report(snapshot, state).join('\n')}\n`);
    }
    if (session.failure) {
      err.write(`playgrad: training stopped: ${session.failure}\n`);
      return 1;
    }
    return 0;
  } finally {
    session.dispose?.();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`playgrad: ${e instanceof UsageError ? e.message : e.stack ?? e}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}
