/**
 * An interface with every method returning a promise of what it returns today: what the PostgreSQL
 * stores implement until the repository and log-store interfaces themselves become asynchronous (issue 17,
 * decision 1 — the converted interfaces are exactly this).
 */
export type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : T[K] };

/**
 * `impl`'s methods (those its class declares) answering with promises: how the embedded store, whose
 * calls return at once, presents the asynchronous interfaces services use. A method that throws gives
 * a rejected promise, as a query across the network would.
 */
export function promised<T extends object>(impl: T): Async<T> {
  const view: Record<string, unknown> = {};
  const proto = Object.getPrototypeOf(impl) as object;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = (impl as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    view[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve((method as (...a: unknown[]) => unknown).apply(impl, args));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return view as Async<T>;
}
