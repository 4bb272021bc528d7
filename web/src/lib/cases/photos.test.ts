import { CASE_MAX_FILES } from '@minqing/common'
import { describe, expect, it } from 'vitest'
import { canAddPhotos } from './photos.ts'

const files = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), eventId: null, filename: 'p.jpg', contentType: 'image/jpeg', size: 1, url: '', createdAt: '' }))

describe('canAddPhotos', () => {
  it('offers the button while the case is open and below the cap, as the server decides', () => {
    expect(canAddPhotos({ state: 'accepted', files: files(0) })).toBe(true)
    expect(canAddPhotos({ state: 'new', files: files(CASE_MAX_FILES - 1) })).toBe(true)
    expect(canAddPhotos({ state: 'accepted', files: files(CASE_MAX_FILES) })).toBe(false)
    for (const state of ['closed', 'rejected', 'merged'] as const) expect(canAddPhotos({ state, files: files(0) })).toBe(false)
  })
})
