import { useRef, useState } from 'preact/hooks';
import { ApiError, type Api, type AuditEvent, type Query, type TreeHead } from '../api.js';
import type { Directory } from '../directory.js';
import { ACTION_LABELS, OUTCOME_LABELS, PURPOSE_LABELS, REASON_LABELS, ROLE_LABELS, label, shanghaiInput, shanghaiTime } from '../format.js';
import { verifyShown, type Verification } from '../verify/verify-log.js';

/** The last tree head this tab verified: the next verification proves the new head extends it. */
let lastVerifiedHead: TreeHead | undefined;

interface Filters {
  from: string;
  to: string;
  actor: string;
  certno: string;
  action: string;
  outcome: string;
  limit: string;
}

const EMPTY: Filters = { from: '', to: '', actor: '', certno: '', action: '', outcome: '', limit: '50' };

/** The form's values as the API's query: Shanghai local times, a party's name turned into its code. */
function toQuery(f: Filters, directory: Directory): Query {
  const actor = f.actor.trim();
  const byName = directory.parties.find((p) => p.name === actor);
  return {
    from: f.from ? shanghaiInput(f.from) : undefined,
    to: f.to ? shanghaiInput(f.to) : undefined,
    actor: byName ? byName.code : actor || undefined,
    certno: f.certno.trim() || undefined,
    action: f.action || undefined,
    outcome: f.outcome || undefined,
    limit: f.limit,
  };
}

function SearchForm(props: { directory: Directory; busy: boolean; onSearch: (f: Filters) => void }) {
  const [f, setF] = useState<Filters>(EMPTY);
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  return (
    <form
      class="search"
      data-test="audit-search"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSearch(f);
      }}
    >
      <label>
        起始时间（含）
        <input type="datetime-local" name="from" value={f.from} onInput={set('from')} />
      </label>
      <label>
        截止时间（不含）
        <input type="datetime-local" name="to" value={f.to} onInput={set('to')} />
      </label>
      <label>
        操作方（代码或名称）
        <input name="actor" list="party-list" autocomplete="off" value={f.actor} onInput={set('actor')} />
        <datalist id="party-list">
          {props.directory.parties.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </datalist>
      </label>
      <label>
        身份证号（转为盲索引检索）
        <input name="certno" autocomplete="off" spellcheck={false} value={f.certno} onInput={set('certno')} />
      </label>
      <label>
        动作
        <select name="action" value={f.action} onChange={set('action')}>
          <option value="">全部</option>
          {Object.entries(ACTION_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        结果
        <select name="outcome" value={f.outcome} onChange={set('outcome')}>
          <option value="">全部</option>
          <option value="allowed">允许</option>
          <option value="denied">拒绝</option>
        </select>
      </label>
      <label>
        每页
        <select name="limit" value={f.limit} onChange={set('limit')}>
          {['20', '50', '100', '500'].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" data-test="audit-search-submit" disabled={props.busy}>
        检索
      </button>
    </form>
  );
}

function EventRow(props: { e: AuditEvent; directory: Directory; verified: boolean | undefined }) {
  const { e, directory } = props;
  return (
    <tr data-test="audit-event" data-leaf-index={String(e.leaf_index)} data-verified={props.verified === undefined ? undefined : String(props.verified)}>
      <td class="num">{e.leaf_index}</td>
      <td>{shanghaiTime(e.time)}</td>
      <td>
        {directory.name(e.actor)}
        <span class="code">{e.actor}</span>
      </td>
      <td>{label(ROLE_LABELS, e.actor_role)}</td>
      <td>{label(ACTION_LABELS, e.action)}</td>
      <td>{e.purpose ? (PURPOSE_LABELS[e.purpose]?.short ?? e.purpose) : '—'}</td>
      <td class={e.outcome === 'denied' ? 'denied' : 'allowed'}>{label(OUTCOME_LABELS, e.outcome)}</td>
      <td>
        {label(REASON_LABELS, e.reason)}
        {e.reason ? <span class="code">{e.reason}</span> : null}
      </td>
      <td title={e.subject ?? ''}>
        <span class="code">{e.subject ? `${e.subject.slice(0, 12)}…` : '—'}</span>
      </td>
      <td class="mark">{props.verified === undefined ? '' : props.verified ? '✓' : '✗'}</td>
    </tr>
  );
}

/** `run` counts verifications of the shown page, so a reader can tell this result from the one before. */
function VerifyResult(props: { v: Verification; run: number }) {
  const { v } = props;
  return (
    <div class={v.ok ? 'verify ok' : 'verify failed'} data-run={String(props.run)}>
      <p data-test="verify-result">{v.ok ? 'verified' : `FAILED: ${v.failures.join('; ')}`}</p>
      {v.head ? (
        <p class="detail">
          {v.ok ? `已验证所示 ${v.passed.size} 条事件：` : '验证失败。'}签名树头 大小 {v.head.tree_size}，根 <code>{v.head.root_hash.slice(0, 16)}…</code>，签名时间{' '}
          {shanghaiTime(v.head.timestamp)}，密钥 {v.head.key_id}
          {v.consistentWith ? `；与本页先前验证的树头（大小 ${v.consistentWith.tree_size}）一致` : ''}。
        </p>
      ) : null}
    </div>
  );
}

function EventTable(props: { events: AuditEvent[]; directory: Directory; verification: Verification | undefined }) {
  const v = props.verification;
  return (
    <table class="events">
      <thead>
        <tr>
          <th class="num">序号</th>
          <th>时间（北京）</th>
          <th>操作方</th>
          <th>角色</th>
          <th>动作</th>
          <th>用途</th>
          <th>结果</th>
          <th>原因</th>
          <th>主体（盲索引）</th>
          <th>验证</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <EventRow key={e.leaf_index} e={e} directory={props.directory} verified={v ? v.passed.has(e.leaf_index) : undefined} />
        ))}
      </tbody>
    </table>
  );
}

/** The bureau's search of the access log, with in-browser verification of what it shows. */
export function AuditSearch(props: { api: Api; directory: Directory }) {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  /** The cursor the shown page was loaded with, and those of the pages before it (for 上一页). */
  const [page, setPage] = useState<{ cursor: string | undefined; history: (string | undefined)[] }>({ cursor: undefined, history: [] });
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [searched, setSearched] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<Verification | undefined>();
  const [runs, setRuns] = useState(0);
  const query = useRef<Query>({});

  const load = async (cursor: string | undefined, history: (string | undefined)[]) => {
    setBusy(true);
    setEvents([]);
    setVerification(undefined);
    setRuns(0);
    setError(undefined);
    try {
      const answer = await props.api.events({ ...query.current, cursor });
      setEvents(answer.events);
      setNext(answer.next_cursor);
      setPage({ cursor, history });
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
      setSearched(true);
    }
  };

  const verify = async () => {
    setVerifying(true);
    setVerification(undefined);
    const v = await verifyShown(props.api, events, lastVerifiedHead);
    if (v.ok && v.head) lastVerifiedHead = v.head;
    setVerification(v);
    setRuns((n) => n + 1);
    setVerifying(false);
  };

  return (
    <section class="card">
      <h2>访问日志检索</h2>
      <SearchForm
        directory={props.directory}
        busy={busy}
        onSearch={(f) => {
          query.current = toQuery(f, props.directory);
          void load(undefined, []);
        }}
      />
      {error ? <p class="notice" role="alert">{error}</p> : null}
      {busy ? <p class="status">检索中…</p> : null}
      {searched && !busy && !error ? <p class="status">本页 {events.length} 条事件{next ? '，还有更多' : ''}。</p> : null}
      {events.length ? <EventTable events={events} directory={props.directory} verification={verification} /> : null}
      <div class="pager">
        <button type="button" disabled={busy || page.history.length === 0} onClick={() => void load(page.history[page.history.length - 1], page.history.slice(0, -1))}>
          上一页
        </button>
        <button type="button" disabled={busy || next === null} onClick={() => void load(next ?? undefined, [...page.history, page.cursor])}>
          下一页
        </button>
      </div>
      <div class="verify-bar">
        <button type="button" data-test="verify-log" disabled={verifying || busy} onClick={() => void verify()}>
          在浏览器中验证所示事件
        </button>
        <span class="hint">用网关公布的公钥（Ed25519）验证最新签名树头，逐条验证所示事件的叶子与包含证明，并验证与本页上次验证的树头一致。</span>
      </div>
      {verifying ? <p class="status">验证中…</p> : null}
      {verification ? <VerifyResult v={verification} run={runs} /> : null}
    </section>
  );
}

