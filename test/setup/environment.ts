// Test files share their worker process (the config turns isolation off), so each file gets back the environment
// it started with: a variable one file sets (a KEK, a vendor's key) never reaches the next.
import { afterAll } from 'vitest';

const started = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in started)) delete process.env[name];
  Object.assign(process.env, started);
});
