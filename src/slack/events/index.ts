import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';

/**
 * Events the app subscribes to (manifest.yml `bot_events`). Bolt acknowledges events itself; a listener publishes
 * from what Redis holds and never calls AWS.
 */
export function registerEvents(app: App, deps: ListenerDeps): void {
  // The Home tab, on every visit: posture, approvals waiting for this person, run buttons.
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.home.opened(event.user);
  });
}
