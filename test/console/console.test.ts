import t from 'tap';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { harness, type Harness } from '../helpers.js';
import { NAMES, STORY_COUNTS, tellStory, type Story } from '../fixtures/console-story.js';
import { openBrowser, screenshot, watchedPage, type Watch } from './browser.js';

/**
 * The web console in a real browser against a real gateway listening on a port: the bureau's search,
 * verification in the browser (and its failure on tampered answers from a test double that rewrites
 * the gateway's responses in flight), the supervision view, the patient's grant and revoke. Every
 * request the pages make is recorded (none may leave the gateway's origin) and so is every page error.
 */

const SHANGHAI = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

let h: Harness;
let origin: string;
let story: Story;
let context: BrowserContext;
const watch: Watch = { requests: [], errors: [] };

t.before(async () => {
  h = await harness();
  story = await tellStory(h);
  origin = await h.app.listen({ port: 0, host: '127.0.0.1' });
  context = await openBrowser();
});

t.teardown(async () => {
  await context?.close();
  await h?.close();
});

const rows = (page: Page, test: string) => page.locator(`[data-test="${test}"]`);
/**
 * The API's answer as the page saw it: every search is itself a leaf (audit.searched), so the page's own
 * search, appended after its page was read, shows up in an API call made afterwards — trailing
 * audit.searched events past the page's last row are the page's own.
 */
const asSeenBy = (shown: number[], events: { leaf_index: number; action: string }[]) => {
  const last = shown.length ? Math.max(...shown) : -1;
  return events.filter((e) => e.leaf_index <= last || e.action !== 'audit.searched').map((e) => e.leaf_index);
};
const leafIndexes = async (page: Page) => (await rows(page, 'audit-event').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-leaf-index')))));
const api = async (url: string, token: string) => (await h.call({ method: 'GET', url, token })).body;

async function signedIn(token: string): Promise<Page> {
  const page = await watchedPage(context, watch);
  await page.goto(`${origin}/console/#token=${token}`);
  await page.locator('[data-test="whoami"]').waitFor();
  // Names come from the directory: checks on names start once it is in.
  await page.locator('.page[data-directory="loaded"]').waitFor();
  return page;
}

async function search(page: Page, fields: Record<string, string>): Promise<void> {
  const form = page.locator('[data-test="audit-search"]');
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  // Wait for this search's answer, then for the rows it brings (the previous ones went at the click).
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/audit/events'),
    page.locator('[data-test="audit-search-submit"]').click(),
  ]);
  await page.locator('.status', { hasText: /本页 \d+ 条事件/ }).waitFor();
}

async function verify(page: Page): Promise<string> {
  // Each result carries the number of its run: wait for the next one, not the one already shown.
  const shown = page.locator('.verify[data-run]');
  const run = ((await shown.count()) ? Number(await shown.getAttribute('data-run')) : 0) + 1;
  await page.locator('[data-test="verify-log"]').click();
  const result = page.locator(`.verify[data-run="${run}"] [data-test="verify-result"]`);
  await result.waitFor();
  return (await result.textContent()) ?? '';
}

/** Rewrites one JSON answer of the gateway in flight: the test double between the browser and the gateway. */
async function tamper(page: Page, glob: string, change: (body: any) => any): Promise<() => Promise<void>> {
  const handler = async (route: Route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, json: change(await res.json()) });
  };
  await page.route(glob, handler);
  return () => page.unroute(glob, handler);
}

t.test('bureau: sign in from the fragment, search with names and Shanghai time, page through', async (t) => {
  const page = await signedIn(story.tokens.bureau);
  t.equal(await page.locator('[data-test="whoami"]').textContent(), 'bureau SH-YBJ', 'role and code');
  t.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
  t.equal(await page.evaluate(() => window.localStorage.length), 0, 'nothing in localStorage');
  t.same(await context.cookies(), [], 'no cookies');

  await search(page, { actor: 'charity' });
  const expected = await api('/v1/audit/events?actor=charity', story.tokens.bureau);
  t.same(await leafIndexes(page), expected.events.map((e: any) => e.leaf_index), 'one row per event the API returns, with its leaf index');
  t.equal(expected.events.length, 3, 'charity asked three times');
  const first = rows(page, 'audit-event').first();
  t.match(await first.textContent(), NAMES.charity!, 'the party name, not only its code');
  t.match(await first.textContent(), SHANGHAI.format(new Date(expected.events[0].time)), 'Shanghai local time (the browser runs in New York time)');

  await search(page, { actor: '', certno: story.alice });
  const alice = await api(`/v1/audit/events?certno=${story.alice}`, story.tokens.bureau);
  const aliceRows = await leafIndexes(page);
  t.same(aliceRows, asSeenBy(aliceRows, alice.events), 'by ID number (the API turns it into the blind index)');
  t.ok(alice.events.length >= 8);

  await search(page, { certno: '', action: 'query.claim_verification', outcome: 'denied' });
  const denied = await api('/v1/audit/events?action=query.claim_verification&outcome=denied', story.tokens.bureau);
  const deniedRows = await leafIndexes(page);
  t.same(deniedRows, asSeenBy(deniedRows, denied.events), 'by action and outcome');
  t.match(await rows(page, 'audit-event').first().textContent(), '授权未包含该用途', 'the reason in Chinese');

  await search(page, { action: '', outcome: '', limit: '20' });
  const page1 = await leafIndexes(page);
  t.same(page1, [...Array(20).keys()], 'first page: leaves 0–19');
  await page.getByRole('button', { name: '下一页' }).click();
  await page.locator('[data-test="audit-event"][data-leaf-index="20"]').waitFor();
  const all = await api('/v1/audit/events?limit=20&cursor=19', story.tokens.bureau);
  const page2 = await leafIndexes(page);
  t.same(page2, asSeenBy(page2, all.events).slice(0, 20), 'next page from next_cursor');
  await page.getByRole('button', { name: '上一页' }).click();
  await page.locator('[data-test="audit-event"][data-leaf-index="0"]').waitFor();
  t.same(await leafIndexes(page), page1, 'and back');
  await screenshot(page, 'bureau-search');
  await page.close();
});

t.test('bureau: the supervision view shows the exact summary with charts', async (t) => {
  const page = await signedIn(story.tokens.bureau);
  const view = page.locator('[data-test="supervision"][data-loaded="true"]');
  await view.waitFor();
  for (const [insurer, want] of Object.entries(STORY_COUNTS.insurers)) {
    const row = view.locator(`tr[data-insurer="${insurer}"]`);
    t.match(await row.textContent(), NAMES[insurer]!, `${insurer}: by name`);
    for (const field of ['queries', 'denied', 'budget_exhausted', 'probes', 'settlements', 'reversals'] as const) {
      t.equal(Number(await row.locator(`[data-field="${field}"]`).textContent()), want[field], `${insurer} ${field}`);
    }
    t.equal(Number(await row.locator('[data-field="settled_fen"]').getAttribute('data-fen')), want.settled_fen, `${insurer} settled_fen`);
    for (const [reason, n] of Object.entries(want.by_reason)) t.match(await row.locator(`[data-reason="${reason}"]`).textContent(), ` ${n}`, `${insurer} ${reason}`);
  }
  t.match(await view.locator('tr[data-insurer="baiwan"] [data-field="settled_fen"]').textContent(), '¥5,000.00', 'amounts in yuan, from integer fen');
  const h1 = view.locator('tr[data-provider="H31010100001"]');
  t.equal(Number(await h1.locator('[data-field="pushes"]').textContent()), STORY_COUNTS.hospitals.H31010100001.pushes);
  t.equal(Number(await h1.locator('[data-field="refused"]').textContent()), STORY_COUNTS.hospitals.H31010100001.refused);
  const canvases = view.locator('canvas');
  t.equal(await canvases.count(), 4, 'four charts');
  const drawn = await canvases.evaluateAll((cs) => (cs as HTMLCanvasElement[]).map((c) => c.width > 0 && c.height > 0));
  t.same(drawn, [true, true, true, true], 'drawn');
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'bureau-supervision');
  await page.close();
});

t.test('bureau: verification in the browser, and exactly what fails when an answer is tampered with', async (t) => {
  const page = await signedIn(story.tokens.bureau);
  await search(page, { certno: story.alice });
  const shown = await leafIndexes(page);
  t.equal(await verify(page), 'verified', 'the shown events are in the log under a signed head');
  t.equal(await rows(page, 'audit-event').locator('td.mark', { hasText: '✓' }).count(), shown.length, 'every row checked');
  await screenshot(page, 'bureau-verified');

  // A leaf whose bytes differ from what the log hashed (a member the row does not show).
  const target = shown[2]!;
  let undo = await tamper(page, '**/v1/audit/leaves?*', (body) => {
    for (const l of body.leaves) {
      if (l.leaf_index !== target) continue;
      const e = JSON.parse(Buffer.from(l.leaf, 'base64').toString('utf8'));
      e.event_id = e.event_id.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
      l.leaf = Buffer.from(JSON.stringify(e)).toString('base64');
    }
    return body;
  });
  let result = await verify(page);
  t.match(result, /^FAILED/);
  t.match(result, `leaf ${target} is not included under the signed root`, 'names the leaf and the root');
  t.notMatch(result, /does not match its row/, 'the row itself still matches');
  t.equal(await page.locator(`[data-test="audit-event"][data-leaf-index="${target}"]`).getAttribute('data-verified'), 'false');
  await screenshot(page, 'bureau-tampered-leaf');
  await undo();

  // A leaf that says something else than the row (the outcome), re-hashed or not: both checks fail.
  undo = await tamper(page, '**/v1/audit/leaves?*', (body) => {
    for (const l of body.leaves) {
      if (l.leaf_index !== target) continue;
      const e = JSON.parse(Buffer.from(l.leaf, 'base64').toString('utf8'));
      e.outcome = e.outcome === 'allowed' ? 'denied' : 'allowed';
      l.leaf = Buffer.from(JSON.stringify(e)).toString('base64');
    }
    return body;
  });
  result = await verify(page);
  t.match(result, `leaf ${target} does not match its row (outcome)`, 'names the leaf and the member');
  await undo();

  // A tree head whose signature does not belong to its contents.
  undo = await tamper(page, '**/v1/audit/tree-head', (head) => ({ ...head, tree_size: head.tree_size + 1 }));
  result = await verify(page);
  t.match(result, /^FAILED: tree head signature \(size \d+, key [^)]+\) is not valid$/, 'names the signature');
  await undo();

  // An audit path that does not lead to the root.
  undo = await tamper(page, '**/v1/audit/proof/inclusion?*', (p) => (p.leaf_index === target ? { ...p, audit_path: [...p.audit_path].reverse() } : p));
  result = await verify(page);
  t.match(result, `leaf ${target} is not included under the signed root`);
  await undo();

  t.equal(await verify(page), 'verified', 'the real answers still verify');
  await page.close();
});

t.test('bureau: each new head must extend the one the tab verified before (consistency)', async (t) => {
  const page = await signedIn(story.tokens.bureau);
  await search(page, { actor: 'huhuibao' });
  t.equal(await verify(page), 'verified');
  const before = Number(await page.locator('.verify .detail').textContent().then((s) => /大小 (\d+)/.exec(s ?? '')![1]));

  // The log grows: the next head is larger and must be proven consistent with the first.
  await h.call({ method: 'POST', url: '/v1/eligibility', token: story.tokens.huhuibao, payload: { certno: story.alice, provider: 'H31010100001', mdtrt_id: 'V1', policy_no: 'HHB-1' } });
  const undo = await tamper(page, '**/v1/audit/proof/consistency?*', (p) => ({ ...p, proof: p.proof.map((x: string) => x.replace(/^./, (c: string) => (c === '0' ? '1' : '0'))) }));
  const result = await verify(page);
  t.match(result, /^FAILED: consistency: the head of size \d+ does not extend the one of size \d+/, 'names the consistency proof');
  t.match(result, `size ${before} `, 'and the head it was checked against');
  await screenshot(page, 'bureau-inconsistent');
  await undo();
  t.equal(await verify(page), 'verified', 'with the real proof the new head extends the old one');
  t.match(await page.locator('.verify .detail').textContent(), `一致`, 'and says so');
  await page.close();
});

t.test('patient: consents by insurer name, grant with purposes, providers, validity and budget, revoke', async (t) => {
  const page = await signedIn(story.tokens.alice);
  t.equal(await page.locator('[data-test="whoami"]').textContent(), 'patient', 'just "patient"');
  t.notMatch(await page.content(), story.alice, 'the ID number appears nowhere on the page');
  await rows(page, 'consent').first().waitFor();
  t.equal(await rows(page, 'consent').count(), 2);
  t.match(await rows(page, 'consent').first().textContent(), NAMES.huhuibao!, 'the insurer by name');

  const form = page.locator('[data-test="consent-grant"]');
  await form.locator('[name="grantee"]').selectOption('suisuikang');
  await form.locator('[name="purposes"][value="eligibility"]').check();
  await form.locator('[name="purposes"][value="claim_verification"]').check();
  t.match(await form.textContent(), '核验是否符合理赔条件', 'purposes explained in plain Chinese');
  await form.locator('[name="provider_scope"][value="listed"]').check();
  await form.locator('[name="hospital"][value="H31010100001"]').check();
  await form.locator('[name="providers"]').fill('H31010100002');
  await form.locator('[name="valid_until"]').fill('2031-06-30');
  await form.locator('[name="max_queries_per_day"]').fill('3');
  await form.locator('button[type="submit"]').click();
  await page.locator('[data-test="consent"]').nth(2).waitFor();

  const listed = (await api('/v1/consents', story.tokens.alice)).consents;
  const granted = listed.find((c: any) => c.grantee === 'suisuikang');
  t.same(
    [granted.purposes, granted.providers, granted.max_queries_per_day, granted.status, granted.valid_until],
    [['eligibility', 'claim_verification'], ['H31010100001', 'H31010100002'], 3, 'active', '2031-06-30T15:59:59.999Z'],
    'the gateway holds exactly what the form said (valid through the end of that day in Shanghai)',
  );
  const row = page.locator(`[data-test="consent"][data-consent-id="${granted.consent_id}"]`);
  t.match(await row.textContent(), NAMES.suisuikang!);
  t.match(await row.textContent(), `${NAMES.H31010100001}、${NAMES.H31010100002}`, 'providers by name');
  await screenshot(page, 'patient-granted');

  await row.locator('[data-test="revoke"]').click();
  await page.locator(`[data-test="consent"][data-consent-id="${granted.consent_id}"][data-status="revoked"]`).waitFor();
  const after = (await api('/v1/consents', story.tokens.alice)).consents.find((c: any) => c.consent_id === granted.consent_id);
  t.equal(after.status, 'revoked', 'revoked at the gateway');
  t.ok(await row.locator('[data-test="revoke"]').isDisabled(), 'a revoked consent cannot be revoked again');

  const log = await api('/v1/me/access-log?limit=1000', story.tokens.alice);
  await page.locator(`[data-test="access"][data-leaf-index="${log.events.at(-1).leaf_index}"]`).waitFor();
  t.equal(await rows(page, 'access').count(), log.events.length, 'every access to her data, the grant and revocation included');
  const byInsurer = rows(page, 'access').filter({ hasText: NAMES.huhuibao! });
  t.ok((await byInsurer.count()) >= 2, 'accesses by the insurer, by name');
  t.notMatch(await page.content(), story.alice, 'still no ID number on the page');
  await screenshot(page, 'patient-revoked');
  await page.close();
});

t.test('sign-in field: the token stays in this tab only', async (t) => {
  const page = await watchedPage(context, watch);
  await page.goto(`${origin}/console/`);
  await page.locator('[data-test="sign-in"] [name="token"]').fill(story.tokens.bob);
  await page.locator('[data-test="sign-in"] button[type="submit"]').click();
  await page.locator('[data-test="whoami"]').waitFor();
  t.equal(await page.locator('[data-test="whoami"]').textContent(), 'patient');
  await page.reload();
  await page.locator('[data-test="whoami"]').waitFor();
  t.pass('a reload of the tab keeps the session (sessionStorage)');
  const other = await watchedPage(context, watch);
  await other.goto(`${origin}/console/`);
  await other.locator('[data-test="sign-in"]').waitFor();
  t.equal(await other.locator('[data-test="whoami"]').count(), 0, 'another tab is not signed in');
  t.equal(await page.evaluate(() => window.localStorage.length), 0, 'nothing in localStorage');
  t.same(await context.cookies(), [], 'no cookies');
  await page.getByRole('button', { name: '退出' }).click();
  await page.locator('[data-test="sign-in"]').waitFor();
  t.equal(await page.evaluate(() => window.sessionStorage.length), 0, 'signing out forgets the token');
  await other.close();
  await page.close();
});

t.test('no request left the gateway origin, and no page raised or logged an error', async (t) => {
  t.ok(watch.requests.length > 50, `${watch.requests.length} requests recorded`);
  t.same(watch.requests.filter((u) => new URL(u).origin !== origin), [], 'every request went to the gateway itself');
  t.same(watch.errors, [], 'no page errors, console errors or CSP violations');
});
