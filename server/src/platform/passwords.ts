import { hash, verify } from '@node-rs/argon2'

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
