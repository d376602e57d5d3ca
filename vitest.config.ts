import { defineConfig } from 'vitest/config';

/**
 * The slow end-to-end parts: the faulted system runs (the soak, the logs of a faulted run), the
 * benchmark smoke, the files that spawn the CLIs, those that synthesise the CDK app (`cdk synth`,
 * or in process), and the report drawn in Chromium. `npm test` runs everything; `npm run test:fast` everything but these, and
 * without isolating files (`--no-isolate`: each worker loads the SDK and the handlers once, about
 * half the CPU); the fast files pass in any order (`--sequence.shuffle`), as each test sets up the
 * runtime and mocks it uses and restores them.
 */
const SLOW = [
  'test/reliability/soak.test.ts',
  'test/reliability/logs.test.ts',
  'test/bench/bench.test.ts',
  'test/simulator/cli.test.ts',
  'test/config/cli.test.ts',
  'test/infra/environments.test.ts',
  'test/infra/stacks.test.ts',
  'test/local-aws/settings.test.ts',
  'test/infra/delivery.test.ts',
  'test/report/browser.test.ts',
  'test/report/cli.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
