import type { Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/** Who sees the case screens: everyone who may raise cases (all but volunteers). */
export const CASES_ROLES: Role[] = rolesWith('cases.raise')
/** Who calls reporters back (回访). */
export const CALLBACK_ROLES: Role[] = rolesWith('cases.callback')
/** Who edits categories and routing rules. */
export const CATEGORIES_ROLES: Role[] = rolesWith('categories.manage')
