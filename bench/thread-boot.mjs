// Boots a TypeScript module in a worker thread (tsx's loader is not inherited by worker threads).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
