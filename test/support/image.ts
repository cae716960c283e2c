/**
 * The container image without Docker: reads the Dockerfile and rebuilds what its stages produce in a temp dir, so
 * the image check (test/image/image.test.ts) and the start-up benchmark (bench/startup.bench.ts) run exactly the files
 * the image holds, with only its production dependencies. The Dockerfile is the one file list: change a COPY line and
 * the rebuild follows it.
 *
 * What it cannot do here, it says (`notReproduced`): system packages (apt-get) are looked up on this machine instead
 * of installed, the build stage's full `npm ci` reuses this checkout's node_modules (same package-lock.json), the
 * image's user and its ENTRYPOINT (tini) are not applied, and `npm cache clean` is skipped (it would empty this
 * machine's npm cache).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

const KNOWN = new Set(['FROM', 'WORKDIR', 'ENV', 'COPY', 'RUN', 'USER', 'EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD']);

/** Stages of a Dockerfile: continuation lines joined, comments dropped. Instructions it does not know are errors. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (!KNOWN.has(op.toUpperCase())) throw new Error(`Dockerfile: the image check does not know ${op} (${line})`);
    if (op.toUpperCase() === 'FROM') {
      const [base = '', as, name] = args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : `stage-${stages.length}`, base, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    stage.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

/** .dockerignore as path prefixes (the only form this project uses; anything else is an error). */
function dockerignore(root: string): string[] {
  const file = join(root, '.dockerignore');
  if (!existsSync(file)) return [];
  const patterns = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  for (const p of patterns) if (/[*?![\]]/.test(p)) throw new Error(`.dockerignore: the image check understands plain paths only, not ${p}`);
  return patterns.map((p) => p.replace(/^\/+|\/+$/g, ''));
}

export interface RebuiltImage {
  /** The final stage's WORKDIR. */
  dir: string;
  /** Its ENV. */
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  /** Debian packages the final stage installs. */
  aptPackages: string[];
  /** What this rebuild did not do as Docker would, in words. */
  notReproduced: string[];
  remove(): Promise<void>;
}

/** Splits `A=1 B=two` (no quoting: the Dockerfile uses none). */
function envPairs(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(/\s+/).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`Dockerfile: ENV ${args}: only KEY=value pairs are understood`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

function execForm(args: string, what: string): string[] {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
  } catch {
    // reported below
  }
  throw new Error(`Dockerfile: ${what} must be in exec form (a JSON array): ${args}`);
}

/** Rebuilds the Dockerfile at `root` into a temp dir. Slow (a production `npm ci`): once per test file. */
export function rebuildImage(root: string): RebuiltImage {
  const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const ignored = dockerignore(root);
  const isIgnored = (rel: string): boolean => ignored.some((p) => rel === p || rel.startsWith(`${p}/`));
  const tmp = mkdtempSync(join(tmpdir(), 'sagemaker-audit-image-'));
  /** Each stage's WORKDIR and the temp dir standing for it. */
  const dirs = new Map<string, { workdir: string; dir: string }>();
  const notReproduced = new Set<string>();
  const final: Omit<RebuiltImage, 'dir' | 'notReproduced' | 'remove'> = { env: {}, cmd: [], healthcheck: [], aptPackages: [] };
  let dir = tmp;

  for (const stage of stages) {
    let workdir: string | undefined;
    final.env = {};
    final.aptPackages = [];
    const at = (path: string): string => {
      if (!workdir) throw new Error(`Dockerfile: stage ${stage.name} uses ${path} before WORKDIR`);
      return join(dir, path.startsWith('/') ? relative(workdir, path) : path);
    };
    for (const { op, args } of stage.instructions) {
      switch (op) {
        case 'WORKDIR':
          workdir = args;
          dir = join(tmp, stage.name);
          mkdirSync(dir, { recursive: true });
          dirs.set(stage.name, { workdir: args, dir });
          break;
        case 'ENV':
          Object.assign(final.env, envPairs(args));
          break;
        case 'COPY': {
          const words = args.split(/\s+/);
          const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
          const dest = words.pop()!;
          for (const src of words) {
            let source: string;
            if (from) {
              const other = dirs.get(from);
              if (!other) throw new Error(`Dockerfile: COPY --from=${from}: no such stage before ${stage.name}`);
              source = join(other.dir, relative(other.workdir, src));
            } else {
              if (isIgnored(src)) throw new Error(`Dockerfile: COPY ${src} is excluded by .dockerignore`);
              source = join(root, src);
            }
            if (!existsSync(source)) throw new Error(`Dockerfile: COPY ${src}: not found (${source})`);
            const target = dest.endsWith('/') || words.length > 1 ? join(at(dest), src.split('/').pop()!) : at(dest);
            mkdirSync(dirname(target), { recursive: true });
            cpSync(source, target, {
              recursive: true,
              dereference: true,
              filter: (p) => from !== undefined || !isIgnored(relative(root, p)),
            });
          }
          break;
        }
        case 'RUN':
          for (const command of args.split('&&').map((c) => c.trim())) {
            if (/^apt-get install\b/.test(command)) {
              final.aptPackages.push(...command.replace(/^apt-get install/, '').split(/\s+/).filter((w) => w !== '' && !w.startsWith('-')));
              notReproduced.add('system packages (apt-get install) are looked up on this machine, not installed');
            } else if (/^(apt-get|rm -rf \/var\/lib\/apt)/.test(command)) {
              continue;
            } else if (command === 'npm cache clean --force') {
              notReproduced.add('npm cache clean is skipped (it would empty this machine\'s npm cache)');
            } else if (/^npm ci\b/.test(command) && !command.includes('--omit=dev')) {
              // The build stage's full install: this checkout's node_modules, installed from the same lock file.
              if (readFileSync(join(dir, 'package-lock.json'), 'utf8') !== readFileSync(join(root, 'package-lock.json'), 'utf8')) throw new Error('package-lock.json differs');
              // Hard links, not a symlink: the bundler records real paths, and the build must match the checkout's.
              execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
              notReproduced.add(`the ${stage.name} stage's full npm ci reuses this checkout's node_modules (same package-lock.json)`);
            } else {
              // Offline from the npm cache when it has the packages, else from the registry.
              const line = /^npm ci\b/.test(command) ? `${command} --prefer-offline` : command;
              execFileSync('sh', ['-c', line], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...final.env } });
            }
          }
          break;
        case 'HEALTHCHECK': {
          const cmd = /\bCMD\s+(.*)$/.exec(args);
          if (!cmd?.[1]) throw new Error(`Dockerfile: HEALTHCHECK without CMD: ${args}`);
          final.healthcheck = execForm(cmd[1], 'HEALTHCHECK CMD');
          break;
        }
        case 'CMD':
          final.cmd = execForm(args, 'CMD');
          break;
        case 'USER':
          notReproduced.add(`USER ${args} is not applied (processes run as this machine's user)`);
          break;
        case 'ENTRYPOINT':
          notReproduced.add(`ENTRYPOINT ${args} is not applied (the CMD is started directly)`);
          break;
        case 'EXPOSE':
          break;
        default:
          throw new Error(`Dockerfile: ${op} is not handled`);
      }
    }
  }
  if (final.cmd.length === 0) throw new Error('Dockerfile: the final stage has no CMD');
  return {
    ...final,
    dir,
    notReproduced: [...notReproduced],
    remove: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** Files of `dir` (relative paths), recursively, with `node_modules` as one entry. */
export function imageFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .flatMap((e) => {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      return e.isDirectory() && rel !== 'node_modules' ? imageFiles(dir, rel) : [rel];
    })
    .sort();
}
