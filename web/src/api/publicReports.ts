/**
 * The resident's doors over the API (no session): the 民情码 page data, the report, tracking and rating; and the
 * console's 民情码 posters. Types from @minqing/common (type-only: the web never loads TypeBox).
 */
import type { PublicCaseView, PublicPactBoard, PublicQrInfo, PublicReportCreated, QrTarget } from '@minqing/common'
import { api } from './client.ts'
import { postForm } from './transfer.ts'

const enc = encodeURIComponent

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'

export const publicReportsApi = {
  qr: (code: string) => api.get<PublicQrInfo>(`/public/qr/${enc(code)}`),
  /** Always multipart: the same fields as JSON, and the photos as files. */
  report: (form: FormData) => postForm<PublicReportCreated>('/public/reports', form),
  track: (trackingCode: string) => api.get<PublicCaseView>(`/public/reports/${enc(trackingCode)}`),
  /** The village's 亮约 board (published pacts). */
  pacts: (regionCode: string) => api.get<PublicPactBoard>(`/public/pacts/${enc(regionCode)}`),
  rate: (trackingCode: string, body: { rating: Rating; comment?: string }) => api.post<PublicCaseView>(`/public/reports/${enc(trackingCode)}/rating`, body),
}

export const qrApi = {
  region: (code: string) => api.get<QrTarget>(`/qr/regions/${enc(code)}`),
  place: (id: string) => api.get<QrTarget>(`/qr/places/${enc(id)}`),
}
