import { hash, verify } from '@node-rs/argon2'
import { badRequest } from './errors.ts'

// @node-rs/argon2 defaults to Argon2id (m=19456 KiB, t=2, p=1), the OWASP baseline.
export const hashPassword = (password: string) => hash(password)

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

let dummy: Promise<string> | undefined
/** Spend the same time on an unknown phone as on a wrong password, so the answer's timing leaks nothing. */
export async function burnVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword('minqing-timing-equaliser')
  await verifyPassword(await dummy, password)
}

// ---- strength ------------------------------------------------------------------------------------------
// zxcvbn-ts estimates how many guesses a password takes (common passwords, repeats, sequences, keyboard
// walks, words); the deny list adds what it cannot know: the person's own phone and name, this product's name,
// the public demo password. Its dictionaries load once, on the first check.

/** The lowest zxcvbn score (0–4) taken: 3 is "safely unguessable" for an online attack (about 10^8 guesses). */
const MIN_PASSWORD_SCORE = 3
/**
 * The demo seed's password (seed/demo.ts DEMO_PASSWORD, printed on the demo's start page): the seed hashes it
 * directly, and no password set through the API or the command line may be it, demo or not.
 */
const DEMO_SEED_PASSWORD = 'minqing-demo'
const PRODUCT_WORDS = ['minqing', 'mingqing', '民情']

export type WeakReason = 'demo_password' | 'product_name' | 'contains_phone' | 'contains_name' | 'too_guessable'

export interface PasswordContext {
  phone?: string | null
  name?: string | null
}

// zxcvbn's warnings, said in Chinese (the rest fall back to the generic advice).
const WARNINGS_ZH: Record<string, string> = {
  straightRow: '键盘上连续的按键很容易被猜到',
  keyPattern: '键盘上的规律很容易被猜到',
  simpleRepeat: '重复的字符(如 aaa)很容易被猜到',
  extendedRepeat: '重复的字符组合很容易被猜到',
  sequences: '连续的字符(如 abc、123)很容易被猜到',
  recentYears: '近年的年份很容易被猜到',
  dates: '日期很容易被猜到',
  topTen: '这是最常用的密码之一',
  topHundred: '这是非常常用的密码',
  common: '这是常用密码',
  similarToCommon: '与常用密码过于相似',
  wordByItself: '单个单词很容易被猜到',
  namesByThemselves: '单独的姓名很容易被猜到',
  commonNames: '常见姓名很容易被猜到',
  userInputs: '密码中不能包含个人信息',
  pwned: '该密码已在数据泄露中出现',
}

type Checker = { check(password: string, userInputs?: (string | number)[]): { score: number; feedback: { warning: string | null } } }
let checker: Promise<Checker> | undefined
function zxcvbn(): Promise<Checker> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')])
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }) as unknown as Checker
  })()
  return checker
}

/** Why a password is too weak (with a Chinese message for the user), or null when it is fine. */
async function passwordWeakness(password: string, who: PasswordContext = {}): Promise<{ reason: WeakReason; message: string; warning?: string } | null> {
  const lower = password.toLowerCase()
  const compact = lower.replace(/[\s\-_.]/g, '')
  if (lower === DEMO_SEED_PASSWORD || compact === DEMO_SEED_PASSWORD.replace('-', '')) return { reason: 'demo_password', message: '不能使用公开的演示密码' }
  if (PRODUCT_WORDS.some((w) => compact.includes(w))) return { reason: 'product_name', message: '密码中不能包含系统名称(如 minqing、民情)' }
  const phone = who.phone?.replace(/\D/g, '')
  const digits = password.replace(/\D/g, '')
  // The whole phone, or its last 8 digits (what people pick when told "not your phone").
  if (phone && phone.length >= 8 && (digits.includes(phone) || digits.includes(phone.slice(-8)))) return { reason: 'contains_phone', message: '密码中不能包含本人手机号' }
  const name = who.name?.trim().toLowerCase()
  if (name && name.length >= 2 && compact.includes(name.replace(/[\s\-_.]/g, ''))) return { reason: 'contains_name', message: '密码中不能包含本人姓名' }
  const inputs = [phone, name].filter((v): v is string => !!v)
  const result = (await zxcvbn()).check(password, inputs)
  if (result.score >= MIN_PASSWORD_SCORE) return null
  const warning = result.feedback.warning ?? undefined
  const why = warning ? WARNINGS_ZH[warning] : undefined
  return { reason: 'too_guessable', message: `密码太容易被猜到${why ? `:${why}` : ''}。请使用更长、不常见的组合,例如几个词加数字和符号`, warning }
}

/** Throws 400 WEAK_PASSWORD (with the reason in `details`) unless the password is strong enough for this person. */
export async function assertStrongPassword(password: string, who: PasswordContext = {}): Promise<void> {
  const weak = await passwordWeakness(password, who)
  if (weak) throw badRequest('WEAK_PASSWORD', weak.message, { reason: weak.reason, ...(weak.warning ? { warning: weak.warning } : {}) })
}
