import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api.js';
import { Directory } from './directory.js';
import { ROLE_LABELS } from './format.js';
import { forget, initialSession, keep, sessionFromToken, type Session } from './session.js';
import { AuditSearch } from './views/audit-search.js';
import { PatientPage } from './views/patient.js';
import { SignIn } from './views/sign-in.js';
import { SupervisionView } from './views/supervision.js';

/** The console: sign-in, then the bureau's or the patient's page. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(() => initialSession());
  const [notice, setNotice] = useState<string | undefined>();
  const [directory, setDirectory] = useState(() => new Directory());

  const signOut = (why?: string) => {
    forget();
    setSession(undefined);
    setDirectory(new Directory());
    setNotice(why);
  };
  const api = useMemo(() => (session ? new Api(session.token, () => signOut('登录已失效（令牌过期或无效），请重新登录。')) : undefined), [session]);

  useEffect(() => {
    if (!api) return;
    let live = true;
    api.directory().then(
      (d) => live && setDirectory(new Directory(d.parties)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (!session || !api) {
    return (
      <SignIn
        notice={notice}
        onToken={(token) => {
          const s = sessionFromToken(token);
          if (!s) {
            setNotice('无法识别的令牌。');
            return;
          }
          keep(s);
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }

  const name = session.role === 'patient' ? undefined : directory.get(session.code)?.name;
  return (
    <div class="page" data-directory={directory.parties.length ? 'loaded' : 'empty'}>
      <header class="top">
        <h1>Vouch 控制台</h1>
        <div class="who">
          <span class="role-label">{ROLE_LABELS[session.role]}</span>
          <span data-test="whoami">{session.role === 'patient' ? 'patient' : `${session.role} ${session.code}`}</span>
          {name ? <span class="party-name">{name}</span> : null}
          <button type="button" class="link" onClick={() => signOut()}>
            退出
          </button>
        </div>
      </header>
      <main>
        {session.role === 'bureau' ? (
          <>
            <AuditSearch api={api} directory={directory} />
            <SupervisionView api={api} directory={directory} />
          </>
        ) : session.role === 'patient' ? (
          <PatientPage api={api} directory={directory} />
        ) : (
          <section class="card">
            <p>此控制台面向医保局（访问日志检索、验证与监管统计）和患者（授权管理与访问记录）。</p>
            <p>机构请使用 API（参见 /docs）。</p>
          </section>
        )}
      </main>
      <footer class="foot">时间均为北京时间（Asia/Shanghai）。数据仅通过本站 API 读取；令牌只保存在本标签页中。</footer>
    </div>
  );
}
