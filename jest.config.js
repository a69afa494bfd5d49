/**
 * Type checking is done once by `tsc --noEmit` in `npm test`; ts-jest only transpiles (the
 * tsconfig sets isolatedModules), which keeps the suite fast on 2 cores. kubernetes-models ships
 * ES modules only, so jest transpiles those to CommonJS too.
 */
const { ESM_ONLY } = require('./test/support/esm-resolver');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '^.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022' } }],
  },
  resolver: '<rootDir>/test/support/esm-resolver.js',
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
