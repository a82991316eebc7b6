import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api, type AuditEvent, type Consent, type GrantRequest, type Party } from '../api.js';
import type { Directory } from '../directory.js';
import { ACTION_LABELS, OUTCOME_LABELS, PURPOSE_LABELS, REASON_LABELS, ROLE_LABELS, STATUS_LABELS, label, shanghaiDate, shanghaiDay, shanghaiTime } from '../format.js';

const PURPOSES = ['eligibility', 'settlement', 'claim_verification', 'proactive_claim'] as const;
const INSTITUTION = /^[HP]\d{11}$/;

const message = (err: unknown): string => (err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));

function ConsentRow(props: { c: Consent; directory: Directory; busy: boolean; onRevoke: (id: string) => void }) {
  const { c, directory } = props;
  return (
    <tr data-test="consent" data-consent-id={c.consent_id} data-status={c.status}>
      <td>
        {directory.name(c.grantee)}
        <span class="code">{c.grantee}</span>
      </td>
      <td>{c.purposes.map((p) => PURPOSE_LABELS[p]?.short ?? p).join('、')}</td>
      <td>{c.providers === null ? '全部医疗机构' : c.providers.map((p) => directory.name(p)).join('、')}</td>
      <td>
        {shanghaiDate(c.valid_from)} 至 {shanghaiDate(c.valid_until)}
      </td>
      <td class="num">{c.max_queries_per_day ?? '不限'}</td>
      <td>{c.recorded_by_role === 'hospital' ? '医院柜台代录' : '本人'}</td>
      <td class={c.status === 'active' ? 'allowed' : 'denied'}>{label(STATUS_LABELS, c.status)}</td>
      <td>
        <button type="button" data-test="revoke" disabled={props.busy || c.status !== 'active'} onClick={() => props.onRevoke(c.consent_id)}>
          撤回
        </button>
      </td>
    </tr>
  );
}

interface GrantState {
  grantee: string;
  purposes: string[];
  scope: 'all' | 'listed';
  hospitals: string[];
  extra: string;
  valid_until: string;
  budget: string;
}

/** The form's values as a grant, or a message saying what is missing. */
function toGrant(f: GrantState): GrantRequest | string {
  if (!f.grantee) return '请选择保险公司。';
  if (!f.purposes.length) return '请至少选择一项用途。';
  const extra = f.extra.split(/[\s,，、;；]+/).filter(Boolean);
  const bad = extra.find((c) => !INSTITUTION.test(c));
  if (bad) return `机构代码 ${bad} 格式不对（H 或 P 加 11 位数字）。`;
  const providers = [...new Set([...f.hospitals, ...extra])];
  if (f.scope === 'listed' && !providers.length) return '请选择或填写至少一家医疗机构。';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.valid_until)) return '请填写有效期。';
  const budget = f.budget.trim() ? Number(f.budget) : undefined;
  if (budget !== undefined && (!Number.isSafeInteger(budget) || budget < 1)) return '每日查询上限须为正整数。';
  return {
    grantee: f.grantee,
    purposes: f.purposes,
    ...(f.scope === 'listed' ? { providers } : {}),
    valid_until: f.valid_until,
    ...(budget !== undefined ? { max_queries_per_day: budget } : {}),
  };
}

const toggle = (list: string[], v: string, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));

/** All institutions, or those listed: from the directory, or codes typed in. */
function ProviderScope(props: { f: GrantState; setF: (f: GrantState) => void; hospitals: Party[] }) {
  const { f, setF } = props;
  return (
    <fieldset>
      <legend>适用的医疗机构</legend>
      <label class="check">
        <input type="radio" name="provider_scope" value="all" checked={f.scope === 'all'} onChange={() => setF({ ...f, scope: 'all' })} />
        <span>全部医疗机构</span>
      </label>
      <label class="check">
        <input type="radio" name="provider_scope" value="listed" checked={f.scope === 'listed'} onChange={() => setF({ ...f, scope: 'listed' })} />
        <span>仅限以下机构</span>
      </label>
      {f.scope === 'listed' ? (
        <div class="providers">
          {props.hospitals.map((h) => (
            <label key={h.code} class="check">
              <input type="checkbox" name="hospital" value={h.code} checked={f.hospitals.includes(h.code)} onChange={(e) => setF({ ...f, hospitals: toggle(f.hospitals, h.code, e.currentTarget.checked) })} />
              <span>
                {h.name} <span class="code">{h.code}</span>
              </span>
            </label>
          ))}
          <label>
            其他机构代码（用逗号或空格分隔）
            <input name="providers" autocomplete="off" value={f.extra} onInput={(e) => setF({ ...f, extra: e.currentTarget.value })} />
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}

function GrantForm(props: { directory: Directory; onGrant: (g: GrantRequest) => Promise<void> }) {
  const initial: GrantState = { grantee: '', purposes: [], scope: 'all', hospitals: [], extra: '', valid_until: shanghaiDay(365), budget: '' };
  const [f, setF] = useState<GrantState>(initial);
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const insurers = props.directory.ofRole('insurer').filter((p) => p.status === 'active');
  const hospitals = props.directory.ofRole('hospital');
  return (
    <form
      class="grant"
      data-test="consent-grant"
      onSubmit={(e) => {
        e.preventDefault();
        const g = toGrant(f);
        if (typeof g === 'string') return setProblem(g);
        setProblem(undefined);
        setBusy(true);
        props.onGrant(g).then(
          () => setF(initial),
          (err: unknown) => setProblem(message(err)),
        ).finally(() => setBusy(false));
      }}
    >
      <label>
        授权给（保险公司）
        <select name="grantee" value={f.grantee} onChange={(e) => setF({ ...f, grantee: e.currentTarget.value })}>
          <option value="">请选择</option>
          {insurers.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>用途（可多选）</legend>
        {PURPOSES.map((p) => (
          <label key={p} class="check">
            <input type="checkbox" name="purposes" value={p} checked={f.purposes.includes(p)} onChange={(e) => setF({ ...f, purposes: toggle(f.purposes, p, e.currentTarget.checked) })} />
            <span>{PURPOSE_LABELS[p]!.long}</span>
          </label>
        ))}
      </fieldset>
      <ProviderScope f={f} setF={setF} hospitals={hospitals} />
      <label>
        有效期至（含当日）
        <input type="date" name="valid_until" value={f.valid_until} onInput={(e) => setF({ ...f, valid_until: e.currentTarget.value })} />
      </label>
      <label>
        每日查询上限（可不填）
        <input type="number" name="max_queries_per_day" min={1} step={1} value={f.budget} onInput={(e) => setF({ ...f, budget: e.currentTarget.value })} />
      </label>
      {problem ? <p class="notice" role="alert">{problem}</p> : null}
      <button type="submit" data-test="consent-grant-submit" disabled={busy}>
        授权
      </button>
    </form>
  );
}

function AccessRow(props: { e: AuditEvent; directory: Directory }) {
  const { e, directory } = props;
  return (
    <tr data-test="access" data-leaf-index={String(e.leaf_index)}>
      <td>{shanghaiTime(e.time)}</td>
      <td>
        {directory.name(e.actor)}
        {e.actor !== 'patient' ? <span class="code">{e.actor}</span> : null}
      </td>
      <td>{label(ROLE_LABELS, e.actor_role)}</td>
      <td>{label(ACTION_LABELS, e.action)}</td>
      <td>{e.purpose ? (PURPOSE_LABELS[e.purpose]?.short ?? e.purpose) : '—'}</td>
      <td class={e.outcome === 'denied' ? 'denied' : 'allowed'}>{label(OUTCOME_LABELS, e.outcome)}</td>
      <td>{label(REASON_LABELS, e.reason)}</td>
    </tr>
  );
}

function ConsentTable(props: { consents: Consent[]; directory: Directory; busy: boolean; onRevoke: (id: string) => void }) {
  return (
    <table class="consents">
      <thead>
        <tr>
          <th>保险公司</th>
          <th>用途</th>
          <th>医疗机构</th>
          <th>有效期</th>
          <th class="num">每日查询上限</th>
          <th>记录方</th>
          <th>状态</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.consents.map((c) => (
          <ConsentRow key={c.consent_id} c={c} directory={props.directory} busy={props.busy} onRevoke={props.onRevoke} />
        ))}
      </tbody>
    </table>
  );
}

function AccessTable(props: { events: AuditEvent[]; directory: Directory }) {
  return (
    <table class="events">
      <thead>
        <tr>
          <th>时间（北京）</th>
          <th>访问方</th>
          <th>角色</th>
          <th>动作</th>
          <th>用途</th>
          <th>结果</th>
          <th>原因</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <AccessRow key={e.leaf_index} e={e} directory={props.directory} />
        ))}
      </tbody>
    </table>
  );
}

/** The patient's page: their consents, a grant form, and every access to their data. */
export function PatientPage(props: { api: Api; directory: Directory }) {
  const { api, directory } = props;
  const [consents, setConsents] = useState<Consent[] | undefined>();
  const [access, setAccess] = useState<AuditEvent[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    try {
      const [c, a] = await Promise.all([api.consents(), api.accessLog({ limit: 100 })]);
      setConsents(c.consents);
      setAccess(a.events);
      setNext(a.next_cursor);
    } catch (err) {
      setError(message(err));
    }
  };
  useEffect(() => void refresh(), [api]);

  const revoke = (id: string) => {
    setBusy(true);
    setError(undefined);
    api.revoke(id).then(refresh, (err: unknown) => setError(message(err))).finally(() => setBusy(false));
  };
  const grant = async (g: GrantRequest) => {
    await api.grant(g);
    await refresh();
  };
  const more = async () => {
    try {
      const a = await api.accessLog({ limit: 100, cursor: next ?? undefined });
      setAccess([...access, ...a.events]);
      setNext(a.next_cursor);
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <>
      <section class="card">
        <h2>我的授权</h2>
        {error ? <p class="notice" role="alert">{error}</p> : null}
        {consents && consents.length === 0 ? <p class="status">您还没有授权任何保险公司。</p> : null}
        {consents && consents.length ? <ConsentTable consents={consents} directory={directory} busy={busy} onRevoke={revoke} /> : null}
      </section>
      <section class="card">
        <h2>新增授权</h2>
        <p class="hint">保险公司只会得到问题的答案（是/否、金额）和签名回执，拿不到您的病历。您可随时撤回，撤回后立即生效。</p>
        <GrantForm directory={directory} onGrant={grant} />
      </section>
      <section class="card">
        <h2>谁访问了我的数据</h2>
        {access.length === 0 ? <p class="status">暂无记录。</p> : null}
        {access.length ? <AccessTable events={access} directory={directory} /> : null}
        {next ? (
          <button type="button" onClick={() => void more()}>
            加载更多
          </button>
        ) : null}
      </section>
    </>
  );
}
