// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { useDialogSave } from './useDialogSave.ts'
import { withSetup } from './testing.ts'

vi.mock('element-plus', () => ({ ElMessage: { success: vi.fn(), info: vi.fn() } }))

describe('useDialogSave', () => {
  const visible = ref(true)
  const onSaved = vi.fn()
  let unmount: (() => void) | undefined
  beforeEach(() => {
    visible.value = true
    onSaved.mockReset()
    vi.mocked(ElMessage.success).mockReset()
    vi.mocked(ElMessage.info).mockReset()
  })
  afterEach(() => unmount?.())
  function setup() {
    const m = withSetup(() => useDialogSave<{ id: string }>(visible, onSaved))
    unmount = m.unmount
    return m.result
  }

  it('create: saves, confirms, hands the item on and closes', async () => {
    const { create } = setup()
    await create(async () => ({ id: 'n1' }))
    expect(ElMessage.success).toHaveBeenCalledWith('已创建')
    expect(onSaved).toHaveBeenCalledWith({ id: 'n1' })
    expect(visible.value).toBe(false)
  })

  it('update: saves the patch, confirms, hands the item on and closes', async () => {
    const { update } = setup()
    const save = vi.fn(async (_patch: { name?: string }) => ({ id: 'u1' }))
    await update({ name: '新名' }, save)
    expect(save).toHaveBeenCalledWith({ name: '新名' })
    expect(ElMessage.success).toHaveBeenCalledWith('已保存')
    expect(onSaved).toHaveBeenCalledWith({ id: 'u1' })
    expect(visible.value).toBe(false)
  })

  it('update without changes saves nothing, says so and closes', async () => {
    const { update } = setup()
    const save = vi.fn(async () => ({ id: 'u1' }))
    await update({}, save)
    expect(save).not.toHaveBeenCalled()
    expect(ElMessage.info).toHaveBeenCalledWith('没有需要保存的修改')
    expect(onSaved).not.toHaveBeenCalled()
    expect(visible.value).toBe(false)
  })

  it('a failed save leaves the dialog open and passes the error on', async () => {
    const { create } = setup()
    await expect(create(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(ElMessage.success).not.toHaveBeenCalled()
    expect(onSaved).not.toHaveBeenCalled()
    expect(visible.value).toBe(true)
  })
})
