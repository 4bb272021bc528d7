import { describe, expect, it } from 'vitest'
import Value from 'typebox/value'
import { CallbackBody } from '@minqing/common'
import { buildCallbackBody, callbackProblems, emptyCallbackForm } from './form.ts'

describe('回访 form', () => {
  it('starts with nothing chosen: neither how the call went nor a rating', () => {
    const f = emptyCallbackForm()
    expect(f.outcome).toBeUndefined()
    expect(f.rating).toBeUndefined()
    expect(callbackProblems(f)).toEqual({ outcome: 'callbacks.form.pickOutcome' })
    expect(callbackProblems({ ...f, outcome: 'rated' })).toEqual({ rating: 'callbacks.form.pickRating' })
    expect(callbackProblems({ ...f, outcome: 'unreachable' })).toEqual({})
  })

  it('sends a body the server’s schema takes: the rating only when the reporter rated', () => {
    const rated = buildCallbackBody({ outcome: 'rated', rating: 'basically_satisfied', comment: '  路灯修好了 ', note: '' })
    expect(rated).toEqual({ outcome: 'rated', rating: 'basically_satisfied', comment: '路灯修好了' })
    const missed = buildCallbackBody({ outcome: 'unreachable', rating: 'satisfied', comment: 'x', note: ' 关机 ' })
    expect(missed).toEqual({ outcome: 'unreachable', note: '关机' })
    for (const body of [rated, missed]) expect(Value.Check(CallbackBody, body)).toBe(true)
  })
})
