import t from 'tap';
import { applyRatio, fenToYuan, optionalYuanToFen, yuanToFen } from '../../../gateway/domain/money.js';
import type { InvalidAmountError } from '../../../gateway/domain/money.js';

t.test('yuan → fen is exact on the decimal text', async (t) => {
  const cases: [unknown, number][] = [
    ['0', 0], ['0.00', 0], ['-0', 0], [0, 0], ['0.1', 10], ['0.2', 20], [0.1, 10], [0.2, 20], [0.3, 30],
    ['1.005'.slice(0, 4), 100], ['19.99', 1999], [19.99, 1999], [1.1, 110], [4.35, 435], [1.15, 115], [8.2, 820],
    ['12345678901234.56', 1234567890123456], ['99999999999999.99', 9999999999999999], ['-3.50', -350], [-3.5, -350],
    ['  12.30 ', 1230], ['007.5', 750], [123456789012.34, 12345678901234], [1e3, 100000],
  ];
  for (const [input, fen] of cases) t.equal(yuanToFen(input), fen, `${JSON.stringify(input)} → ${fen}`);
  // 0.1 + 0.2 in floating point is 0.30000000000000004; in fen it is 30.
  t.equal(yuanToFen(0.1) + yuanToFen(0.2), yuanToFen('0.3'));
  t.equal(yuanToFen(0.1 + 0.2 > 0.3 ? '0.30' : '0'), 30);
});

t.test('anything that is not a yuan amount with ≤2 decimals is refused, naming only the field', async (t) => {
  const bad: unknown[] = [
    '1.005', '0.001', '1e5', '1E2', '+1', '1,000.00', '', ' ', '.5', '5.', '--1', '0x10', 'NaN', 'Infinity', '１２', '١٢',
    NaN, Infinity, -Infinity, 0.001, 1e21, 12345678901234.56, 99999999999999.99, '123456789012345.00', null, true, {}, [], 5n,
  ];
  for (const input of bad) {
    const err = t.throws(() => yuanToFen(input, 'setlinfo.medfee_sumamt')) as unknown as InvalidAmountError;
    t.equal(err.code, 'INVALID_AMOUNT', `${String(input)} refused`);
    t.match(err.message, /setlinfo\.medfee_sumamt/);
    if (typeof input === 'string' && input.length > 2) t.notMatch(err.message, input, 'the value itself is not echoed');
  }
});

t.test('fen → yuan text and ratios in basis points, half up', async (t) => {
  t.equal(fenToYuan(0), '0.00');
  t.equal(fenToYuan(5), '0.05');
  t.equal(fenToYuan(-350), '-3.50');
  t.equal(fenToYuan(1234567890123456), '12345678901234.56');
  t.equal(applyRatio(10_000, 7000), 7000);
  t.equal(applyRatio(1, 5000), 1, '0.5 fen rounds up');
  t.equal(applyRatio(3, 3333), 1);
  t.equal(applyRatio(15, 3000), 5, '4.5 fen rounds up');
  t.equal(applyRatio(14, 3000), 4, '4.2 fen rounds down');
  t.equal(applyRatio(9_999_999_999_999_999 - 9_999_999_999_999_999 + 100_000_000_000_000, 7000), 70_000_000_000_000, '10^14 fen stays exact');
  t.equal(applyRatio(-5, 7000), 0);
  t.equal(applyRatio(0, 10_000), 0);
});

t.test('negative zero, unsafe fen and bad ratio inputs', async (t) => {
  t.ok(Object.is(yuanToFen(-0), 0), 'negative zero is 0 fen');
  t.throws(() => fenToYuan(0.5), RangeError);
  t.throws(() => fenToYuan(2 ** 53), RangeError);
  t.throws(() => applyRatio(1.5, 7000), RangeError);
  t.throws(() => applyRatio(100, 70.5), RangeError);
  t.throws(() => applyRatio(100, -1), RangeError);
});

t.test('an absent optional amount is 0 fen; a present one is converted as any other', async (t) => {
  t.same([undefined, null, ''].map((v) => optionalYuanToFen(v, 'setlinfo.oth_pay')), [0, 0, 0]);
  t.equal(optionalYuanToFen('12.30', 'setlinfo.oth_pay'), 1230);
  t.throws(() => optionalYuanToFen(' ', 'setlinfo.oth_pay'), { code: 'INVALID_AMOUNT' }, 'white space is not absence');
});
