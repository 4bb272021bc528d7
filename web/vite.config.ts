import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { defineConfig, type ResolvedConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const commonSrc = fileURLToPath(new URL('../common/src/', import.meta.url))
const commonSrcPattern = new RegExp('^' + commonSrc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '.*\\.ts$')

/**
 * Vendor groups: each UI kit lands in its own chunk, loaded only by the area (route chunk) that imports it.
 * Vue & co. must have the highest priority: groups pull in dependencies recursively, so a lower-priority vue group
 * would let the element-plus group swallow vue and make the entry chunk depend on element-plus.
 */
const vendorGroups: Array<{ name: string; test: RegExp; priority: number }> = [
  {
    name: 'vendor-element-plus',
    test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|async-validator|dayjs|lodash-es|lodash-unified|@ctrl|memoize-one|normalize-wheel-es|@vueuse)[\\/]/,
    priority: 30,
  },
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

/**
 * Vant's styles per component (issue 12, defect 12: the phone's first load). The whole of Vant's CSS
 * (vant/lib/index.css) is 197 KB, 48 KB brotli, for its ~100 components; the app uses about 40. Every
 * `import { Button, … } from 'vant'` in the app's sources gets the style module of each component it names
 * (`vant/es/button/style/index.mjs`: Vant's base CSS, the CSS of the components it is built from, then its own),
 * and the functions' components for `showToast`, `showDialog`, `showImagePreview`…, as Vant's own on-demand setup
 * (unplugin-vue-components' VantResolver) does. Type-only names and `Locale` have no style. The vendor-vant group
 * gathers them in one stylesheet: 124 KB, 39 KB brotli, of which 30 KB is the inlined icon font.
 */
const vantDir = join(dirname(createRequire(import.meta.url).resolve('vant/package.json')), 'es')
const VANT_FUNCTION_STYLES: Record<string, string> = {
  showToast: 'toast',
  showSuccessToast: 'toast',
  showFailToast: 'toast',
  showLoadingToast: 'toast',
  closeToast: 'toast',
  showDialog: 'dialog',
  showConfirmDialog: 'dialog',
  closeDialog: 'dialog',
  showNotify: 'notify',
  closeNotify: 'notify',
  showImagePreview: 'image-preview',
}
const kebab = (name: string) => name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())
function vantStyleImports(code: string): string[] {
  const styles = new Set<string>()
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]vant['"]/g)) {
    for (const spec of m[1]!.split(',')) {
      const name = spec
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim()
      if (!name || name.startsWith('type ') || name === 'Locale') continue
      const dir = VANT_FUNCTION_STYLES[name] ?? (/^[A-Z]/.test(name) ? kebab(name) : null)
      if (dir && existsSync(join(vantDir, dir, 'style/index.mjs'))) styles.add(`vant/es/${dir}/style/index.mjs`)
    }
  }
  return [...styles]
}
const vantStyles = {
  name: 'minqing-vant-styles',
  transform(code: string, id: string) {
    // The app's .ts modules and its components' scripts (`X.vue?vue&type=script&setup=true&lang.ts`).
    if (id.includes('node_modules') || !/\.ts$|\.vue\?vue&type=script\b/.test(id) || !code.includes('vant')) return null
    const styles = vantStyleImports(code)
    if (!styles.length) return null
    // On the first line, so no line moves (the source map stays right but for that line's columns).
    return { code: styles.map((s) => `import '${s}';`).join('') + code, map: null }
  },
}

/**
 * TypeBox schemas in @minqing/common are built at module level (`export const X = Type.Object(…)`), which a bundler
 * must keep as calls with possible side effects once any export of the module is used — and so the web, which only
 * uses common's enums, labels and lifecycle tables, carried TypeBox and every schema (74 KB, 17 KB brotli) on the
 * phone's first load. Constructing a schema has no side effect: mark `Type.…(…)` calls, and calls of common's
 * schema helpers (`const Text = (n) => Type.String(…)`, `Nullable`, `pagingFields`…), as pure so the unused ones go.
 */
function commonSchemaHelpers(): string[] {
  const names = new Set<string>()
  for (const f of readdirSync(commonSrc)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue
    const src = readFileSync(join(commonSrc, f), 'utf8')
    for (const m of src.matchAll(/\bconst (\w+) = (?:<[^=]*?>)?\([^()]*\)\s*=>\s*(?:Type\.|\(\s*\{\s*\w+:\s*Type\.)/g)) names.add(m[1]!)
  }
  return [...names]
}
const pureSchemas = () => {
  let helpers: RegExp | null = null
  return {
    name: 'minqing-pure-schemas',
    transform(code: string, id: string) {
      if (!commonSrcPattern.test(id) || !code.includes('Type.')) return null
      helpers ??= new RegExp(`(?<![\\w.$])(${commonSchemaHelpers().join('|') || '(?!)'})\\(`, 'g')
      // Comments only: every line stays where it was (the source map needs no change).
      const out = code
        .replace(/(?<![\w.$])Type\.(\w+)\(/g, '/* @__PURE__ */ Type.$1(')
        .replace(helpers, (m: string, name: string, offset: number, s: string) => (/function\s+$/.test(s.slice(Math.max(0, offset - 12), offset)) ? m : `/* @__PURE__ */ ${name}(`))
      return { code: out, map: null }
    },
  }
}

/**
 * Precompressed copies of the built text files (issue 12, defect 12): `x.js.br` and `x.js.gz` next to `x.js`, which the
 * server hands out by the request's Accept-Encoding (@fastify/static `preCompressed`), so no request pays for
 * compression and the best levels (brotli 11, gzip 9) cost nothing at run time. Binary formats that are compressed
 * already (woff2, png, jpg…) are left alone, and so are files under 1 KB (headers would eat the gain); a copy that
 * comes out no smaller is not written. Runs on the whole output folder once it is written (public/ copies too), for
 * `npm run build` and for `npm start`'s build (scripts/web-build.mjs) alike.
 */
const PRECOMPRESS_TYPES = /\.(js|mjs|css|html|svg|json|txt|xml|map|ttf|otf|eot|ico|wasm)$/i
const PRECOMPRESS_MIN_BYTES = 1024
const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

async function* builtFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* builtFiles(path)
    else if (entry.isFile()) yield path
  }
}

export async function precompressDir(dir: string): Promise<{ files: number; bytes: number; br: number; gz: number }> {
  const totals = { files: 0, bytes: 0, br: 0, gz: 0 }
  const jobs: Promise<void>[] = []
  for await (const path of builtFiles(dir)) {
    if (!PRECOMPRESS_TYPES.test(path)) continue
    if ((await stat(path)).size < PRECOMPRESS_MIN_BYTES) continue
    jobs.push(
      (async () => {
        const raw = await readFile(path)
        // zlib's async calls run on libuv's thread pool: the files compress side by side.
        const [br, gz] = await Promise.all([
          brotli(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
          gzipAsync(raw, { level: 9 }),
        ])
        totals.files++
        totals.bytes += raw.length
        if (br.length < raw.length) await writeFile(path + '.br', br)
        if (gz.length < raw.length) await writeFile(path + '.gz', gz)
        totals.br += Math.min(br.length, raw.length)
        totals.gz += Math.min(gz.length, raw.length)
      })(),
    )
  }
  await Promise.all(jobs)
  return totals
}

const precompress = () => {
  let outDir = ''
  return {
    name: 'minqing-precompress',
    apply: 'build' as const,
    configResolved(config: ResolvedConfig) {
      outDir = resolve(config.root, config.build.outDir)
    },
    async closeBundle() {
      const t = await precompressDir(outDir)
      const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`
      console.log(`precompressed ${t.files} files: ${kb(t.bytes)} → brotli ${kb(t.br)}, gzip ${kb(t.gz)}`)
    },
  }
}

export default defineConfig({
  plugins: [vue(), vantStyles, pureSchemas(), noRemoteFonts, precompress()],
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
        moduleSideEffects: [
          { test: commonSrcPattern, sideEffects: false },
          // TypeBox's package.json says nothing about side effects: without this, a common module whose schemas all
          // went (minqing-pure-schemas) still imported TypeBox for its side effects, and so the whole of it.
          { test: /node_modules[\\/]typebox[\\/]/, sideEffects: false },
        ],
      },
      output: {
        codeSplitting: {
          groups: vendorGroups,
        },
      },
    },
  },
})
