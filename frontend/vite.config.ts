import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build goes to dist/, which the Go server embeds (frontend/embed.go).
export default defineConfig({
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] }, // e2e/ runs in a browser, from scripts/e2e.sh
})
