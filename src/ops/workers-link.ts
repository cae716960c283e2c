import type { MetricsSource, ReadinessCheck } from './http.js';

/**
 * `npm start` runs the workers apart from the web side (a worker thread, or a child process), with their own metrics
 * registry and their own connections: the web side's /metrics and /readyz ask them over the message channel between
 * the two. A worker_threads Worker and its parentPort fit `MessageLink` as they are; a child process and `process`
 * in the child fit through `ipcLink`.
 */
export interface MessageLink {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A child process's IPC channel (the ChildProcess in the parent, `process` in the child) as a MessageLink. */
export function ipcLink(channel: { send?(message: unknown): unknown; on(event: 'message', listener: (message: unknown) => void): unknown; off(event: 'message', listener: (message: unknown) => void): unknown }): MessageLink {
  return {
    postMessage: (message) => void channel.send?.(message),
    on: (event, listener) => channel.on(event, listener),
    off: (event, listener) => channel.off(event, listener),
  };
}

type Topic = 'metrics' | 'readiness';
interface OpsRequest {
  type: 'ops-request';
  id: number;
  topic: Topic;
}
interface OpsResponse {
  type: 'ops-response';
  id: number;
  value?: unknown;
  error?: string;
}

const isRequest = (m: unknown): m is OpsRequest => (m as OpsRequest | undefined)?.type === 'ops-request';
const isResponse = (m: unknown): m is OpsResponse => (m as OpsResponse | undefined)?.type === 'ops-response';

/** In the workers' thread or process: answers the web side's requests. `readiness` resolves when ready, rejects with what is wrong. */
export function answerOpsRequests(link: MessageLink, answers: { metrics(): Promise<object[]>; readiness(): Promise<void> }): void {
  link.on('message', (m) => {
    if (!isRequest(m)) return;
    const work = m.topic === 'metrics' ? answers.metrics() : answers.readiness();
    work.then(
      (value) => link.postMessage({ type: 'ops-response', id: m.id, value } satisfies OpsResponse),
      (err: unknown) => link.postMessage({ type: 'ops-response', id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies OpsResponse),
    );
  });
}

/** On the web side: the workers' metrics and readiness, each answer awaited at most `timeoutMs`. */
export function askWorkers(link: MessageLink, timeoutMs = 2000): { metrics: MetricsSource; readiness: ReadinessCheck } {
  let next = 0;
  const ask = (topic: Topic): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const onMessage = (m: unknown): void => {
        if (!isResponse(m) || m.id !== id) return;
        done();
        if (m.error !== undefined) reject(new Error(m.error));
        else resolve(m.value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the workers did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        link.off('message', onMessage);
      };
      link.on('message', onMessage);
      link.postMessage({ type: 'ops-request', id, topic } satisfies OpsRequest);
    });
  return {
    metrics: async () => [(await ask('metrics')) as object],
    readiness: async () => {
      await ask('readiness');
    },
  };
}
