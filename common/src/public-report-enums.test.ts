import { describe, expect, it } from 'vitest'
import { deriveTitle, isMainlandMobile, PLACE_QR_PATTERN, QR_CODE_PATTERN } from './public-report-enums.ts'

describe('deriveTitle', () => {
  it('takes the first sentence or line', () => {
    expect(deriveTitle('村口路灯不亮了。已经一周了')).toBe('村口路灯不亮了')
    expect(deriveTitle('  垃圾没人清运\n第二行')).toBe('垃圾没人清运')
    expect(deriveTitle('Is the water off? Since noon')).toBe('Is the water off')
  })
  it('cuts long text at 30 characters with an ellipsis, never inside a character', () => {
    const long = '我们小区门口的道路坑坑洼洼已经很长时间了下雨天积水严重老人小孩出行非常不方便希望尽快修复'
    const t = deriveTitle(long)
    expect([...t]).toHaveLength(30)
    expect(t.endsWith('…')).toBe(true)
    expect(deriveTitle('😀'.repeat(40))).toBe('😀'.repeat(29) + '…')
  })
  it('never empty', () => {
    expect(deriveTitle('。。。')).toBe('。。。')
    expect(deriveTitle('   ')).toBe('民情反映')
  })
})

describe('codes and phones', () => {
  it('place codes and QR paths', () => {
    expect(PLACE_QR_PATTERN.test('PK7M2Q9XA')).toBe(true)
    expect(PLACE_QR_PATTERN.test('PK7M2Q9XI')).toBe(false)
    const qr = new RegExp(QR_CODE_PATTERN)
    for (const ok of ['330683', '330683105212', '330683105212001', 'PK7M2Q9XA', 'pk7m2q9xa']) expect(qr.test(ok), ok).toBe(true)
    for (const bad of ['33068', '3306831052120011', 'P123', '<script>', '../etc']) expect(qr.test(bad), bad).toBe(false)
  })
  it('mainland mobiles only', () => {
    expect(isMainlandMobile('13912345678')).toBe(true)
    expect(isMainlandMobile('12912345678')).toBe(false)
    expect(isMainlandMobile('0575-83012345')).toBe(false)
  })
})
