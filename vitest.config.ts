import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default (cores - 1) runs one file at a time on a 2-core machine; most files wait on sockets and
    // child processes, so two at a time finish the suite in about two thirds of the time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share a worker's module cache: importing the gateway's modules anew for every file took half the suite's
    // time. No test mocks modules; the setup file hands each file the environment it started with.
    isolate: false,
    setupFiles: ['test/setup/environment.ts'],
  },
});
