import t from 'tap';
import { certnoCheckChar, normaliseCertno } from '../../../gateway/domain/certno.js';
import { certno } from '../../helpers.js';

t.test('GB 11643 check characters', async (t) => {
  t.equal(normaliseCertno('11010519491231002X'), '11010519491231002X', 'the standard’s own example');
  t.equal(normaliseCertno('11010519491231002x'), '11010519491231002X', 'lower-case x is normalised');
  t.equal(certnoCheckChar('11010519491231002'), 'X');
  for (let i = 0; i < 200; i++) t.ok(normaliseCertno(certno(i)), `generated ${i} is valid`);
});

t.test('invalid ID numbers', async (t) => {
  for (const bad of [
    '110105194912310021', // wrong check digit
    '11010519491331002X', // month 13
    '11010519490230002X', // Feb 30
    '01010519491231002X', // leading zero region
    '11010518991231002X', // before 1900
    '1101051949123100', '11010519491231002XX', '', ' 11010519491231002X', '1101051949123100２X', 12345, null, undefined,
  ]) {
    t.equal(normaliseCertno(bad), undefined, `${String(bad)}`);
  }
});
