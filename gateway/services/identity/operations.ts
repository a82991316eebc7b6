import type { Role } from './auth.js';

/**
 * Who may call what: one table both transports read, so HTTP routes and gRPC methods cannot drift
 * apart. Each route and RPC names its operation next to its definition; the transports enforce it in
 * one place (the HTTP onRequest hook, the gRPC unary wrapper).
 */
export const OPERATIONS = {
  grantConsent: ['patient', 'hospital'],
  revokeConsent: ['patient'],
  listConsents: ['patient', 'insurer'],
  pushRecord: ['hospital'],
  enrollPolicy: ['insurer'],
  viewPolicy: ['insurer'],
  listProducts: ['hospital', 'insurer', 'bureau', 'admin', 'patient'],
  eligibility: ['insurer'],
  quote: ['insurer'],
  verifyClaim: ['insurer'],
  settle: ['hospital'],
  reverse: ['hospital'],
  listEvents: ['bureau'],
  treeHead: ['bureau', 'insurer', 'hospital'],
  leaves: ['bureau'],
  inclusionProof: ['bureau', 'insurer', 'hospital'],
  consistencyProof: ['bureau'],
  myAccess: ['patient'],
  /** Party names for the console: never keys, certificates or admins. */
  directory: ['bureau', 'patient', 'insurer', 'hospital', 'admin'],
  supervisionSummary: ['bureau'],
  /** The statistics lab (docs/statistics.md): the bureau sets budgets; insurers and the bureau ask. */
  setStatsBudget: ['bureau'],
  statsBudget: ['insurer', 'bureau'],
  statsQuery: ['insurer', 'bureau'],
  statsPreview: ['insurer', 'bureau'],
  statsReleases: ['bureau'],
  manageParties: ['admin'],
  rotateKeys: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof OPERATIONS;
