import type { Config } from 'jest';

// swc strips types only; `npm test` runs `tsc --noEmit` first, so type errors still fail the suite.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/harness', '<rootDir>/models', '<rootDir>/datasets', '<rootDir>/numerics', '<rootDir>/bench'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  // jest's default on n cores is n − 1 workers: one on the 2-core machines this runs on, which left a
  // core idle while the other ran the suite's files one by one.
  maxWorkers: '100%',
  // Whether the software WebGPU device works here, found once for all test files (models/tfjs/testing/webgpu.ts).
  globalSetup: '<rootDir>/models/tfjs/testing/webgpu-setup.ts',
};

export default config;
