import { describe, expect, it } from 'vitest'
import { creditCodeProblem, idNumberFacts, idNumberProblem, maskIdNumber, maskPhone, withCreditCheck, withIdCheck } from './identity.ts'

describe('ID card numbers (GB 11643)', () => {
  it('accepts valid numbers, including an X check character', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull()
    expect(idNumberProblem(withIdCheck('33068319850615123'))).toBeNull()
    expect(idNumberProblem(' 11010519491231002x ')).toBeNull()
  })
  it('refuses a wrong check digit, a bad date, a wrong length, letters', () => {
    expect(idNumberProblem('110105194912310021')).toMatch(/校验位/)
    expect(idNumberProblem(withIdCheck('33068319851345123'))).toMatch(/出生日期/)
    expect(idNumberProblem(withIdCheck('33068320990101123'))).toMatch(/出生日期/)
    expect(idNumberProblem('3306831985061512')).toMatch(/18位/)
    expect(idNumberProblem('33068319850615A234')).toMatch(/18位/)
  })
  it('reads birth date and gender', () => {
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: 'female' })
  })
  it('masks as 3****************4 (first and last character only) and phones as 138****5678', () => {
    expect(maskIdNumber('330683198506151234')).toBe('3****************4')
    expect(maskPhone('13812345678')).toBe('138****5678')
  })
})

describe('unified social credit codes (GB 32100)', () => {
  it('accepts valid codes and refuses wrong check characters or letters outside the alphabet', () => {
    expect(creditCodeProblem(withCreditCheck('91330683MA2BDXY81'))).toBeNull()
    expect(creditCodeProblem('91110000600037341L')).toBeNull()
    expect(creditCodeProblem('91110000600037341M')).toMatch(/校验位/)
    expect(creditCodeProblem('9111000060003734IL')).toMatch(/18位/)
  })
})
