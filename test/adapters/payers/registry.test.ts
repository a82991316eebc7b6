import t from 'tap';
import type { Product } from '../../../gateway/domain/product.js';
import { ProductDefinitionError, validateProduct, type ProductDefinition } from '../../../adapters/payers/product-schema.js';
import { BUILT_IN_ADAPTERS, PayerRegistry, loadPayerRegistry } from '../../../adapters/payers/registry.js';
import type { PayerAdapter } from '../../../adapters/payers/types.js';

/**
 * The payer registry and the product schema alone (no HTTP, no storage): what start-up accepts, the
 * order products are listed in, and the problem a bad definition stops the gateway with.
 */

// The schema admits exactly the domain's plain Product type: a field added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaIsDomainType: Same<ProductDefinition, Product> = true;

const minimal = (over: Record<string, unknown> = {}, liability: Record<string, unknown> = {}): Record<string, unknown> => ({
  code: 'test-product', version: '1.0.0', name: 'test', insurer: 'tester', cob_order: 30,
  liabilities: [{
    code: 'medical', name: 'medical', visit_types: ['inpatient'], base: 'personal_burden', ratio_bp: { normal: 5000, pre_existing: 5000 },
    requires_local_settlement: false, cap_fen: 100_000, ...liability,
  }],
  ...over,
});
const adapter = (id: string, products: unknown[]): PayerAdapter => ({ id, name: id, products });

t.test('the shipped products load, listed in coordination-of-benefits order then by code', async (t) => {
  t.ok(schemaIsDomainType);
  const r = new PayerRegistry(BUILT_IN_ADAPTERS);
  t.same(r.list().map((p) => [p.cob_order, p.code]), [
    [10, 'huhuibao-2025'], [10, 'huhuibao-2025-xinshimin'], [10, 'suisuikang-2022'], [20, 'baiwan-medical'], [90, 'charity-relief'],
  ]);
  t.equal(r.get('suisuikang-2022')?.adapter.id, 'suisuikang');
  t.equal(r.get('huhuibao-2025-xinshimin')?.product.family, 'huhuibao');
  t.equal(r.get('no-such-product'), undefined);
  for (const p of r.list()) t.equal(p.insurer, r.get(p.code)!.adapter.id, `${p.code} is enrolled by its own payer's party`);
});

t.test('a product code defined twice stops start-up', async (t) => {
  t.throws(() => new PayerRegistry([adapter('a', [minimal()]), adapter('b', [minimal()])]), /product code test-product is defined twice/);
});

t.test('a definition the schema refuses names its origin and the path', async (t) => {
  const err = t.throws(() => validateProduct(minimal({ cob_order: -1 }), 'tester#0')) as unknown as Error;
  t.ok(err instanceof ProductDefinitionError);
  t.match(err.message, /^product definition tester#0 is invalid:\n {2}\/cob_order /);
  t.throws(() => validateProduct(minimal({}, { ratio_bp: { normal: 10_001, pre_existing: 0 } }), 'x'), /\/liabilities\/0\/ratio_bp\/normal/);
  t.throws(() => validateProduct(minimal({ surprise: true }), 'x'), ProductDefinitionError, 'no unknown fields');
  t.throws(() => validateProduct('not an object', 'x'), /product definition x is invalid:\n {2}\//);
  t.throws(() => new PayerRegistry([adapter('tester', [minimal(), minimal({ liabilities: [] })])]), /product definition tester#1 is invalid/, 'the origin counts within the adapter');
});

t.test('cross-references the schema cannot check are listed together', async (t) => {
  const def = minimal({
    liabilities: [
      { ...(minimal().liabilities as object[])[0], deductible: { shared: 'family' }, shared_cap: 'annual', requires_local_settlement: true },
      { ...(minimal().liabilities as object[])[0], base: 'listed_items', items: { chrgitm_lv: ['01'] } },
    ],
  });
  const err = t.throws(() => validateProduct(def, 'tester#0')) as unknown as Error;
  t.equal(err.message, [
    'product definition tester#0 is invalid:',
    '  liability medical names shared deductible family, which is not defined',
    '  liability medical names shared cap annual, which is not defined',
    '  liability medical depends on local settlement but the product has no local_region',
    '  liability medical appears twice',
    '  liability medical pays listed items but lists no med_list_codes',
  ].join('\n'));
  t.throws(() => validateProduct(minimal({}, { non_local_ratio_bp: { normal: 1000, pre_existing: 1000 } }), 'x'), /depends on local settlement/);
  const ok = validateProduct(
    minimal({ local_region: '31', shared_deductibles: { family: { amount_fen: 100 } }, shared_caps: { annual: 1_000 } }, { deductible: { shared: 'family' }, shared_cap: 'annual', requires_local_settlement: true }),
    'x',
  );
  t.equal(ok.liabilities[0]!.shared_cap, 'annual', 'defined names resolve');
});

t.test('an operator’s directory adds one declarative adapter per JSON file, in name order', async (t) => {
  const dir = t.testdir({
    'b-relief.json': JSON.stringify({ id: 'relief-b', products: [minimal({ code: 'relief-b', insurer: 'relief-b', cob_order: 95 })] }),
    'a-relief.json': JSON.stringify({ id: 'relief-a', name: '甲救助', products: [minimal({ code: 'relief-a', insurer: 'relief-a', cob_order: 95 })] }),
    'README.txt': 'not a payer',
  });
  const r = loadPayerRegistry(dir);
  t.same(r.list().slice(-2).map((p) => p.code), ['relief-a', 'relief-b']);
  t.same([r.get('relief-a')!.adapter.name, r.get('relief-b')!.adapter.name], ['甲救助', 'relief-b'], 'the name defaults to the id');
  t.equal(loadPayerRegistry().list().length, 5, 'without a directory, the shipped products only');
  const bad = t.testdir({ 'x.json': JSON.stringify({ name: 'no id', products: [] }) });
  t.throws(() => loadPayerRegistry(bad), /payer file x\.json needs "id" and "products"/);
  const noProducts = t.testdir({ 'y.json': JSON.stringify({ id: 'y', products: {} }) });
  t.throws(() => loadPayerRegistry(noProducts), /payer file y\.json needs "id" and "products"/);
});
