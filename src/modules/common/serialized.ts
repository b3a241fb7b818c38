const tails = new Map<string, Promise<void>>();

/**
 * Runs `work` once every earlier call with the same key in this process has settled. Writers of
 * one record then queue instead of racing each other's version guard; writers in other
 * processes still meet that guard.
 */
export async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
