// `npm start`: build the web app if needed, bundle the server if its sources changed, then run the server
// (API + web + cockpit) in this process.
import { ensureServerBuilt } from './server-build.mjs'
import { ensureWebBuilt } from './web-build.mjs'

try {
  ensureWebBuilt()
} catch (err) {
  console.error(`\n${err.message}\nThe API still starts; the web pages will answer 404 until the build succeeds.\n`)
}
process.argv.splice(2, process.argv.length - 2, 'serve')
let bundle
try {
  bundle = await ensureServerBuilt()
} catch (err) {
  console.error(`\nThe server bundle could not be built (${err.message}); running the TypeScript sources instead.\n`)
}
if (bundle) {
  // Stack traces name the TypeScript files and lines, not the bundle's.
  process.setSourceMapsEnabled(true)
  await import(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../server/src/main.ts')
}
