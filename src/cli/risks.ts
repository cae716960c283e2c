import { readFile, writeFile } from 'node:fs/promises';
import type { RedisSettings, RiskSourceConfig } from '../config.js';
import { createRedis, describeRedis } from '../queue/connection.js';
import { parseRisksFile, risksFileText } from '../risks/file.js';
import { RiskStore } from '../risks/store.js';
import type { AcceptedRiskRecord } from '../risks/types.js';
import { AuditTrail } from '../trail.js';
import { UsageError, type ExceptionsArgs } from './args.js';

/** Where the CLI writes (src/cli/main.ts's CliIo). */
interface Out {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Accepted risks for the CLI: from the app's Redis (REDIS_URL) when it answers, else from a file written by
 * `sagemaker-audit exceptions export`. An unreachable Redis is a warning, never fatal for a scan: without either
 * source nothing is suppressed (a tool used without the app says nothing about it).
 */

type RiskSource = RiskSourceConfig & { redis: RedisSettings };

async function withRiskStore<T>(config: RiskSource, fn: (store: RiskStore) => Promise<T>): Promise<T> {
  const redis = createRedis(config.redis, 'one-shot');
  redis.on('error', () => undefined); // the failed connect() says what went wrong
  try {
    await redis.connect();
    return await fn(new RiskStore(redis, config.queuePrefix, new AuditTrail(redis, config.queuePrefix)));
  } finally {
    redis.disconnect();
  }
}

const where = (c: RiskSource) => `${describeRedis(c.redis)} (prefix ${c.queuePrefix})`;

/** The accepted risks a scan applies, and a line for stderr saying where they came from. */
export async function acceptedRisksForScan(config: RiskSourceConfig, file: string | undefined, io: Pick<Out, 'stderr'>): Promise<AcceptedRiskRecord[]> {
  const redis = config.redis;
  if (redis !== undefined) {
    const source = { ...config, redis };
    try {
      const risks = await withRiskStore(source, (store) => store.listActive());
      io.stderr(`accepted risks: ${risks.length} from ${where(source)}\n`);
      return risks;
    } catch (err) {
      io.stderr(`warning: accepted risks not read from ${where(source)}: ${(err as Error).message}${file ? `; using ${file}` : ''}\n`);
    }
  }
  if (file !== undefined) {
    const risks = parseRisksFile(await readText(file), file);
    io.stderr(`accepted risks: ${risks.length} from ${file}\n`);
    return risks;
  }
  return [];
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `sagemaker-audit exceptions export|import`: the app's accepted risks to a file, or a file's into the app's Redis. */
export async function exceptionsCommand(args: ExceptionsArgs, config: RiskSourceConfig, io: Out, now: Date): Promise<number> {
  const redis = config.redis;
  if (redis === undefined) throw new UsageError(`exceptions ${args.action} needs REDIS_URL: the app's Redis, where accepted risks live`);
  const source = { ...config, redis };
  if (args.action === 'export') {
    const risks = await withRiskStore(source, (store) => store.listActive());
    const text = risksFileText(risks, now);
    if (args.output !== undefined) {
      await writeFile(args.output, text, 'utf8');
      io.stderr(`${risks.filter((r) => Date.parse(r.expiresAt) > now.getTime()).length} accepted risks from ${where(source)} written to ${args.output}\n`);
    } else {
      io.stdout(text);
    }
    return 0;
  }
  const records = parseRisksFile(await readText(args.file), args.file);
  const counts = await withRiskStore(source, (store) => store.importRisks(records, 'cli-import', now));
  io.stderr(`${args.file}: ${counts.imported} imported, ${counts.updated} updated, ${counts.skipped} skipped (expired) into ${where(source)}\n`);
  return 0;
}
