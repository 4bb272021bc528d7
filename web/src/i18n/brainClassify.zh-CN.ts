/** 民情大脑: category suggestions and 一键推送 (issue 14). */
export const brainClassifyZhCN = {
  brainPush: {
    short: '推送',
    confirmShort: '确认推送?',
    button: '一键推送',
    confirm: '将该事项立即推送给所属镇街领导和县级值班领导?',
    done: '已推送给: {names}',
    nobody: '已记录推送,但当前没有可推送的领导或值班人员',
  },
}
