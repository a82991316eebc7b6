import { useState } from 'preact/hooks';

/** The token field: for when the page was opened without `#token=…`. */
export function SignIn(props: { notice: string | undefined; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <div class="page">
      <header class="top">
        <h1>Vouch 控制台</h1>
      </header>
      <main>
        <section class="card sign-in">
          <h2>登录</h2>
          <p>医保局工作人员使用网关签发的令牌；患者使用身份提供方（如医保 App）的令牌。</p>
          {props.notice ? (
            <p class="notice" role="alert">
              {props.notice}
            </p>
          ) : null}
          <form
            data-test="sign-in"
            onSubmit={(e) => {
              e.preventDefault();
              if (token.trim()) props.onToken(token.trim());
            }}
          >
            <label>
              令牌
              <textarea name="token" rows={4} autocomplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
            </label>
            <button type="submit">登录</button>
          </form>
          <p class="hint">
            开发环境：<code>npx vouch token --role bureau --sub 机构代码</code> 或 <code>npx vouch token --role patient --sub 身份证号</code>。
            令牌只保存在本标签页中，关闭即失效。
          </p>
        </section>
      </main>
    </div>
  );
}
