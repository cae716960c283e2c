import { LogLevel, type Logger } from '@slack/bolt';
import { WebAPIPlatformError } from '@slack/web-api';

/** Shared by the stand-in's own tests: a logger that says nothing, and a bounded wait. */

const nothing = (): void => undefined;

export const quietLogger: Logger = {
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: nothing,
  setLevel: nothing,
  getLevel: () => LogLevel.ERROR,
  setName: nothing,
};

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

/** The Slack error body a call failed with (`{ ok: false, error, … }`), or `{ ok: true }`; other failures throw. */
export async function outcome(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WebAPIPlatformError) return err.data as unknown as Record<string, unknown>;
    throw err;
  }
  return { ok: true };
}
