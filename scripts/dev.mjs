// `npm run dev`: the API with reload on change (port 8080) and Vite's dev server with hot reload
// (http://localhost:5173, proxying /api to the API).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './web-build.mjs'

const children = [
  spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'watch', '--clear-screen=false', 'server/src/main.ts', 'serve'], {
    cwd: ROOT,
    stdio: 'inherit',
  }),
  spawn(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js')], { cwd: join(ROOT, 'web'), stdio: 'inherit' }),
]
const stop = () => {
  for (const c of children) c.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const c of children)
  c.on('exit', (code) => {
    if (code) {
      stop()
      process.exitCode = code
    }
  })
