import type { Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/** Who imports cases from other platforms' exports. */
export const CASE_IMPORT_ROLES: Role[] = rolesWith('cases.import')
/** Who takes calls and visitors (来电来访登记): everyone who may raise a case. */
export const HOTLINE_ROLES: Role[] = rolesWith('cases.raise')
