import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { HOME_ACTION_IDS, HOME_BLOCK_IDS } from '../ids.js';
import { afterAck, tellUser } from '../listener-kit.js';
import { code } from '../mrkdwn.js';
import { launchAudit } from '../commands/audit.js';

/**
 * App Home's run buttons: "Audit now" (the configured scope, every control) and "Digest now", into the channel picked
 * in the Home's channel select (read from the view's state). The answer appears at the top of the person's Home.
 */

/** The channel picked in the Home view's select, if any. */
function pickedChannel(body: BlockAction): string | undefined {
  const values = (body.view as { state?: { values?: Record<string, Record<string, { selected_conversation?: string | null }>> } } | undefined)?.state?.values;
  return values?.[HOME_BLOCK_IDS.run]?.[HOME_ACTION_IDS.channel]?.selected_conversation ?? undefined;
}

export function registerHomeActions(app: App, deps: ListenerDeps): void {
  // Picking a channel only changes the view's state, which the buttons read: nothing to do but acknowledge.
  app.action(HOME_ACTION_IDS.channel, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTION_IDS.audit, async ({ ack, body, client }) => {
    await ack();
    await afterAck();
    const channelId = pickedChannel(body);
    if (!channelId) {
      await tellUser(client, body, ':point_down: Pick a channel for the audit first.', deps);
      return;
    }
    const { accounts, regions } = deps.config;
    const started = await launchAudit(
      { channelId, userId: body.user.id, scope: { accounts: [...accounts], regions: [...regions], controls: [], source: 'both' }, idBasis: `home:${body.user.id}:${body.trigger_id}` },
      client,
      deps,
    );
    await tellUser(client, body, started.ok ? `:mag: Auditing the configured scope into <#${channelId}>: the summary and proposals appear there.` : started.message, deps);
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTION_IDS.digest, async ({ ack, body, client }) => {
    await ack();
    await afterAck();
    const channelId = pickedChannel(body);
    if (!channelId) {
      await tellUser(client, body, ':point_down: Pick a channel for the digest first.', deps);
      return;
    }
    try {
      await deps.producers.enqueueDigest({ requestedBy: body.user.id, channelId });
      await tellUser(client, body, `:newspaper: A digest is on its way to <#${channelId}> (it runs a full audit first).`, deps);
    } catch (err) {
      deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE' }, 'could not queue the digest');
      await tellUser(client, body, `:warning: I could not queue the digest for ${code(channelId)} (the job queue is unavailable). Try again in a moment.`, deps);
    }
  });
}
