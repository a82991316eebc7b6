import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Chart, ChartConfiguration } from 'chart.js';
import { ApiError, type Api, type Summary } from '../api.js';
import { COLOURS, barChart } from '../charts.js';
import type { Directory } from '../directory.js';
import { REASON_LABELS, label, nextDay, shanghaiDay, shanghaiInput, shanghaiTime, yuan } from '../format.js';

/** One chart on its own canvas, rebuilt when its data changes and destroyed with the view. */
function BarChart(props: { title: string; config: Omit<ChartConfiguration<'bar'>, 'type'> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart: Chart<'bar'> = barChart(canvas.current, props.config);
    return () => chart.destroy();
  }, [props.config]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={props.title} />
      </div>
    </figure>
  );
}

const stacked = { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } };

function chartsOf(s: Summary, directory: Directory): { title: string; config: Omit<ChartConfiguration<'bar'>, 'type'> }[] {
  const insurers = s.insurers.map((i) => directory.name(i.insurer));
  const reasons = [...new Set(s.insurers.flatMap((i) => Object.keys(i.by_reason)))].sort();
  const palette = ['#c62828', '#ef6c00', '#6a1b9a', '#ad1457', '#4e342e', '#37474f', '#827717', '#00695c'];
  return [
    {
      title: '各保险公司查询：应答、拒绝、额度用尽',
      config: {
        data: {
          labels: insurers,
          datasets: [
            { label: '已应答', data: s.insurers.map((i) => i.queries - i.probes), backgroundColor: COLOURS.answered },
            { label: '拒绝（不可用）', data: s.insurers.map((i) => i.denied), backgroundColor: COLOURS.denied },
            { label: '额度用尽', data: s.insurers.map((i) => i.budget_exhausted), backgroundColor: COLOURS.budget },
          ],
        },
        options: stacked,
      },
    },
    {
      title: '各保险公司被拒查询的原因（试探）',
      config: {
        data: {
          labels: insurers,
          datasets: reasons.map((r, k) => ({
            label: label(REASON_LABELS, r),
            data: s.insurers.map((i) => i.by_reason[r] ?? 0),
            backgroundColor: palette[k % palette.length]!,
          })),
        },
        options: stacked,
      },
    },
    {
      title: '各保险公司一站式结算金额',
      config: {
        data: {
          labels: insurers,
          // Plotted in fen (integers); the axis and tooltips print yuan by integer arithmetic.
          datasets: [
            { label: '结算金额', data: s.insurers.map((i) => i.settled_fen), backgroundColor: COLOURS.settled },
            { label: '冲正金额', data: s.insurers.map((i) => i.reversed_fen), backgroundColor: COLOURS.reversed },
          ],
        },
        options: {
          scales: { y: { beginAtZero: true, ticks: { callback: (v) => yuan(Math.round(Number(v))) } } },
          plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${yuan(Number(c.raw))}` } } },
        },
      },
    },
    {
      title: '各医疗机构：上传、拒收、结算',
      config: {
        data: {
          labels: s.hospitals.map((h) => directory.name(h.provider)),
          datasets: [
            { label: '上传记录', data: s.hospitals.map((h) => h.pushes), backgroundColor: COLOURS.pushes },
            { label: '拒收', data: s.hospitals.map((h) => h.refused), backgroundColor: COLOURS.refused },
            { label: '结算', data: s.hospitals.map((h) => h.settlements), backgroundColor: COLOURS.settled },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
    },
  ];
}

function InsurerTable(props: { s: Summary; directory: Directory }) {
  return (
    <table class="summary" data-table="insurers">
      <thead>
        <tr>
          <th>保险公司</th>
          <th class="num">查询</th>
          <th class="num">拒绝（不可用）</th>
          <th class="num">额度用尽</th>
          <th class="num">试探合计</th>
          <th>拒绝原因</th>
          <th class="num">结算笔数</th>
          <th class="num">结算金额</th>
          <th class="num">冲正</th>
          <th class="num">冲正金额</th>
        </tr>
      </thead>
      <tbody>
        {props.s.insurers.map((i) => (
          <tr key={i.insurer} data-insurer={i.insurer}>
            <td>
              {props.directory.name(i.insurer)}
              <span class="code">{i.insurer}</span>
            </td>
            <td class="num" data-field="queries">{i.queries}</td>
            <td class="num" data-field="denied">{i.denied}</td>
            <td class="num" data-field="budget_exhausted">{i.budget_exhausted}</td>
            <td class="num" data-field="probes">{i.probes}</td>
            <td data-field="by_reason">
              {Object.entries(i.by_reason).map(([r, n]) => (
                <span key={r} class="reason" data-reason={r}>
                  {label(REASON_LABELS, r)} {n}
                </span>
              ))}
            </td>
            <td class="num" data-field="settlements">{i.settlements}</td>
            <td class="num" data-field="settled_fen" data-fen={String(i.settled_fen)}>{yuan(i.settled_fen)}</td>
            <td class="num" data-field="reversals">{i.reversals}</td>
            <td class="num" data-field="reversed_fen" data-fen={String(i.reversed_fen)}>{yuan(i.reversed_fen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HospitalTable(props: { s: Summary; directory: Directory }) {
  return (
    <table class="summary" data-table="hospitals">
      <thead>
        <tr>
          <th>医疗机构</th>
          <th class="num">上传记录</th>
          <th class="num">拒收</th>
          <th class="num">结算</th>
          <th class="num">冲正</th>
          <th class="num">拒绝结算</th>
        </tr>
      </thead>
      <tbody>
        {props.s.hospitals.map((h) => (
          <tr key={h.provider} data-provider={h.provider}>
            <td>
              {props.directory.name(h.provider)}
              <span class="code">{h.provider}</span>
            </td>
            <td class="num" data-field="pushes">{h.pushes}</td>
            <td class="num" data-field="refused">{h.refused}</td>
            <td class="num" data-field="settlements">{h.settlements}</td>
            <td class="num" data-field="reversals">{h.reversals ?? 0}</td>
            <td class="num" data-field="settlements_refused">{h.settlements_refused ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The bureau's supervision summary over a range of Shanghai days: tables and charts. */
export function SupervisionView(props: { api: Api; directory: Directory }) {
  const [from, setFrom] = useState(() => shanghaiDay(-30));
  const [to, setTo] = useState(() => shanghaiDay(0));
  const [summary, setSummary] = useState<Summary | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setSummary(await props.api.summary({ from: shanghaiInput(from), to: to ? shanghaiInput(nextDay(to)) : undefined }));
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(), []);
  // Built once per summary (and directory), so re-renders do not redraw the charts.
  const charts = useMemo(() => (summary ? chartsOf(summary, props.directory) : []), [summary, props.directory]);

  return (
    <section class="card" data-test="supervision" data-loaded={summary && !busy ? 'true' : 'false'}>
      <h2>监管统计</h2>
      <form
        class="search"
        data-test="supervision-range"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          起始日期
          <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          截止日期（含当日）
          <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          统计
        </button>
      </form>
      {error ? <p class="notice" role="alert">{error}</p> : null}
      {summary ? (
        <>
          <p class="status">
            区间 {shanghaiTime(summary.from)} 至 {shanghaiTime(summary.to)}（不含）。计数来自访问日志的叶子；金额来自结算应答。试探 = 被拒查询 + 额度用尽。
          </p>
          <h3>保险公司</h3>
          <InsurerTable s={summary} directory={props.directory} />
          <h3>医疗机构</h3>
          <HospitalTable s={summary} directory={props.directory} />
          <div class="charts">
            {charts.map((c) => (
              <BarChart key={c.title} title={c.title} config={c.config} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}
