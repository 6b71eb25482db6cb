import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build goes to dist/, which the Go server embeds (frontend/embed.go).
export default defineConfig({
  plugins: [vue()],
  // vue-i18n's build flags: composition API only, no devtools in production.
  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] }, // e2e/ runs in a browser, from scripts/e2e.sh
})
