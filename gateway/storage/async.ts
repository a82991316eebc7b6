/**
 * An interface with every method returning a promise of what it returns today: what the PostgreSQL
 * stores implement until the repository and log-store interfaces themselves become asynchronous (issue 17,
 * decision 1 — the converted interfaces are exactly this).
 */
export type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : T[K] };
