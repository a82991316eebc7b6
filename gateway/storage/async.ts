/**
 * An interface with every method returning a promise of what it returned (issue 17, decision 1): the
 * shape the repositories take once the store may be a server database.
 */
export type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : T[K] };
