import { describe, expect, it } from 'vitest'
import { afterCommit, withAfterCommit } from './after-commit.ts'

describe('after-commit scope', () => {
  it('runs queued work after the scope resolves, in order, and only then', async () => {
    const done: string[] = []
    const r = await withAfterCommit(async () => {
      expect(afterCommit(async () => void done.push('a'))).toBe(true)
      await new Promise((res) => setTimeout(res, 5))
      afterCommit(async () => void done.push('b'))
      expect(done).toEqual([])
      return 42
    })
    expect(r).toBe(42)
    expect(done).toEqual(['a', 'b'])
  })

  it('drops the work when the scope throws (the transaction rolled back)', async () => {
    const done: string[] = []
    await expect(
      withAfterCommit(async () => {
        afterCommit(async () => void done.push('x'))
        throw new Error('rollback')
      }),
    ).rejects.toThrow('rollback')
    expect(done).toEqual([])
  })

  it('says false outside any scope; a failing piece of work is reported and the rest still run', async () => {
    expect(afterCommit(async () => {})).toBe(false)
    const errors: unknown[] = []
    const done: string[] = []
    await withAfterCommit(
      async () => {
        afterCommit(async () => {
          throw new Error('push failed')
        })
        afterCommit(async () => void done.push('after'))
      },
      (e) => errors.push(e),
    )
    expect(errors).toHaveLength(1)
    expect(done).toEqual(['after'])
  })
})
