import t from 'tap';
import { familyOf, needsItemisation, termYearsOf, type Product } from '../../../gateway/domain/product.js';

const product: Product = {
  code: 'huhuibao-2025-xinshimin', version: '2025.1.0', name: '沪惠保 2025 新市民版', insurer: 'huhuibao', cob_order: 10,
  liabilities: [{ code: 'car_t', name: 'CAR-T', visit_types: ['inpatient'], base: 'listed_items', items: { med_list_codes: ['XL01XXA001B001010100001'] }, ratio_bp: { normal: 10_000, pre_existing: 10_000 }, requires_local_settlement: false, cap_fen: 50_000_000 }],
};

t.test('defaults of the product terms: the family is the code, the term one year', async (t) => {
  t.equal(familyOf(product), 'huhuibao-2025-xinshimin');
  t.equal(familyOf({ ...product, family: 'huhuibao' }), 'huhuibao');
  t.equal(termYearsOf(product), 1);
  t.equal(termYearsOf({ ...product, term_years: 3 }), 3);
  t.ok(needsItemisation(product.liabilities[0]!));
  t.notOk(needsItemisation({ ...product.liabilities[0]!, items: undefined }));
});
