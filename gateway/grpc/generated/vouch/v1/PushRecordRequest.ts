// Generated from proto/ by scripts/proto.mjs — do not edit.
// Original file: vouch/v1/record.proto


export interface PushRecordRequest {
  /**
   * The JSON body of POST /v1/records: {certno, setlinfo, setldetail?, feedetail?, diseinfo?} with the
   * national platform's field names and yuan amounts, or the platform envelope around them. Kept as
   * JSON so a HIS forwards what it already has; the gateway checks it field by field.
   */
  'record_json'?: (string);
}

export interface PushRecordRequest__Output {
  /**
   * The JSON body of POST /v1/records: {certno, setlinfo, setldetail?, feedetail?, diseinfo?} with the
   * national platform's field names and yuan amounts, or the platform envelope around them. Kept as
   * JSON so a HIS forwards what it already has; the gateway checks it field by field.
   */
  'record_json': (string);
}
