/** Quote throughput with few and many records on the same node (does the working set hurt?). */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { CONNECTIONS, SCALE_SIZES, SECONDS, cannon, json, results, round, shInpatient, startGateway } from './harness.js';
import { HHB, SH, certnoOf, openBenchGateway } from './population.js';

/** `dirs[k]` holds a population of SCALE_SIZES[k] patients; each is measured, then removed. */
export async function scaling(dirs: string[]): Promise<void> {
  const rps: number[] = [];
  for (const [k, n] of SCALE_SIZES.entries()) {
    const dir = dirs[k]!;
    const g = await openBenchGateway(dir);
    const token = g.tokens.partyToken(HHB, 'insurer', 3600);
    await g.close();
    const gw = await startGateway(dir, path.join(dir, 'gateway.log'));
    const request = json('POST', '/v1/settlements/quote', token, () => {
      const i = shInpatient(n);
      return { certno: certnoOf(i), policy_no: `POL${i}-${HHB}`, provider: SH, mdtrt_id: `V${i}` };
    });
    try {
      // Steady state, not the first touch of a freshly opened file: 2 s of the same load, not counted.
      await autocannon({ url: `http://127.0.0.1:${gw.port}`, connections: CONNECTIONS, duration: 2, requests: [request] });
      const r = await cannon(`settlement quote, ${n.toExponential(0)} records`, `http://127.0.0.1:${gw.port}`, request, Math.max(3, Math.round(SECONDS / 2)));
      rps.push(r.rps);
    } finally {
      await gw.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  Object.assign(results, { quote_rps_small: Math.round(rps[0]!), quote_rps_large: Math.round(rps[1]!), records_scaling_loss: round(1 - rps[1]! / rps[0]!) });
}
