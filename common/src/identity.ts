// Validation and masking of Chinese identifiers, shared by server (authoritative) and web (early feedback).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** Normalise an ID number as typed: trim, drop spaces, upper-case the check letter. */
export const normaliseIdNumber = (v: string) => v.replace(/\s+/g, '').toUpperCase()

/**
 * A resident identity card number (GB 11643-1999): 18 characters, a valid birth date at 7–14, and the
 * ISO 7064 MOD 11-2 check character at the end. Returns the reason it is not valid, or null.
 */
export function idNumberProblem(raw: string): string | null {
  const v = normaliseIdNumber(raw)
  if (!/^[0-9]{17}[0-9X]$/.test(v)) return '身份证号应为18位(最后一位可为X)'
  const y = Number(v.slice(6, 10))
  const m = Number(v.slice(10, 12))
  const d = Number(v.slice(12, 14))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now()) return '身份证号中的出生日期无效'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * ID_WEIGHTS[i]
  if (ID_CHECK[sum % 11] !== v[17]) return '身份证号校验位错误'
  return null
}

export const isValidIdNumber = (v: string) => idNumberProblem(v) === null

/** Birth date (YYYY-MM-DD) and gender carried by a valid ID number. */
export function idNumberFacts(raw: string): { birthDate: string; gender: 'male' | 'female' } {
  const v = normaliseIdNumber(raw)
  return { birthDate: `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`, gender: Number(v[16]) % 2 === 1 ? 'male' : 'female' }
}

/** Complete an ID number's 17 digits with its check character (for generating valid demo data). */
export function withIdCheck(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return first17 + ID_CHECK[sum % 11]
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** Unified social credit code (GB 32100-2015): 18 characters from its alphabet with a MOD 31 check. */
export function creditCodeProblem(raw: string): string | null {
  const v = raw.replace(/\s+/g, '').toUpperCase()
  if (v.length !== 18 || [...v].some((c) => !USCC_CHARS.includes(c))) return '统一社会信用代码应为18位数字或大写字母(不含I、O、S、V、Z)'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(v[i]) * USCC_WEIGHTS[i]
  const check = USCC_CHARS[(31 - (sum % 31)) % 31]
  if (check !== v[17]) return '统一社会信用代码校验位错误'
  return null
}

export function withCreditCheck(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return first17 + USCC_CHARS[(31 - (sum % 31)) % 31]
}

export const isValidCreditCode = (v: string) => creditCodeProblem(v) === null

/** Mainland mobile or landline (with area code), as stored: digits and an optional dash. */
export const phoneProblem = (v: string): string | null => (/^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/.test(v.replace(/\s+/g, '')) ? null : '电话号码格式不正确')

/**
 * `3****************4`: only the first and the last character. The old `330683********1234` hid exactly the
 * birth date, which the archive shows beside it: prefix + birth date + sequence + check rebuilt the whole number.
 * With one digit of the area code and the check character left, a reader who also knows the age and gender still
 * faces thousands of candidates (issue 11). Server code takes this through platform/identifiers.ts.
 */
export const maskIdNumber = (v: string) => (v.length >= 10 ? v.slice(0, 1) + '*'.repeat(v.length - 2) + v.slice(-1) : '*'.repeat(v.length))
/** `138****5678` */
export const maskPhone = (v: string) => (v.length >= 7 ? v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4) : '*'.repeat(v.length))
