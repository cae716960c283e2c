import { runEntryPoint } from './main.js';

/** Web side only (`npm run start:web`): the Bolt app that acks, parses and queues. Workers run elsewhere. */
// eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
await runEntryPoint(process.env, { web: true, workers: false });
