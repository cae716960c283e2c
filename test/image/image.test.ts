import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/controls/index.js';
import { REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../queue/redis.js';
import { until } from '../remediation/harness.js';
import { imageFiles, rebuildImage, type RebuiltImage } from '../support/image.js';
import { freePort } from '../support/ports.js';
import { SlackStandin } from '../support/slack-standin/index.js';

/**
 * The image, proven without Docker (`npm run image:check`): the Dockerfile's stages rebuilt in a temp dir
 * (test/support/image.ts), then its CMD, its HEALTHCHECK, the CLI and the digest chart run there with nothing but
 * the image's files and production dependencies.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let image: RebuiltImage;
let slack: SlackStandin;
const redis = testRedis();
const prefix = uniquePrefix('image');

beforeAll(async () => {
  image = rebuildImage(ROOT);
  slack = await SlackStandin.start();
}, 300_000);
afterAll(async () => {
  await Promise.all([image?.remove(), slack?.close(), deletePrefix(redis, prefix)]);
  await redis.quit();
}, 120_000);

/** A command of the image, run in it: `node` is this Node (the image's base is the same major version). */
function imageCommand(argv: string[]): [string, string[]] {
  const [bin, ...rest] = argv;
  return [bin === 'node' ? process.execPath : bin!, rest];
}

/**
 * The image's HEALTHCHECK command against `port`: its exit status. Docker gives it 3 s on a container's own CPU; a
 * machine as loaded as a shared test machine can take longer just to start node, so the check waits up to 20 s.
 */
function healthcheck(port: number): number | null {
  const [bin, args] = imageCommand(image.healthcheck);
  return spawnSync(bin, args, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, timeout: 20_000 }).status;
}

describe('the image, rebuilt from the Dockerfile without Docker', () => {
  it('holds exactly what the Dockerfile copies: the build, the bin, package.json and production dependencies', () => {
    const files = imageFiles(image.dir);
    expect([...new Set(files.map((f) => f.split('/')[0]))].sort()).toEqual(['bin', 'dist', 'node_modules', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['bin/sagemaker-audit.mjs', 'dist/cli.mjs', 'dist/src/main.js', 'dist/src/web.js', 'dist/workers/main.js']));
    expect(files.filter((f) => !f.endsWith('.js') && !f.endsWith('.mjs') && f.startsWith('dist/'))).toEqual([]);
    const modules = (name: string): boolean => existsSync(join(image.dir, 'node_modules', name));
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild', 'eslint']) expect(modules(dev), dev).toBe(false);
    for (const prod of ['bullmq', 'ioredis', 'pino', 'zod', '@slack', '@aws-sdk', '@resvg', 'echarts']) expect(modules(prod), prod).toBe(true);
    console.log(`not reproduced without Docker: ${image.notReproduced.join('; ')}`);
  });

  it('its CMD starts web and workers: /healthz answers, the HEALTHCHECK passes, SIGTERM stops both', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const [bin, args] = imageCommand(image.cmd);
    const env = {
      PATH: process.env.PATH ?? '',
      ...image.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'image-check-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const started = performance.now();
    const app = spawn(bin, args, { cwd: image.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    app.stdout.on('data', (d: Buffer) => (output += d.toString()));
    app.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => app.on('exit', (code) => resolve(code)));
    try {
      let status = 0;
      while (status !== 200 && app.exitCode === null && performance.now() - started < 60_000) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status, output).toBe(200);
      console.log(`image CMD: /healthz answered ${(performance.now() - started).toFixed(0)} ms after start`);
      expect(healthcheck(port)).toBe(0);
      await until(() => output.includes('"role":"workers"') && output.includes('workers started'), 30_000, 'the workers to start');
    } finally {
      app.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    expect(output).toMatch(/"role":"workers".*"msg":"stopped"/);
    expect(healthcheck(port)).toBe(1);
  });

  it('sagemaker-audit controls runs from the image', () => {
    const out = execFileSync(process.execPath, ['bin/sagemaker-audit.mjs', 'controls', '--format', 'json'], { cwd: image.dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect((JSON.parse(out) as { id: string }[]).map((c) => c.id)).toEqual(CONTROLS.map((c) => c.metadata.id));
  });

  it('the digest chart renders with the font the image installs, and only with it', () => {
    // The image installs fonts-dejavu-core from Debian bookworm; this machine has the same package. Its font files:
    expect(image.aptPackages).toContain('fonts-dejavu-core');
    let listed: string;
    try {
      listed = execFileSync('dpkg', ['-L', 'fonts-dejavu-core'], { encoding: 'utf8' });
    } catch {
      throw new Error('fonts-dejavu-core is not installed on this machine (apt-get install fonts-dejavu-core): the chart cannot be checked with the image\'s font');
    }
    const fontFiles = listed.split('\n').filter((f) => f.endsWith('.ttf'));
    expect(fontFiles.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']));

    // The product's render (system fonts), a render given only the package's files, and one with no font at all.
    const chart = pathToFileURL(join(image.dir, 'dist/src/digest/chart.js')).href;
    const script = `
      import { Resvg } from '@resvg/resvg-js';
      import { createHash } from 'node:crypto';
      import { trendChartSvg, svgToPng } from ${JSON.stringify(chart)};
      const points = Array.from({ length: 30 }, (_, i) => ({ day: '2026-01-' + String(i + 1).padStart(2, '0'), counts: { CRITICAL: i % 3, HIGH: i % 5, MEDIUM: 4, LOW: 1 } }));
      const svg = trendChartSvg(points);
      const only = (fontFiles) => Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: 1200 }, background: '#ffffff', font: { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
      const hash = (b) => createHash('sha256').update(b).digest('hex');
      const product = svgToPng(svg);
      console.log(JSON.stringify({ product: hash(product), bytes: product.length, imageFont: hash(only(${JSON.stringify(fontFiles)})), noFont: hash(only([])) }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: image.dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' })) as Record<string, string | number>;
    expect(out.product).toBe(out.imageFont);
    expect(out.product).not.toBe(out.noFont);
    expect(out.bytes).toBeGreaterThan(10_000);
  });

  it('builds dist/ from the sources in the context (never a local dist/), byte for byte the build the tests ran', () => {
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).toContain('dist');
    const digest = (dir: string): string => {
      const hash = createHash('sha256');
      for (const f of imageFiles(dir)) hash.update(`${f}\0`).update(readFileSync(join(dir, f)));
      return hash.digest('hex');
    };
    expect(digest(join(image.dir, 'dist'))).toBe(digest(join(ROOT, 'dist')));
  });
});
