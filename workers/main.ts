import { isEntryPoint, runProcess } from '../src/lifecycle.js';
import { startWorkers } from './index.js';

/** Time kept, out of the shutdown bound, to close the workers that had to be cut short and the Redis connections. */
const CLOSE_MARGIN_MS = 2000;

/**
 * The workers alone (`npm run start:workers`, or started by `npm start` as its second process), to scale them apart
 * from the web side on the same Redis.
 */
if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'workers', async ({ services, logger }) => {
    const workers = await startWorkers(services);
    logger.info('workers started');
    return { stop: (deadline) => workers.close(deadline - Date.now() - CLOSE_MARGIN_MS) };
  });
}
