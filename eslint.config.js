// Lint rules named in ../shared/STYLE.md: floating promises, exhaustive switches, type-only imports.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'gateway/grpc/generated/**', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      // 国密 (issue 23): node:crypto's sign/verify with an SM2 key make signatures no national verifier
      // accepts (plain ECDSA on the SM2 curve, or an empty user id, DER). SM2 goes through
      // gateway/crypto/gm/sm2.ts; Ed25519 through gateway/crypto/ed25519.ts, which checks the key type.
      'no-restricted-properties': [
        'error',
        { object: 'crypto', property: 'sign', message: 'Use gateway/crypto/ed25519.ts (Ed25519) or gateway/crypto/gm/sm2.ts (SM2).' },
        { object: 'crypto', property: 'verify', message: 'Use gateway/crypto/ed25519.ts (Ed25519) or gateway/crypto/gm/sm2.ts (SM2).' },
        { object: 'crypto', property: 'createSign', message: 'Use gateway/crypto/ed25519.ts (Ed25519) or gateway/crypto/gm/sm2.ts (SM2).' },
        { object: 'crypto', property: 'createVerify', message: 'Use gateway/crypto/ed25519.ts (Ed25519) or gateway/crypto/gm/sm2.ts (SM2).' },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'node:crypto', importNames: ['sign', 'verify', 'createSign', 'createVerify'], message: 'Use gateway/crypto/ed25519.ts or gateway/crypto/gm/sm2.ts.' }] },
      ],
      // `const { receipt: _r, ...rest } = answer` drops a member on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['gateway/cli.ts', 'bench/**/*.ts', 'test/**/*.ts', 'gateway/demo.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // tap's t.test() returns a promise tap itself awaits; test bodies parse JSON answers loosely.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
