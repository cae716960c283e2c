import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { errorCode, errorMessage } from './errors.js';
import { parseResourceEvent, type ResourceEvent } from './events.js';

/**
 * The consumer of the hub's event queue (one per worker process). It long-polls, turns each message into a
 * ResourceEvent and hands it on; a message is deleted only once its job is safely queued (or it names nothing to
 * audit, or is in a shape this app does not understand: logged, never retried forever). A message whose hand-off
 * fails stays: SQS delivers it again after its visibility timeout, and moves it to the dead-letter queue after the
 * queue's maxReceiveCount. While the job queue cannot take jobs (Redis down) no message is received, so an outage
 * does not push good messages into the dead-letter queue.
 */
export interface EventQueueOptions {
  client: SQSClient;
  queueUrl: string;
  /** Queues the event's job; resolves once it is safely stored. */
  handle(event: Extract<ResourceEvent, { type: 'resource' }>): Promise<void>;
  /** Whether jobs can be queued right now. */
  canEnqueue(): boolean;
  logger?: Logger;
  /** Long poll, at most 20 s (SQS's limit). */
  waitSeconds?: number;
  /** Messages per receive, 1–10. */
  maxMessages?: number;
  /** Pause before trying again after a receive error or while jobs cannot be queued. */
  pauseMs?: number;
}

export interface EventQueueStats {
  received: number;
  queued: number;
  ignored: number;
  unknown: number;
  failed: number;
}

export interface EventQueueConsumer {
  readonly stats: EventQueueStats;
  /** Stops receiving (an open long poll is aborted) and waits for the messages in hand. */
  stop(): Promise<void>;
}

export function startEventQueueConsumer(o: EventQueueOptions): EventQueueConsumer {
  const stats: EventQueueStats = { received: 0, queued: 0, ignored: 0, unknown: 0, failed: 0 };
  const abort = new AbortController();
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  const log = o.logger;

  const remove = async (m: Message): Promise<void> => {
    await o.client.send(new DeleteMessageCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle }));
  };

  const handleMessage = async (m: Message): Promise<void> => {
    const where = { messageId: m.MessageId, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1) };
    let body: unknown;
    try {
      body = JSON.parse(m.Body ?? '');
    } catch {
      body = undefined;
    }
    const event = parseResourceEvent(body);
    if (event.type !== 'resource') {
      stats[event.type] += 1;
      if (event.type === 'unknown') log?.warn({ ...where, reason: event.reason }, 'event in an unknown shape: dropped');
      else log?.debug({ ...where, reason: event.reason }, 'event names nothing to audit: dropped');
      await remove(m);
      return;
    }
    try {
      await o.handle(event);
    } catch (err) {
      stats.failed += 1;
      log?.error({ ...where, code: errorCode(err), error: errorMessage(err), resource: event.ref.arn }, 'could not queue the audit for an event; it will be delivered again');
      return;
    }
    stats.queued += 1;
    await remove(m);
  };

  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      if (!o.canEnqueue()) {
        await pause(o.pauseMs ?? 1000);
        continue;
      }
      let messages: Message[];
      try {
        const out = await o.client.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: o.maxMessages ?? 10,
            WaitTimeSeconds: o.waitSeconds ?? 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (abort.signal.aborted) break;
        log?.warn({ code: errorCode(err), error: errorMessage(err) }, 'could not receive from the event queue; trying again');
        await pause(o.pauseMs ?? 1000);
        continue;
      }
      stats.received += messages.length;
      await Promise.all(
        messages.map((m) =>
          handleMessage(m).catch((err: unknown) => log?.error({ messageId: m.MessageId, code: errorCode(err), error: errorMessage(err) }, 'could not delete an event message')),
        ),
      );
    }
  };
  const running = loop();

  return {
    stats,
    async stop() {
      abort.abort();
      await running;
    },
  };
}

/** The Region of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), else `fallback`. */
export function queueRegion(queueUrl: string, fallback: string): string {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(queueUrl)?.[1] ?? fallback;
}
