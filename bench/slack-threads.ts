/**
 * Worker-thread side of bench/slack.bench.ts, so the load generator and the AWS stand-in do not share the event loop
 * of the app being measured (in production they are other machines).
 *   role 'aws':  starts the AWS stand-in, seeds the fleet, answers { url, resources }.
 *   role 'load': on each { url, secret, count, text, channel, responseUrl } message, sends `count` concurrent signed
 *                slash commands and answers { latencies, statuses }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startAwsStandin } from '../test/support/aws-standin/index.js';
import { seedFleet } from '../test/support/fleet.js';
import { postSigned, slashCommandBody } from '../test/support/slack-standin/index.js';

const port = parentPort!;
const data = workerData as { role: 'aws' | 'load'; accounts?: string[]; regions?: string[]; resources?: number; latencyMs?: number };

if (data.role === 'aws') {
  const aws = await startAwsStandin({ transitionDelayMs: 0, seed: 7, latencyMs: data.latencyMs ?? 20 });
  const fleet = seedFleet(aws, { accounts: data.accounts!, regions: data.regions!, resourcesTotal: data.resources!, seed: 42 });
  port.postMessage({ url: aws.url, resources: fleet.resources.length });
  port.on('message', async (m: { type: string }) => {
    if (m.type === 'close') {
      await aws.close();
      port.postMessage({ closed: true });
    }
  });
} else {
  let seq = 0;
  port.on('message', async (m: { url: string; secret: string; count: number; text: string; channel: string; responseUrl: string }) => {
    // Bodies signed up front: only the request itself is timed.
    const bodies = Array.from({ length: m.count }, () => slashCommandBody({ text: m.text, userId: `U0LOAD${++seq}`, channelId: m.channel, responseUrl: `${m.responseUrl}-${seq}` }));
    const results = await Promise.all(bodies.map((b) => postSigned(m.url, m.secret, b)));
    port.postMessage({ latencies: results.map((r) => r.ms), statuses: results.map((r) => r.status) });
  });
}
