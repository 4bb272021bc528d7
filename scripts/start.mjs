// `npm start`: build the web app if needed, then run the server (API + web + cockpit) in this process.
import { register } from 'tsx/esm/api'
import { ensureWebBuilt } from './web-build.mjs'

try {
  ensureWebBuilt()
} catch (err) {
  console.error(`\n${err.message}\nThe API still starts; the web pages will answer 404 until the build succeeds.\n`)
}
register()
process.argv.splice(2, process.argv.length - 2, 'serve')
await import('../server/src/main.ts')
