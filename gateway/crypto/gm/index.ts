export { sm3, hmacSm3 } from './sm3.js';
export { sm4EcbEncrypt, sm4EcbDecrypt, sm4CbcEncrypt, sm4CbcDecrypt, SM4_KEY, SM4_BLOCK } from './sm4.js';
export { sm4AeadSeal, sm4AeadOpen, AEAD_KEY } from './aead.js';
export { sm2Sign, sm2Verify, sm2GenerateKeyPair, sm2PublicKeyOf, sm2IsPublicKey, SM2_USER_ID, type Sm2KeyPair, type FixedK } from './sm2.js';
