import { spawn, type ChildProcess } from 'node:child_process';

/**
 * An entry point of the app (src/main.ts, src/web.ts, workers/main.ts) as its own process, as an operator starts it:
 * only the variables given (plus PATH and HOME), its output kept line by line with the time each line arrived.
 */
export interface AppProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Lines printed so far, each with when it arrived (ms since epoch). */
  lines(): { at: number; text: string }[];
  /** Resolves once a line matches (or rejects after `timeoutMs` / when the process exits). */
  waitForLine(pattern: RegExp, timeoutMs?: number, after?: number): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function startApp(entry: string, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: { at: number; text: string }[] = [];
  let partial = '';
  const take = (d: Buffer): void => {
    output += d.toString();
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now(), text });
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      code = c;
      resolve(c);
    }),
  );
  return {
    child,
    exited,
    output: () => output,
    lines: () => lines,
    async waitForLine(pattern, timeoutMs = 60_000, after = 0) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = lines.find((l) => l.at >= after && pattern.test(l.text));
        if (hit) return hit.text;
        if (code !== undefined) throw new Error(`the process exited (${code}) before printing ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no line matched ${pattern} within ${timeoutMs} ms:\n${output}`);
    },
    async stop() {
      if (code === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** GET `url` until it answers `status` (or `timeoutMs`); resolves to the last status and body. */
export async function pollUntil(url: string, status: number, timeoutMs = 60_000): Promise<{ status: number; body: string }> {
  const until = Date.now() + timeoutMs;
  let last = { status: 0, body: '' };
  while (Date.now() < until) {
    last = await fetch(url).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      () => ({ status: 0, body: '' }),
    );
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
