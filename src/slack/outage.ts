import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import { isRedisUnavailable } from '../queue/availability.js';

/**
 * While Redis is away nothing a person does can be recorded: a command starts nothing, an Approve or Deny click
 * decides nothing. They are told so, only to them, and asked to try again, instead of a silent empty answer.
 */

const COMMAND_TEXT = ':warning: The job queue (Redis) is unavailable; nothing was started. Try again in a minute.';
const CLICK_TEXT = ':warning: Your click was not recorded: the job queue (Redis) is unavailable, so nothing changed. Try again in a minute.';
const FORM_TEXT = ':warning: Your form was not saved: the job queue (Redis) is unavailable, so nothing changed. Submit it again in a minute.';

/** The modal a submission is answered with while Redis is away (the person's form stays one Back away). */
const NOT_SAVED_VIEW = {
  type: 'modal',
  title: { type: 'plain_text', text: 'Not saved' },
  close: { type: 'plain_text', text: 'Close' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: FORM_TEXT } }],
};

interface Answerable {
  body: { command?: unknown; type?: unknown; user?: { id?: string } };
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: unknown) => Promise<unknown>;
}

/**
 * Tells the person their request was not recorded. `acked`: whether the listener already acknowledged it (then the
 * answer goes through response_url). Not yet acknowledged, a command is answered in its ack, a modal submission
 * with a modal saying so; a submission already acknowledged has closed its modal and has no response_url: it is
 * only logged.
 */
export async function tellNotRecorded(args: AnyMiddlewareArgs, acked: boolean, logger: Logger): Promise<void> {
  const a = args as unknown as Answerable;
  const isCommand = typeof a.body.command === 'string';
  const isForm = a.body.type === 'view_submission';
  try {
    if (!acked && a.ack) {
      if (isCommand) return await a.ack({ response_type: 'ephemeral', text: COMMAND_TEXT });
      if (isForm) return await a.ack({ response_action: 'update', view: NOT_SAVED_VIEW });
      await a.ack();
    }
    if (isForm) {
      logger.warn({ code: 'QUEUE_UNAVAILABLE', user: a.body.user?.id }, 'a modal submission could not be saved and its modal is closed: the person was not told');
      return;
    }
    if (a.respond) await a.respond({ response_type: 'ephemeral', replace_original: false, text: isCommand ? COMMAND_TEXT : CLICK_TEXT });
  } catch (err) {
    logger.warn({ err }, 'could not tell the user that their request was not recorded');
  }
}

/**
 * Global middleware: a listener that fails because Redis is unreachable is answered with `tellNotRecorded` (listeners
 * ack first, so the answer goes through response_url). Other errors go on to the app's error handler.
 */
export function redisOutageNotice(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (err) {
      if (!isRedisUnavailable(err)) throw err;
      logger.warn({ code: 'QUEUE_UNAVAILABLE', error: err instanceof Error ? err.message : String(err) }, 'a Slack request could not be recorded: Redis is unavailable');
      await tellNotRecorded(args, true, logger);
    }
  };
}
