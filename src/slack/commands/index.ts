import type { App } from '@slack/bolt';
import type { CommandContext, ListenerDeps } from '../deps.js';
import { COMMAND } from '../ids.js';
import { afterAck, ephemeral } from '../listener-kit.js';
import { startAudit } from './audit.js';
import { digestCommand } from './digest.js';
import { exceptionsCommand } from './exceptions.js';
import { historyCommand } from './history.js';
import { routesCommand } from './routes.js';
import { parseCommand, USAGE, type ParsedCommand } from './parse.js';

/**
 * `/sagemaker-audit`: ack at once, parse, then hand the parsed command to its handler. Handlers answer ephemerally
 * or queue a job; none calls AWS.
 */
type Handlers = { [K in ParsedCommand['kind']]: (parsed: Extract<ParsedCommand, { kind: K }>, ctx: CommandContext, deps: ListenerDeps) => Promise<void> };

const HANDLERS: Handlers = {
  help: async (_parsed, { respond }) => {
    await respond(ephemeral(USAGE));
  },
  invalid: async (parsed, { respond }) => {
    await respond(ephemeral(`${parsed.problems.map((p) => `:warning: ${p}`).join('\n')}\n\n${USAGE}`));
  },
  history: historyCommand,
  routes: routesCommand,
  digest: digestCommand,
  exceptions: exceptionsCommand,
  audit: startAudit,
};

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack();
    await afterAck();
    const parsed = parseCommand(command.text ?? '', { accounts: deps.config.accounts, regions: deps.config.regions, controlIds: deps.controlIds });
    const handler = HANDLERS[parsed.kind] as (p: ParsedCommand, ctx: CommandContext, d: ListenerDeps) => Promise<void>;
    await handler(parsed, { command, respond, client, requestDigest: context.requestDigest as string | undefined }, deps);
  });
}
