// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { useEditDialog } from './useEditDialog.ts'

describe('useEditDialog', () => {
  it('opens for a new item or for the one to edit', () => {
    const d = useEditDialog<{ id: string }>()
    expect(d.open.value).toBe(false)
    d.openEdit({ id: 'u1' })
    expect(d.open.value).toBe(true)
    expect(d.editing.value).toEqual({ id: 'u1' })
    d.open.value = false
    d.openCreate()
    expect(d.open.value).toBe(true)
    expect(d.editing.value).toBeNull()
  })
})
