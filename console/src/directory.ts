import type { Party } from './api.js';

/** Party names by code, from GET /v1/directory: people read names, the log keeps codes. */
export class Directory {
  private readonly byCode: Map<string, Party>;

  constructor(readonly parties: readonly Party[] = []) {
    this.byCode = new Map(parties.map((p) => [p.code, p]));
  }

  /** The name of a party, '患者本人' for the patient, else the code itself. */
  name(code: string): string {
    if (code === 'patient') return '患者本人';
    return this.byCode.get(code)?.name ?? code;
  }

  get(code: string): Party | undefined {
    return this.byCode.get(code);
  }

  ofRole(role: Party['role']): Party[] {
    return this.parties.filter((p) => p.role === role);
  }
}
