/**
 * The request paths under load, each beside its bare baseline in the same run: HTTP scenarios alternate
 * with a Fastify hello world, the gRPC quote with a grpc-js echo server.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadProtos } from '../gateway/grpc/protos.js';
import { ECHO_PROTO } from './baselines.js';
import { CONNECTIONS, PATIENTS, cannon, grpcLoad, here, json, log, peakRssMb, pick, results, round, shInpatient, startChild, startGateway, type Child } from './harness.js';
import { BUREAU, GZ, HHB, SH, certnoOf, openBenchGateway, recordBodyOf } from './population.js';

type UnaryCall = (req: unknown, cb: (err: grpc.ServiceError | null) => void) => void;
type UnaryCallWithMetadata = (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null) => void) => void;

interface Tokens {
  hhb: string;
  sh: string;
  gz: string;
  bureau: string;
}

/** A quote or eligibility question about patient i's visit V{i} under 沪惠保. */
const visit = (i: number) => ({ certno: certnoOf(i), policy_no: `POL${i}-${HHB}`, provider: SH, mdtrt_id: `V${i}` });
const hello = (helloUrl: string) => cannon('hello (bare Fastify)', helloUrl, { method: 'GET', path: '/' });

/** Reads (quote, eligibility, claim verification) and writes (settlement, record push) over HTTP. */
async function httpLoads(tok: Tokens, url: string, helloUrl: string): Promise<void> {
  log('HTTP scenarios (alternating with the bare Fastify baseline):');
  const hellos: number[] = [];
  hellos.push((await hello(helloUrl)).rps);
  const quoteRequest = json('POST', '/v1/settlements/quote', tok.hhb, () => visit(shInpatient(PATIENTS)));
  // The gateway has just started: 2 s of the same load, not counted, so the first scenario is not also
  // measuring the JIT and the first touch of the database file.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests: [quoteRequest] });
  const quote = await cannon('settlement quote', url, quoteRequest);
  hellos.push((await hello(helloUrl)).rps);
  const elig = await cannon('eligibility', url, json('POST', '/v1/eligibility', tok.hhb, () => visit(shInpatient(PATIENTS))));
  const claims = await cannon('claim verification', url, json('POST', '/v1/claims/verify', tok.hhb, () => {
    const i = shInpatient(PATIENTS);
    return { certno: certnoOf(i), provider: SH, mdtrt_id: `V${i}`, claimed: { medfee_sumamt_fen: 1 + pick(1000) } };
  }));
  hellos.push((await hello(helloUrl)).rps);
  // Each settlement takes a visit no one settled before (Shanghai patients, both products at the cashier).
  let next = 0;
  const settle = await cannon('one-stop settlement (writes)', url, json('POST', '/v1/settlements', tok.sh, () => {
    const i = (next++ % Math.floor(PATIENTS / 3)) * 3;
    return { certno: certnoOf(i), mdtrt_id: `V${i}`, request_id: `bench-${i}` };
  }));
  let pushed = 0;
  const push = await cannon('record push (writes)', url, json('POST', '/v1/records', tok.sh, () => {
    const i = shInpatient(PATIENTS);
    return recordBodyOf(i, `NEW${pushed++}-${i}`);
  }));
  hellos.push((await hello(helloUrl)).rps);
  const helloRps = hellos.reduce((a, b) => a + b, 0) / hellos.length;
  Object.assign(results, {
    hello_rps: Math.round(helloRps),
    quote_rps: Math.round(quote.rps), quote_p99_ms: quote.p99,
    eligibility_rps: Math.round(elig.rps), eligibility_p99_ms: elig.p99,
    claim_rps: Math.round(claims.rps),
    settle_rps: Math.round(settle.rps), settle_p99_ms: settle.p99,
    push_rps: Math.round(push.rps), push_p99_ms: push.p99,
    quote_vs_hello: round(quote.rps / helloRps), settle_vs_hello: round(settle.rps / helloRps),
    non2xx_quote: quote.non2xx, non2xx_settle: settle.non2xx, non2xx_push: push.non2xx,
  });
}

/** QuoteSettlement over gRPC against a bare echo of the same message. */
async function grpcLoads(tok: Tokens, gw: Child): Promise<void> {
  log('gRPC (alternating with a bare grpc-js echo server):');
  const echo = await startChild([path.join(here, 'baselines.js'), 'grpc'], {}, /PORT (\d+)/);
  try {
    const echoDef = grpc.loadPackageDefinition(protoLoader.loadSync(ECHO_PROTO, { keepCase: true })) as unknown as { bench: { Echo: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & { Echo: UnaryCall } } };
    const echoClient = new echoDef.bench.Echo(`127.0.0.1:${echo.port}`, grpc.credentials.createInsecure());
    const { proto } = loadProtos();
    const Query = (proto.vouch.v1 as unknown as { QueryService: new (a: string, c: grpc.ChannelCredentials) => grpc.Client & { QuoteSettlement: UnaryCallWithMetadata } }).QueryService;
    const quoteClient = new Query(`127.0.0.1:${gw.grpcPort}`, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${tok.hhb}`);
    const echoes: number[] = [];
    echoes.push((await grpcLoad('echo (bare grpc-js)', (done) => echoClient.Echo(visit(shInpatient(PATIENTS)), done))).rps);
    const gq = await grpcLoad('QuoteSettlement over gRPC', (done) => quoteClient.QuoteSettlement(visit(shInpatient(PATIENTS)), md, done));
    echoes.push((await grpcLoad('echo (bare grpc-js)', (done) => echoClient.Echo(visit(shInpatient(PATIENTS)), done))).rps);
    const echoRps = echoes.reduce((a, b) => a + b, 0) / echoes.length;
    Object.assign(results, { grpc_echo_rps: Math.round(echoRps), grpc_quote_rps: Math.round(gq.rps), grpc_quote_p99_ms: gq.p99, grpc_quote_vs_echo: round(gq.rps / echoRps) });
    echoClient.close();
    quoteClient.close();
  } finally {
    await echo.stop();
  }
}

/** The gateway over the seeded population in `dataDir`, under HTTP then gRPC load; its peak memory. */
export async function httpScenarios(dataDir: string): Promise<void> {
  const g = await openBenchGateway(dataDir);
  const tok: Tokens = {
    hhb: g.tokens.partyToken(HHB, 'insurer', 7200),
    sh: g.tokens.partyToken(SH, 'hospital', 7200),
    gz: g.tokens.partyToken(GZ, 'hospital', 7200),
    bureau: g.tokens.partyToken(BUREAU, 'bureau', 7200),
  };
  await g.close();
  const helloChild = await startChild([path.join(here, 'baselines.js'), 'http'], {}, /PORT (\d+)/);
  const gw = await startGateway(dataDir, path.join(dataDir, 'gateway.log'));
  try {
    await httpLoads(tok, `http://127.0.0.1:${gw.port}`, `http://127.0.0.1:${helloChild.port}`);
    await grpcLoads(tok, gw);
    results.rss_mb = peakRssMb(gw.proc.pid);
  } finally {
    await gw.stop();
    await helloChild.stop();
  }
}
