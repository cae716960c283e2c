import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { registerViews } from './views/index.js';

/**
 * The one listener registry: each Slack surface registers its own listeners (commands, actions, views, events). Listeners
 * only ack, check and enqueue; they share helpers through src/slack/listener-kit.ts, never through each other.
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
}
