import type { brainClassifyZhCN } from './brainClassify.zh-CN.ts'

/** The brain: category suggestions and one-click push (issue 14). */
export const brainClassifyEn: typeof brainClassifyZhCN = {
  brainPush: {
    short: 'Push',
    confirmShort: 'Push now?',
    button: 'Push now',
    confirm: 'Push this case now to the town’s leaders and the county duty officer?',
    done: 'Pushed to: {names}',
    nobody: 'The push is recorded, but there is no leader or duty officer to reach',
  },
}
