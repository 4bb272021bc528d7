import { describe, expect, it } from 'vitest'
import { addedFiles } from './resultPhotos.ts'

const file = (id: string) => ({ id, eventId: null, filename: 'p.jpg', contentType: 'image/jpeg', size: 1, url: `/api/cases/c/files/${id}`, createdAt: '' })

describe('addedFiles', () => {
  it('finds the photos an upload added to the case, whatever the order the server lists them in', () => {
    expect(addedFiles([file('a'), file('b')], [file('b'), file('c'), file('a')]).map((f) => f.id)).toEqual(['c'])
    expect(addedFiles([], [file('a')]).map((f) => f.id)).toEqual(['a'])
    expect(addedFiles([file('a')], [file('a')])).toEqual([])
  })
})
