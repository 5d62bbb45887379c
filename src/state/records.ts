/**
 * Records keyed by ids that come from outside (a model picks its tool call
 * ids): "constructor" or "__proto__" must read and write as plain keys, never
 * reach Object.prototype.
 */

/** The record's own entry for `key`, or undefined. */
export function getOwn<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A copy of `record` with `key` set to `value` as an own entry, whatever the key. */
export function withEntry<T>(record: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const copy = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
