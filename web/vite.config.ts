import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const commonSrc = fileURLToPath(new URL('../common/src/', import.meta.url))
const commonSrcPattern = new RegExp('^' + commonSrc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '.*\\.ts$')

/**
 * Vendor groups: each UI kit lands in its own chunk, loaded only by the area (route chunk) that imports it.
 * Vue & co. must have the highest priority: groups pull in dependencies recursively, so a lower-priority vue group
 * would let the element-plus group swallow vue and make the entry chunk depend on element-plus.
 */
const vendorGroups: Array<{ name: string; test: RegExp; priority: number }> = [
  { name: 'vendor-element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|async-validator|dayjs|lodash-es|lodash-unified|@ctrl|memoize-one|normalize-wheel-es|@vueuse)[\\/]/, priority: 30 },
  { name: 'vendor-vant', test: /node_modules[\\/](vant|@vant)[\\/]/, priority: 30 },
  { name: 'vendor-echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 30 },
  { name: 'vendor-vue', test: /node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 40 },
]

/**
 * Vant's icon font is inlined (woff2 as data:) with a fallback on Alibaba's CDN (//at.alicdn.com/…woff). The app
 * runs on closed government networks under a CSP of font-src 'self' data:, and a county's users should not call
 * a third party from every page: drop the remote fallback from the built CSS.
 */
const noRemoteFonts = {
  name: 'minqing-no-remote-fonts',
  enforce: 'post' as const,
  generateBundle(_options: unknown, bundle: Record<string, { type: string; fileName: string; source?: string | Uint8Array }>) {
    for (const file of Object.values(bundle)) {
      if (file.type !== 'asset' || !file.fileName.endsWith('.css') || typeof file.source !== 'string') continue
      file.source = file.source.replace(/,\s*url\((["']?)(?:https?:)?\/\/[^)]*\1\)\s*format\(["']?woff["']?\)/g, '')
    }
  },
}

export default defineConfig({
  plugins: [vue(), noRemoteFonts],
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://localhost:8080', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://localhost:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    // The server's CSP allows no inline script (script-src 'self'); the built index.html must carry none.
    // The modulepreload polyfill is only for browsers older than the es2020 target's; leave it out.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // @minqing/common's schema module calls TypeBox at top level; the web only uses its enums/labels
      // (and types), so declare it side-effect free and let the schemas (and TypeBox) be tree-shaken away.
      treeshake: {
        moduleSideEffects: [{ test: commonSrcPattern, sideEffects: false }],
      },
      output: {
        codeSplitting: {
          groups: vendorGroups,
        },
      },
    },
  },
})
