// The web console's build: served by the gateway at /console (src/server/routes/console.ts) from console/dist.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react(), precompress()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // React and Recharts make most of the one bundle (about 200 KB gzipped): expected, not a warning.
    chunkSizeWarningLimit: 800,
  },
});
