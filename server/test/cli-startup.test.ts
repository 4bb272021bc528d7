import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT_DIR } from '../src/config.ts'
import { testDbKind } from './db.ts'

// Issue 11 defect 14: a wrong REDIS_URL printed "ready" and the demo logins, then died on an unhandled
// MaxRetriesPerRequestError; a wrong database port exited with a bare ECONNREFUSED. Both are checked before
// "ready": one line naming the variable, a non-zero exit. Runs once (in the PGlite project).
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-cli-startup-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** A port nothing listens on (taken from the OS, then let go). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function serve(env: Record<string, string>) {
  const port = await closedPort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'serve'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIST: join(dataDir, 'no-web'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      DATABASE_URL: '',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
  clearTimeout(timer)
  return { code, stdout, stderr, output: stdout + stderr }
}

describe.runIf(testDbKind() === 'pglite')('minqing serve refuses to start without its services', () => {
  it('DATABASE_URL on a closed port: one line naming it, exit 1, never "ready"', async () => {
    const port = await closedPort()
    const url = `postgres://postgres:s3cret@127.0.0.1:${port}/test`
    const res = await serve({ DATABASE_URL: url })
    expect(res.code, res.output).toBe(1)
    expect(res.output).not.toMatch(/ready/)
    expect(res.stderr.trim()).toMatch(new RegExp(`^DATABASE_URL postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/test is not reachable: .*ECONNREFUSED`))
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(res.output).not.toContain('s3cret')
  }, 90_000)

  it('REDIS_URL on a closed port: one line naming it, exit 1, never "ready" nor the demo logins', async () => {
    const port = await closedPort()
    const res = await serve({ REDIS_URL: `redis://127.0.0.1:${port}` })
    expect(res.code, res.output).toBe(1)
    expect(res.output).not.toMatch(/ready/)
    expect(res.output).not.toContain('minqing-demo')
    expect(res.stderr.trim()).toMatch(new RegExp(`^REDIS_URL redis://127\\.0\\.0\\.1:${port} is not reachable: .*ECONNREFUSED`))
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
  }, 90_000)
})
