/**
 * A tiny concurrency limiter: at most `max` of the functions passed to the returned `limit` run at once,
 * the rest wait in FIFO order. No dependency, no timers.
 */
export type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLimit(max: number): Limit {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    active--;
    const run = queue.shift();
    if (run) run();
  };
  return <T>(fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const run = (): void => {
        active++;
        let p: Promise<T>;
        try {
          p = fn();
        } catch (err) {
          p = Promise.reject(err);
        }
        // One reaction per call (not then + finally): this runs for every AWS call of an audit.
        p.then(
          (value) => {
            next();
            resolve(value);
          },
          (err: unknown) => {
            next();
            reject(err);
          },
        );
      };
      if (active < max) run();
      else queue.push(run);
    });
}

/** Runs `fn` over `items` with at most `max` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = createLimit(max);
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
}
