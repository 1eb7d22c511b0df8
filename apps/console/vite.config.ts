import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console is served by the standalone app at `/`; in `npm run dev` the API is proxied to it. */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each page loads, for the weight budget (scripts/budget.js).
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': process.env.SHECUN_API ?? 'http://localhost:3000',
      '/health': process.env.SHECUN_API ?? 'http://localhost:3000',
    },
  },
});
