// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import * as common from '@minqing/common'
import * as mirror from './enums.ts'

describe('archive enums mirror', () => {
  it('equals the shared definitions in common/src/archive.ts', () => {
    for (const [name, value] of Object.entries(mirror)) {
      expect((common as Record<string, unknown>)[name], name).toEqual(value)
    }
  })
})
