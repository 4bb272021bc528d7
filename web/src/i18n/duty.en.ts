import type { dutyZhCN } from './duty.zh-CN.ts'

/** County duty roster (issue 14). */
export const dutyEn: typeof dutyZhCN = {
  duty: {
    nav: 'Duty roster',
    title: 'County duty roster',
    hint: 'Urgent cases and the brain’s alerts are pushed to the day’s duty officer at once; on a day nobody is rostered, to all of the county’s leaders.',
    prevWeek: 'Previous week',
    nextWeek: 'Next week',
    thisWeek: 'This week',
    fallback: 'Not rostered · leaders stand in',
    pick: 'Choose duty officers',
    saved: 'Saved the duty of {day}',
    readonly: 'Only county admins and leaders set the roster',
    today: 'Today',
  },
}
