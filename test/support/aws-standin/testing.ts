/** Small helpers shared by the stand-in's own tests. */

/** Long-term keys of the stand-in's default account. */
export const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' };
export const ROLE = 'arn:aws:iam::111111111111:role/r';

/** The error a promise rejects with, or undefined when it resolves. */
export const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

/** Every item of every page an SDK paginator yields, and how many pages there were. */
export async function collectPages<P, T>(pages: AsyncIterable<P>, itemsOf: (page: P) => T[] | undefined): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count++;
    items.push(...(itemsOf(page) ?? []));
  }
  return { items, pages: count };
}
