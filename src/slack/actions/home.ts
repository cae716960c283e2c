import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
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

/** A run button's click: acknowledged, then `run` with the picked channel, or a question when none is picked. */
function runInto(what: string, deps: ListenerDeps, run: (channelId: string, body: BlockAction, client: WebClient) => Promise<string>) {
  return async ({ ack, body, client }: { ack: () => Promise<void>; body: BlockAction; client: WebClient }): Promise<void> => {
    await ack();
    await afterAck();
    const channelId = pickedChannel(body);
    await tellUser(client, body, channelId ? await run(channelId, body, client) : `:point_down: Pick a channel for the ${what} first.`, deps);
  };
}

export function registerHomeActions(app: App, deps: ListenerDeps): void {
  // Picking a channel only changes the view's state, which the buttons read: nothing to do but acknowledge.
  app.action(HOME_ACTION_IDS.channel, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION_IDS.audit,
    runInto('audit', deps, async (channelId, body, client) => {
      const { accounts, regions } = deps.config;
      const scope = { accounts: [...accounts], regions: [...regions], controls: [], source: 'both' as const };
      const started = await launchAudit({ channelId, userId: body.user.id, scope, idBasis: `home:${body.user.id}:${body.trigger_id}` }, client, deps);
      return started.ok ? `:mag: Auditing the configured scope into <#${channelId}>: the summary and proposals appear there.` : started.message;
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION_IDS.digest,
    runInto('digest', deps, async (channelId, body) => {
      try {
        await deps.producers.enqueueDigest({ requestedBy: body.user.id, channelId });
        return `:newspaper: A digest is on its way to <#${channelId}> (it runs a full audit first).`;
      } catch (err) {
        deps.logger.error({ err, code: 'QUEUE_UNAVAILABLE' }, 'could not queue the digest');
        return `:warning: I could not queue the digest for ${code(channelId)} (the job queue is unavailable). Try again in a moment.`;
      }
    }),
  );
}
