import type { Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/** Who sees the task hall (volunteers, and staff who may read tasks). */
export const TASKS_READ_ROLES: Role[] = rolesWith('tasks.read')
/** Who publishes and confirms tasks in the console. */
export const TASKS_PUBLISH_ROLES: Role[] = rolesWith('tasks.publish')
