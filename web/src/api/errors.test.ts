// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { ApiError } from './client.ts'
import { describeError, fieldErrors } from './errors.ts'

const messages: Record<string, string> = {
  'errors.INVALID_CREDENTIALS': '手机号或密码错误',
  'errors.PHONE_TAKEN': '该手机号已被使用',
  'errors.TOO_MANY_ATTEMPTS': '请 {minutes} 分钟后再试',
  'errors.TOO_MANY_ATTEMPTS_NOW': '请稍后再试',
  'errors.unknown': '操作失败',
}
const t = (key: string, named?: Record<string, unknown>) => (messages[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(named?.[k] ?? ''))
const te = (key: string) => key in messages

describe('describeError', () => {
  it('translates known codes and keeps an informative server message as detail', () => {
    const d = describeError(new ApiError(409, 'PHONE_TAKEN', '手机号已被使用: 13800000001'), t, te)
    expect(d.title).toBe('该手机号已被使用')
    expect(d.detail).toBe('手机号已被使用: 13800000001')
  })
  it('drops the server message when it only restates the code', () => {
    const d = describeError(new ApiError(401, 'INVALID_CREDENTIALS', '手机号或密码不正确'), t, te)
    expect(d.title).toBe('手机号或密码错误')
    expect(d.detail).toBeUndefined()
  })
  it('uses the server message for unknown codes', () => {
    const d = describeError(new ApiError(400, 'SOMETHING_NEW', '新的错误'), t, te)
    expect(d.title).toBe('新的错误')
    expect(d.detail).toBeUndefined()
  })
  it('rounds retryAfterSeconds up to minutes', () => {
    expect(describeError(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x', { retryAfterSeconds: 61 }), t, te).title).toBe('请 2 分钟后再试')
    expect(describeError(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x'), t, te).title).toBe('请稍后再试')
  })
  it('handles non-API errors', () => {
    expect(describeError(new Error('boom'), t, te).title).toBe('boom')
    expect(describeError(undefined, t, te).title).toBe('操作失败')
  })
})

describe('fieldErrors', () => {
  it('reads Ajv/TypeBox style arrays', () => {
    expect(
      fieldErrors([
        { instancePath: '/phone', message: 'must match pattern' },
        { instancePath: '/roles/0', message: 'must be equal to one of the allowed values' },
        { instancePath: '', message: "must have required property 'name'", params: { missingProperty: 'name' } },
      ]),
    ).toEqual({
      phone: 'must match pattern',
      roles: 'must be equal to one of the allowed values',
      name: "must have required property 'name'",
    })
  })
  it('reads {path,message} items with body prefixes and nested containers', () => {
    expect(fieldErrors({ errors: [{ path: 'body.password', message: 'too short' }] })).toEqual({ password: 'too short' })
    expect(fieldErrors({ issues: [{ field: 'regionCode', message: 'unknown' }] })).toEqual({ regionCode: 'unknown' })
    expect(fieldErrors({ fields: { phone: 'taken' } })).toEqual({ phone: 'taken' })
  })
  it('reads plain maps and joins several problems of one field', () => {
    expect(fieldErrors({ name: ['too long', 'bad chars'] })).toEqual({ name: 'too long；bad chars' })
    expect(
      fieldErrors([
        { path: '/name', message: 'a' },
        { path: '/name', message: 'b' },
      ]),
    ).toEqual({ name: 'a；b' })
  })
  it('ignores metadata and junk', () => {
    expect(fieldErrors(undefined)).toEqual({})
    expect(fieldErrors('oops')).toEqual({})
    expect(fieldErrors({ retryAfterSeconds: 30 })).toEqual({})
    expect(fieldErrors({ field: 'phone' })).toEqual({})
  })
})
