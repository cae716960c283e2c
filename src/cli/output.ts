import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './args.js';

/** The `--output` file, opened before the scan so a path that cannot be written fails in a second, not after it. */
export interface ReportFile {
  /** Replaces the file's content with `text` and closes it. */
  write(text: string): Promise<void>;
  /** When nothing was written: closes it, and removes it again if this run created it. */
  discard(): Promise<void>;
}

const codeOf = (err: unknown): string | undefined => (err as { code?: string }).code;

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** The closest ancestor of `path` that exists (a file there is why the folder "does not exist"). */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = await statOrUndefined(dir);
    if (s) return { path: dir, isDirectory: s.isDirectory() };
    if (dirname(dir) === dir) return { path: dir, isDirectory: true };
  }
}

/** Why `path` cannot be written, as one sentence that names the file (and the folder, when the folder is the problem). */
async function whyNot(path: string, err: unknown, existed: boolean): Promise<string> {
  const code = codeOf(err);
  const folder = dirname(path);
  if (code === 'EISDIR') return `--output ${path} is a directory`;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const nearest = await nearestExisting(path);
    return nearest.isDirectory ? `--output ${path}: the folder ${folder} does not exist` : `--output ${path}: ${nearest.path} is not a folder`;
  }
  if (code === 'EACCES' || code === 'EPERM') return existed ? `--output ${path}: no permission to write it` : `--output ${path}: no permission to write in ${folder}`;
  if (code === 'EROFS') return `--output ${path}: ${folder} is on a read-only file system`;
  return `--output ${path}: ${code ?? 'error'}: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Opens `path` for the report without changing it yet (append mode: an existing file keeps its content until the
 * report replaces it). Throws a UsageError naming the file when it cannot be written.
 */
export async function openReportFile(path: string): Promise<ReportFile> {
  const before = await statOrUndefined(path);
  if (before?.isDirectory()) throw new UsageError(`--output ${path} is a directory`);
  let handle: FileHandle;
  try {
    handle = await open(path, 'a');
  } catch (err) {
    throw new UsageError(await whyNot(path, err, before !== undefined));
  }
  let written = false;
  return {
    async write(text) {
      written = true;
      try {
        await handle.truncate(0);
        await handle.writeFile(text, 'utf8');
      } catch (err) {
        throw new UsageError(`could not write the report to ${path}: ${codeOf(err) ?? 'error'}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await handle.close();
      }
    },
    async discard() {
      if (written) return;
      await handle.close();
      if (!before) await unlink(path).catch(() => undefined);
    },
  };
}
