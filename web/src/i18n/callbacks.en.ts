import type { callbackErrorsZhCN, callbacksZhCN } from './callbacks.zh-CN.ts'

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> }

/** 回访 (call-backs) messages, English. Spread into en.ts (`...callbacksEn`). */
export const callbacksEn: Shape<typeof callbacksZhCN> = {
  callbacks: {
    title: 'Call-backs',
    intro:
      'Once answered, hotline and walk-in reporters (and a sample of the others) are phoned by staff who did not handle the case, and their rating is recorded: satisfied closes the case, unsatisfied sends it back.',
    empty: 'No cases to call back',
    col: { reason: 'Why', reporter: 'Reporter', repliedAt: 'Answered', attempts: 'Not reached' },
    reason: { hotline: 'Hotline', walk_in: 'Walk-in', sample: 'Sample' },
    reveal: 'Show number',
    record: 'Record call',
    attempts: '{n}×',
    field: { outcome: 'Outcome', rating: 'Reporter’s rating', comment: 'Reporter’s words', note: 'Caller’s note' },
    outcome: { rated: 'Reached, rated', unreachable: 'Not reached' },
    unsatisfiedHint: 'Unsatisfied sends the case back to be handled again',
    form: { pickOutcome: 'Choose how the call went', pickRating: 'Choose the reporter’s rating' },
    done: { rated: 'Rating recorded; the case is {state}', unreachable: 'Not reached (attempt {n}); try again later' },
  },
}

export const callbackErrorsEn: Shape<typeof callbackErrorsZhCN> = {
  NO_PHONE: 'The reporter left no phone to call',
  UNKNOWN_PHOTO: 'The photo does not exist or is not this case’s',
  NOT_OWN_PHOTO: 'Only result photos you uploaded yourself',
  PHOTO_NOT_ATTACHABLE: 'The photo already belongs to the report or another answer',
}
