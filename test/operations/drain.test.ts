import t from 'tap';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, storedValue, tempDir, testConfig } from '../helpers.js';

/**
 * SIGTERM under load, as an operator's rolling restart sends it: the gateway stops accepting, answers
 * every request it accepted, then exits 0. Counted from the outside: every consent the database holds
 * afterwards was answered 201 to its patient — no commit without an answer — and every request either
 * got its answer or was refused before anything was written.
 */
const CLIENTS = 200;

t.test('SIGTERM under load: every accepted request is answered, nothing is committed unanswered, exit 0', async (t) => {
  const dir = tempDir();
  const g = await openGateway(testConfig(dir), createLogger('silent'));
  await g.parties.add({ role: 'insurer', code: 'huhuibao', name: 'H' }, ADMIN);
  const tokens = Array.from({ length: CLIENTS * 3 }, (_, i) => g.tokens.patientToken(certno(7000 + i), 3600));
  await g.close();

  const { proc, url } = await spawnGateway(dir);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let answered = 0;
  let refused = 0;
  let cut = 0;
  let next = 0;
  let sigtermSent = false;
  const grant = async (): Promise<void> => {
    while (next < tokens.length) {
      const token = tokens[next++]!;
      let res: Response;
      try {
        res = await fetch(`${url}/v1/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01' }),
        });
      } catch {
        // No answer at all: acceptable only once the server has stopped listening (checked below by count).
        cut++;
        if (!sigtermSent) t.fail('a request failed before SIGTERM');
        return;
      }
      const body = (await res.json()) as { consent_id?: string; error?: { code: string } };
      if (res.status === 201 && body.consent_id) answered++;
      else if (res.status === 503 && body.error?.code === 'SHUTTING_DOWN') refused++;
      else t.fail(`unexpected ${res.status}`);
      if (sigtermSent && res.status !== 201) return;
    }
  };
  const clients = Array.from({ length: CLIENTS }, () => grant());
  // SIGTERM once the load is under way (a count of answers, not a time).
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (answered >= CLIENTS / 2) {
        clearInterval(check);
        resolve();
      }
    }, 1);
  });
  sigtermSent = true;
  proc.kill('SIGTERM');
  await Promise.all(clients);
  const code = await exited;
  t.equal(code, 0, 'exit code 0 after a drain');
  t.ok(answered >= CLIENTS / 2, `${answered} answered, ${refused} refused with 503, ${cut} never reached the server`);

  const committed = await storedValue(dir, 'SELECT COUNT(*) AS n FROM consents');
  t.equal(committed, answered, 'every committed consent was answered 201 (no commit without an answer)');
});
