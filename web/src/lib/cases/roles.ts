import type { Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/** Who sees the case screens: everyone who may raise cases (all but volunteers). */
export const CASES_ROLES: Role[] = rolesWith('cases.raise')
/** Who reports and reads their own reports on the phone (随手报, a case page, 我的上报): raisers and volunteers. */
export const REPORTER_ROLES: Role[] = [...new Set([...CASES_ROLES, ...rolesWith('cases.report')])]
/** Who calls reporters back (回访). */
export const CALLBACK_ROLES: Role[] = rolesWith('cases.callback')
/** Who edits categories and routing rules. */
export const CATEGORIES_ROLES: Role[] = rolesWith('categories.manage')
