// The SPA build: `npm run build` (vite build ui) writes ui/dist, which the edge serves.
// `npx vite ui` runs a dev server that forwards the API to a hub on :3000 (npm start); add
// its origin to HEARTH_TRUSTED_ORIGINS (http://localhost:5173) so sign-in accepts it.
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const hub = process.env.HEARTH_DEV_HUB ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: hub },
      '/ws': { target: hub, ws: true },
    },
  },
});
