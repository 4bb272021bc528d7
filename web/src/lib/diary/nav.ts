import { can, type Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/** Who sees the diary feed: those who write entries or read the archive (not volunteers). */
export const DIARY_READ_ROLES: Role[] = [...new Set([...rolesWith('diary.write'), ...rolesWith('archive.read')])]
export const DIARY_WRITE_ROLES: Role[] = rolesWith('diary.write')

export const canSeeDiary = (roles: readonly Role[]) => can(roles, 'diary.write') || can(roles, 'archive.read')
