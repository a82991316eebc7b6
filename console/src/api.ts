/**
 * The gateway's API on this page's own origin (the Content-Security-Policy allows nothing else), with
 * the bearer token of the tab. Errors keep the catalogue code and message the gateway sent.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TreeHead {
  tree_size: number;
  root_hash: string;
  timestamp: number;
  key_id: string;
  signature: string;
  /** Ed25519 (base64) or SM2 (r ‖ s, hex); absent from gateways before VOUCH_CRYPTO. */
  alg?: 'Ed25519' | 'SM2';
  /** VOUCH_CRYPTO=dual: the SM2 signature over the same bytes. */
  cosignatures?: { alg: 'Ed25519' | 'SM2'; key_id: string; signature: string }[];
}

export interface AuditEvent {
  leaf_index: number;
  time: string;
  actor: string;
  actor_role: string;
  action: string;
  purpose: string | null;
  subject?: string | null;
  outcome: string;
  reason?: string;
}

export interface Page<T> {
  events: T[];
  next_cursor: string | null;
}

export interface Party {
  code: string;
  role: 'hospital' | 'insurer' | 'bureau';
  name: string;
  status: string;
}

export interface Consent {
  consent_id: string;
  version: number;
  status: 'active' | 'revoked' | 'expired';
  grantee: string;
  purposes: string[];
  providers: string[] | null;
  valid_from: string;
  valid_until: string;
  max_queries_per_day: number | null;
  recorded_by_role: string;
}

export interface GrantRequest {
  grantee: string;
  purposes: string[];
  providers?: string[];
  valid_until: string;
  max_queries_per_day?: number;
}

export interface InsurerSummary {
  insurer: string;
  queries: number;
  denied: number;
  by_reason: Record<string, number>;
  budget_exhausted: number;
  probes: number;
  settlements: number;
  settled_fen: number;
  reversals: number;
  reversed_fen: number;
}

export interface HospitalSummary {
  provider: string;
  pushes: number;
  refused: number;
  settlements: number;
  reversals?: number;
  settlements_refused?: number;
}

export interface Summary {
  from: string;
  to: string;
  insurers: InsurerSummary[];
  hospitals: HospitalSummary[];
}

export type Query = Record<string, string | number | undefined>;

function withQuery(path: string, q: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** A client for one signed-in tab. */
export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorised: () => void = () => undefined,
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (res.status === 401) this.onUnauthorised();
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText);
    }
    return json as T;
  }

  get<T>(path: string, q?: Query): Promise<T> {
    return this.call<T>('GET', withQuery(path, q));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body ?? {});
  }

  directory(): Promise<{ parties: Party[] }> {
    return this.get('/v1/directory');
  }
  events(q: Query): Promise<Page<AuditEvent>> {
    return this.get('/v1/audit/events', q);
  }
  treeHead(): Promise<TreeHead> {
    return this.get('/v1/audit/tree-head');
  }
  keys(): Promise<{ keys: { key_id: string; alg: string; public_key_pem?: string; public_key_hex?: string }[] }> {
    return this.get('/v1/keys');
  }
  leaves(start: number, end: number): Promise<{ leaves: { leaf_index: number; leaf: string }[] }> {
    return this.get('/v1/audit/leaves', { start, end });
  }
  inclusion(leafIndex: number, treeSize: number): Promise<{ leaf_index: number; tree_size: number; audit_path: string[] }> {
    return this.get('/v1/audit/proof/inclusion', { leaf_index: leafIndex, tree_size: treeSize });
  }
  consistency(first: number, second: number): Promise<{ first: number; second: number; proof: string[] }> {
    return this.get('/v1/audit/proof/consistency', { first, second });
  }
  summary(q: Query): Promise<Summary> {
    return this.get('/v1/supervision/summary', q);
  }
  consents(): Promise<{ consents: Consent[] }> {
    return this.get('/v1/consents');
  }
  grant(g: GrantRequest): Promise<Consent> {
    return this.post('/v1/consents', g);
  }
  revoke(consentId: string): Promise<{ consent_id: string; status: string }> {
    return this.post(`/v1/consents/${encodeURIComponent(consentId)}/revoke`);
  }
  accessLog(q: Query): Promise<Page<AuditEvent>> {
    return this.get('/v1/me/access-log', q);
  }
}
