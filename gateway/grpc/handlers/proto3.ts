/** Optional proto3 strings arrive as '' when unset. */
export const optional = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);
