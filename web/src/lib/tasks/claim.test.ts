import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/client.ts'
import { notificationLink } from '../cases/notifications.ts'
import { claimErrorKey, formatWindow } from './claim.ts'

describe('claimErrorKey', () => {
  it('maps the server’s answers to 抢单 onto what the volunteer reads', () => {
    expect(claimErrorKey(new ApiError(409, 'TASK_FULL', '名额已满'))).toBe('tasks.full')
    expect(claimErrorKey(new ApiError(409, 'ALREADY_CLAIMED', '您已认领过此任务'))).toBe('tasks.alreadyClaimed')
    expect(claimErrorKey(new ApiError(409, 'task_started', '任务已开始'))).toBe('tasks.started')
    expect(claimErrorKey(new ApiError(409, 'task_cancelled', '任务已取消'))).toBe('tasks.cancelled')
    expect(claimErrorKey(new ApiError(403, 'FORBIDDEN', '只有居住在任务区域内的志愿者可以认领'))).toBe('tasks.outOfScope')
  })
  it('leaves anything else to the general error text', () => {
    expect(claimErrorKey(new ApiError(500, 'INTERNAL', 'boom'))).toBeNull()
    expect(claimErrorKey(new Error('network'))).toBeNull()
  })
})

describe('formatWindow', () => {
  it('shows Asia/Shanghai times, the date once when start and end share it', () => {
    expect(formatWindow('2026-12-07T01:00:00Z', '2026-12-07T03:30:00Z')).toBe('12-07 09:00 – 11:30')
    expect(formatWindow('2026-12-07T15:00:00Z', '2026-12-08T01:00:00Z')).toBe('12-07 23:00 – 12-08 09:00')
  })
})

describe('a task notice', () => {
  it('opens the task on the phone and the task list in the console; a case notice still opens its case', () => {
    const taskId = '7d0f5a3e-1111-4222-8333-944455556666'
    expect(notificationLink({ caseId: null, taskId, kind: 'task.published' }, 'mobile')).toBe(`/m/tasks/${taskId}`)
    expect(notificationLink({ caseId: null, taskId, kind: 'task.cancelled' })).toBe(`/console/tasks?task=${taskId}`)
    expect(notificationLink({ caseId: 'c1', taskId: null }, 'mobile')).toBe('/m/cases/c1')
  })
})
