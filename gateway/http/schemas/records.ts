import { Type } from 'typebox';

/** Records are national-platform JSON: checked field by field in adapters/nhsa, not by a schema here. */
export const RecordBody = Type.Object({}, { additionalProperties: true, description: '{certno, setlinfo, setldetail?, feedetail?, diseinfo?} (national platform field names, yuan) or the platform envelope around them.' });
export const RecordAnswer = Type.Object({ record_id: Type.String(), version: Type.Integer() });
