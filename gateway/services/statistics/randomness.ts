import { sourceFromBytes, type RandomSource } from '../../domain/statistics/discrete-gaussian.js';
import { randomBytes } from '../random.js';

/**
 * The noise's randomness in production: uniform integers by rejection over the CSPRNG (node:crypto
 * randomBytes, pooled as everywhere else in the gateway). Never Math.random, never a seeded generator.
 */
export const csprng: RandomSource = sourceFromBytes((n) => randomBytes(n));
