/**
 * Levels of arrays and objects JSON input may nest, its outermost value the first. The deepest
 * valid request (a batch of upserts whose custom values list `{ id }` references) needs about
 * 12. Far deeper JSON overflows the stack of recursive walks such as JSON.stringify and
 * structuredClone (at a few thousand levels), though JSON.parse reads it without complaint.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays and objects deeper than `max` levels; walked without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}
