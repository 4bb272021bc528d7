// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from './client.ts'
import { householdsApi, importsApi, personsApi, tagsApi } from './archive.ts'
import { householdParams, personParams, emptyPersonFilters } from '../lib/archive/query.ts'

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('archive api', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists households with repeated tag parameters', async () => {
    fetchMock.mockResolvedValue(json(200, { items: [], total: 0 }))
    await householdsApi.list(householdParams({ regionCode: '330683105', tags: ['dibao', 'yilao_yixiao'], q: '' }, { limit: 20, offset: 0 }))
    expect(fetchMock.mock.calls[0][0]).toBe('/api/households?regionCode=330683105&tag=dibao&tag=yilao_yixiao&limit=20&offset=0')
  })

  it('lists persons by the filters', async () => {
    fetchMock.mockResolvedValue(json(200, { items: [], total: 0 }))
    await personsApi.list(personParams({ ...emptyPersonFilters(), tags: ['alone_elderly'], childrenInCity: 'no', ageMin: 60 }))
    expect(fetchMock.mock.calls[0][0]).toBe('/api/persons?tag=alone_elderly&childrenInCity=false&ageMin=60')
  })

  it('searches an ID number by POST, never in the URL (the server refuses ?idNumber=), and exports without it', async () => {
    fetchMock.mockResolvedValue(json(200, { items: [], total: 0 }))
    await personsApi.list(personParams({ ...emptyPersonFilters(), idNumber: ' 33068319900101123x ', ageMin: 60 }, { limit: 20, offset: 0 }))
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/persons/search')
    expect(init.method).toBe('POST')
    expect(JSON.parse(init.body)).toEqual({ idNumber: '33068319900101123X', ageMin: 60, limit: 20, offset: 0 })
  })

  it('reveals a field with a POST', async () => {
    fetchMock.mockResolvedValue(json(200, { field: 'phone', value: '13812345678' }))
    expect(await personsApi.reveal('p1', 'phone')).toEqual({ field: 'phone', value: '13812345678' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/persons/p1/reveal')
    expect(init.method).toBe('POST')
    expect(JSON.parse(init.body)).toEqual({ field: 'phone' })
  })

  it('uploads a document as multipart (kind, title, file) without a JSON content type', async () => {
    fetchMock.mockResolvedValue(json(201, { id: 'd1' }))
    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'a.png', { type: 'image/png' })
    expect(await householdsApi.uploadDocument('h1', file, '户口簿', '户口本首页')).toEqual({ id: 'd1' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/households/h1/documents')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('include')
    expect(init.headers['Content-Type']).toBeUndefined()
    const body = init.body as FormData
    expect(body.get('kind')).toBe('户口簿')
    expect(body.get('title')).toBe('户口本首页')
    expect((body.get('file') as File).name).toBe('a.png')
  })

  it('turns an upload refusal into an ApiError', async () => {
    fetchMock.mockResolvedValue(json(400, { error: { code: 'UNSUPPORTED_FILE', message: '只接受图片或 PDF' } }))
    const err = (await personsApi.uploadDocument('p1', new File(['x'], 'a.txt'), '其他', 't').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('UNSUPPORTED_FILE')
    expect(err.status).toBe(400)
  })

  it('starts an import with an optional mapping', async () => {
    fetchMock.mockResolvedValue(json(201, { id: 'j1', status: 'queued' }))
    await importsApi.start(new File(['a,b'], 'x.csv'), { 户主: 'name' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/imports/households')
    expect(JSON.parse((init.body as FormData).get('mapping') as string)).toEqual({ 户主: 'name' })
    fetchMock.mockResolvedValue(json(201, { id: 'j2' }))
    await importsApi.start(new File(['a,b'], 'x.csv'))
    expect((fetchMock.mock.calls[1][1].body as FormData).has('mapping')).toBe(false)
  })

  it('reads the job list as an array or a page', async () => {
    fetchMock.mockResolvedValueOnce(json(200, [{ id: 'j1' }]))
    expect(await importsApi.list()).toEqual([{ id: 'j1' }])
    fetchMock.mockResolvedValueOnce(json(200, { items: [{ id: 'j2' }], total: 1 }))
    expect(await importsApi.list()).toEqual([{ id: 'j2' }])
  })

  it('downloads the export as a file, or throws the error body (e.g. 404 before the route exists)', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    URL.createObjectURL = vi.fn(() => 'blob:x')
    URL.revokeObjectURL = vi.fn()
    fetchMock.mockResolvedValueOnce(new Response(new Blob(['PK']), { status: 200, headers: { 'Content-Disposition': `attachment; filename*=UTF-8''%E6%88%B7.xlsx` } }))
    expect(await householdsApi.export({ q: '王' })).toBe('户.xlsx')
    expect(fetchMock.mock.calls[0][0]).toBe('/api/households/export?q=%E7%8E%8B')
    expect(click).toHaveBeenCalledTimes(1)
    fetchMock.mockResolvedValueOnce(json(404, { error: { code: 'NOT_FOUND', message: 'Route GET:/api/households/export not found' } }))
    const err = (await householdsApi.export({}).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(404)
    expect(click).toHaveBeenCalledTimes(1)
    click.mockRestore()
  })

  it('loads the tag catalogue', async () => {
    fetchMock.mockResolvedValue(json(200, []))
    await tagsApi.list()
    expect(fetchMock.mock.calls[0][0]).toBe('/api/tags')
  })
})
