/** 县级值班 (issue 14). */
export const dutyZhCN = {
  duty: {
    nav: '值班表',
    title: '县级值班表',
    hint: '紧急民情和民情大脑的预警会即时推送给当天的值班领导；当天无人排班时，推送给本县(市)全体领导。',
    prevWeek: '上一周',
    nextWeek: '下一周',
    thisWeek: '本周',
    fallback: '未排班 · 由领导兜底',
    pick: '选择值班人员',
    saved: '已保存 {day} 的值班',
    readonly: '只有县级管理员和领导可以排班',
    today: '今天',
  },
}
