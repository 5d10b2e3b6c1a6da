// The module object itself (not a copy), so that a test can stand in for a file system that refuses writes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
import * as path from 'path';
import { Problem, problem } from './errors';

/** One file synthesis is about to write: its path relative to the project and the construct that owns it. */
export interface WriteTarget {
  readonly path: string;
  readonly source: string;
}

/**
 * Every target that synthesis could not write, found before anything is written, so that a failure never leaves
 * some files rewritten and others old. A target fails when a directory stands where the file goes, when one of
 * its parents is a file, when the file exists and can neither be written nor have its mode changed (projen makes
 * a read-only file writable before rewriting it: an immutable file or one owned by another user stops it), when
 * the nearest existing directory does not accept new files, or when one name in its path is too long for a file system.
 */
export function unwritableProblems(outdir: string, targets: readonly WriteTarget[]): Problem[] {
  const problems: Problem[] = [];
  for (const t of targets) {
    const why = whyUnwritable(outdir, t.path);
    if (why) problems.push(problem('SS-FILE-UNWRITABLE', t.source, 'path', t.path, 'a path synthesis can write', `${why} Nothing was written.`));
  }
  return problems;
}

/** The longest file or directory name (in UTF-8 bytes) Linux and macOS file systems accept (NAME_MAX). */
const NAME_MAX_BYTES = 255;

function whyUnwritable(outdir: string, rel: string): string | undefined {
  const long = rel.split(/[\\/]/).find((part) => Buffer.byteLength(part, 'utf8') > NAME_MAX_BYTES);
  if (long !== undefined) {
    return `the name '${long.slice(0, 40)}…' is ${Buffer.byteLength(long, 'utf8')} bytes long: file systems accept at most ${NAME_MAX_BYTES}. Shorten the input it comes from.`;
  }
  const abs = path.join(outdir, rel);
  const stat = lstat(abs);
  if (stat?.isDirectory()) return `'${rel}' is a directory where a generated file goes: move it away.`;
  if (stat) {
    if (canWrite(abs)) return undefined;
    try {
      // The same mode again: a no-op where projen's own chmod would succeed, EPERM where it would fail.
      fs.chmodSync(abs, stat.mode % 0o10000);
      return undefined;
    } catch {
      return `'${rel}' cannot be written or made writable: it is immutable (\`chattr -i ${rel}\`) or owned by another user (\`sudo chown "$(id -u)" ${rel}\`, for example after a container run).`;
    }
  }
  // A new file: the nearest existing ancestor must be a directory that accepts new entries.
  let dir = path.dirname(abs);
  for (;;) {
    const s = lstat(dir);
    if (s && !s.isDirectory() && !s.isSymbolicLink()) return `'${path.relative(outdir, dir) || '.'}' is a file where '${rel}' needs a directory: move it away.`;
    if (s) return canWrite(dir) ? undefined : `the directory '${path.relative(outdir, dir) || '.'}' does not accept new files (read-only, or owned by another user).`;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function canWrite(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
