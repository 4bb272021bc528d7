// Server processes for the benchmarks: each on a free port, waited for until it answers.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { ROOT_DIR } from '../../server/src/config.ts'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

/** A server process on a free port, ready when `ready` answers below 500. */
export async function startProcess(args: string[], env: Record<string, string>, ready: (port: number) => Promise<Response>) {
  const p = await freePort()
  const child = spawn(process.execPath, args, { cwd: ROOT_DIR, env: { ...process.env, ...env, PORT: String(p) }, stdio: ['ignore', 'ignore', 'inherit'] })
  const startedAt = Date.now()
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
    if (Date.now() - startedAt > 60_000) throw new Error(`${args.join(' ')} was not ready after 60 s`)
    try {
      if ((await ready(p)).status < 500) break
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { child, port: p }
}
