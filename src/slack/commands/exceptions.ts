import { exceptionsBlocks, exceptionsText } from '../blocks/exceptions.js';
import type { CommandContext, ListenerDeps } from '../deps.js';

/**
 * `/sagemaker-audit exceptions [public]`: the accepted risks in force, soonest expiry first, ephemeral by default
 * (`public` posts in the channel). Approvers get a Revoke button on each.
 */
export async function exceptionsCommand(parsed: { args: string[] }, { command, respond }: CommandContext, deps: ListenerDeps): Promise<void> {
  const now = deps.now();
  const active = (await deps.risks.listActive()).filter((r) => Date.parse(r.expiresAt) > now.getTime());
  const recentlyEnded = await deps.risks.listEnded(new Date(now.getTime() - 7 * 24 * 3600 * 1000));
  const inChannel = parsed.args.some((a) => a.toLowerCase() === 'public');
  // Buttons only for approvers, and never on a message the whole channel sees (anyone could click them there:
  // the click is checked anyway, but a Revoke button for everyone invites refusals).
  const canRevoke = !inChannel && (await deps.approvers.mayDecideRisks(command.user_id).catch(() => ({ allowed: false }) as const)).allowed;
  await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', text: exceptionsText(active), blocks: exceptionsBlocks(active, { canRevoke, recentlyEnded }) });
}
