// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { shallowRef } from 'vue'
import { ApiError } from '../api/client.ts'
import { useFormSubmit, type FormSubmitOptions } from './useFormSubmit.ts'
import { withSetup } from './testing.ts'

type Field = 'phone' | 'regionCode' | 'name' | 'newPassword'

describe('useFormSubmit', () => {
  let unmount: (() => void) | undefined
  afterEach(() => unmount?.())
  function setup(options: FormSubmitOptions<Field> = {}) {
    const m = withSetup(() => useFormSubmit<Field>(options))
    unmount = m.unmount
    return m.result
  }

  it('sets saving while the save runs', async () => {
    const s = setup()
    let during: boolean | undefined
    const ok = await s.run(async () => {
      during = s.saving.value
    })
    expect(ok).toBe(true)
    expect(during).toBe(true)
    expect(s.saving.value).toBe(false)
    expect(s.serverError.value).toBeNull()
  })

  it('does not save when the form is invalid (and clears the previous errors)', async () => {
    const form = shallowRef({ validate: vi.fn(async (): Promise<unknown> => true) })
    const s = setup({ form })
    await s.run(async () => Promise.reject(new ApiError(409, 'PHONE_TAKEN', 'taken')))
    expect(s.serverError.value).not.toBeNull()
    form.value.validate.mockRejectedValueOnce(new Error('invalid'))
    const save = vi.fn(async () => {})
    expect(await s.run(save)).toBe(false)
    expect(save).not.toHaveBeenCalled()
    expect(form.value.validate).toHaveBeenCalledTimes(2)
    expect(s.serverError.value).toBeNull()
    expect(s.fieldError.value).toEqual({})
    expect(s.saving.value).toBe(false)
  })

  it('does not save while the form is not mounted', async () => {
    const s = setup({ form: shallowRef(null) })
    const save = vi.fn(async () => {})
    expect(await s.run(save)).toBe(false)
    expect(save).not.toHaveBeenCalled()
  })

  it('saves when the form is valid', async () => {
    const s = setup({ form: shallowRef({ validate: async () => true }) })
    const save = vi.fn(async () => {})
    expect(await s.run(save)).toBe(true)
    expect(save).toHaveBeenCalledTimes(1)
  })

  it('maps an ApiError to the top error and to fields, the details first', async () => {
    const s = setup({ codeFields: { PHONE_TAKEN: 'phone', UNKNOWN_REGION: 'regionCode' } })
    expect(await s.run(async () => Promise.reject(new ApiError(409, 'PHONE_TAKEN', '手机号 13800000000 已存在')))).toBe(false)
    expect(s.serverError.value).toEqual({ title: '该手机号已被使用', detail: '手机号 13800000000 已存在', code: 'PHONE_TAKEN' })
    expect(s.fieldError.value).toEqual({ phone: '该手机号已被使用' })

    const details = [
      { path: '/regionCode', message: '不在管辖范围' },
      { path: '/name', message: '太长' },
    ]
    await s.run(async () => Promise.reject(new ApiError(400, 'UNKNOWN_REGION', 'bad', details)))
    expect(s.fieldError.value).toEqual({ regionCode: '不在管辖范围', name: '太长' })
    expect(s.saving.value).toBe(false)
  })

  it('a reason code puts the server’s own message at its field (a weak password says why)', async () => {
    const s = setup({ codeFields: { WEAK_PASSWORD: 'newPassword' }, reasonCodes: ['WEAK_PASSWORD'] })
    await s.run(async () => Promise.reject(new ApiError(400, 'WEAK_PASSWORD', '密码中不能包含本人手机号', { reason: 'contains_phone' })))
    expect(s.fieldError.value.newPassword).toBe('密码中不能包含本人手机号')
    const plain = setup({ codeFields: { WEAK_PASSWORD: 'newPassword' } })
    await plain.run(async () => Promise.reject(new ApiError(400, 'WEAK_PASSWORD', '密码中不能包含本人手机号', { reason: 'contains_phone' })))
    expect(plain.fieldError.value.newPassword).not.toBe('密码中不能包含本人手机号')
  })

  it('shows any other error at the top only', async () => {
    const s = setup({ codeFields: { PHONE_TAKEN: 'phone' } })
    await s.run(async () => Promise.reject(new Error('boom')))
    expect(s.serverError.value).toEqual({ title: 'boom', code: 'UNKNOWN' })
    expect(s.fieldError.value).toEqual({})
  })

  it('clearErrors empties both', async () => {
    const s = setup()
    await s.run(async () => Promise.reject(new ApiError(400, 'VALIDATION', 'bad', { name: 'required' })))
    expect(s.fieldError.value).toEqual({ name: 'required' })
    s.clearErrors()
    expect(s.serverError.value).toBeNull()
    expect(s.fieldError.value).toEqual({})
  })
})
