/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the results in input order
 * (so what a run records does not depend on which call finished first). When a call fails, no new
 * call starts, the calls in flight are let finish, and then the first error is thrown: nothing goes on
 * working in the background after the caller has been told of the failure.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
