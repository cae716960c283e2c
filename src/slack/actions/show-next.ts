import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { parseShowNextValue } from '../blocks/audit.js';
import type { ListenerDeps } from '../deps.js';
import { ACTION_IDS } from '../ids.js';
import { channelOf, tellUser } from '../listener-kit.js';

/**
 * "Show next" at the end of an audit thread: queues the job that posts the next page of the audit's proposals (job id
 * from the audit and page, so a double click posts once). Anyone in the channel may ask: it shows, it decides nothing.
 */
export function registerShowNextAction(app: App, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.showNext, async ({ ack, body, action, client }) => {
    await ack();
    const parsed = parseShowNextValue(action.value);
    const channelId = channelOf(body);
    const messageTs = body.message?.ts;
    if (!parsed || !channelId || !messageTs) {
      await tellUser(client, body, ':warning: I cannot tell which audit this button belongs to. Run the audit again.', deps);
      return;
    }
    try {
      await deps.producers.enqueueShowNext({ ...parsed, channelId, messageTs, clickedBy: body.user.id });
    } catch (err) {
      deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE', auditId: parsed.auditId }, 'could not queue the next proposals');
      await tellUser(client, body, ':warning: I could not queue that (the job queue is unavailable). Try again in a moment.', deps);
    }
  });
}
