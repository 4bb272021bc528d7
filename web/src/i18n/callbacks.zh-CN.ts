/** 回访 (call-backs) messages, Simplified Chinese. Spread into zh-CN.ts (`...callbacksZhCN`). */
export const callbacksZhCN = {
  callbacks: {
    title: '回访',
    intro: '热线、来访反映人及部分其他渠道反映人的事项答复后，由未经办该事项的人员电话回访，记录反映人的评价：满意即办结，不满意退回重办。',
    empty: '暂无待回访事项',
    col: { reason: '回访原因', reporter: '反映人', repliedAt: '答复时间', attempts: '未接通' },
    reason: { hotline: '热线', walk_in: '来访', sample: '抽样' },
    reveal: '查看号码',
    record: '记录回访',
    attempts: '{n} 次',
    field: { outcome: '回访结果', rating: '反映人评价', comment: '反映人意见', note: '回访备注' },
    outcome: { rated: '已接通并评价', unreachable: '未接通' },
    unsatisfiedHint: '不满意将退回重办',
    form: { pickOutcome: '请选择回访结果', pickRating: '请选择反映人的评价' },
    done: { rated: '已记录评价，事项{state}', unreachable: '已记录未接通（第 {n} 次），可稍后再回访' },
  },
}

/** Error codes of the call-back and result-photo endpoints (spread into `errors`). */
export const callbackErrorsZhCN = {
  NO_PHONE: '反映人没有留下电话，无法回访',
  UNKNOWN_PHOTO: '照片不存在或不属于该事项',
  NOT_OWN_PHOTO: '只能附上本人上传的处理后照片',
  PHOTO_NOT_ATTACHABLE: '照片已属于反映内容或其他答复',
}
