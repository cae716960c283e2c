import { isEntryPoint, runProcess } from '../src/lifecycle.js';
import { startWorkers } from './index.js';

/** The workers alone (`npm run start:workers`), to scale them apart from the web side on the same Redis. */
if (isEntryPoint(import.meta.url)) {
  // eslint-disable-next-line no-restricted-properties -- entry point reads the environment once
  await runProcess(process.env, 'workers', async ({ services, logger }) => {
    const workers = await startWorkers(services);
    logger.info('workers started');
    return { stop: () => workers.close() };
  });
}
