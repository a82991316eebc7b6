/** What the web console needs beside the API: party names, and the bureau's summary. */

import { Type } from 'typebox';
import { Fen } from './common.js';

export const DirectoryAnswer = Type.Object({
  parties: Type.Array(
    Type.Object({
      code: Type.String(),
      role: Type.Union([Type.Literal('hospital'), Type.Literal('insurer'), Type.Literal('bureau')]),
      name: Type.String(),
      status: Type.String(),
    }),
  ),
});

export const SupervisionQuery = Type.Object(
  { from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })) },
  { additionalProperties: false },
);
const Count = Type.Integer({ minimum: 0 });
export const SupervisionAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  insurers: Type.Array(
    Type.Object({
      insurer: Type.String(),
      queries: Count,
      denied: Count,
      by_reason: Type.Record(Type.String(), Count),
      budget_exhausted: Count,
      probes: Count,
      settlements: Count,
      settled_fen: Fen,
      reversals: Count,
      reversed_fen: Fen,
      stats_releases: Count,
      stats_refused: Count,
    }),
  ),
  hospitals: Type.Array(
    Type.Object({ provider: Type.String(), pushes: Count, refused: Count, settlements: Count, reversals: Count, settlements_refused: Count }),
  ),
});
