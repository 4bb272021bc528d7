import { IdParams, QrPngQuery, QrTargetSchema, RegionCodeParams } from '@minqing/common'
import Type from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { QrTarget } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import { publicUrlInfo } from '../../platform/public-url.ts'
import type { QrService } from './qr.service.ts'

/** 民情码 posters in the console: the link and its QR code as PNG, per region and per place. */
export function qrRoutes(app: App, service: QrService, publicUrl: string | undefined) {
  const tags = ['public reports (民情码)']
  const png = Type.Unknown({ description: 'image/png' })
  // PUBLIC_URL, or the address this request came to, judged for whether residents' phones can reach it.
  const base = (req: FastifyRequest) => publicUrlInfo(publicUrl, req)

  const sendPng = async (reply: FastifyReply, target: QrTarget, query: { size?: number; download?: boolean }) => {
    const data = await service.png(target, query.size ?? 512)
    reply.type('image/png').header('cache-control', 'private, max-age=300')
    if (query.download) {
      const filename = `民情码-${target.areaNames.join('')}${target.kind === 'place' ? target.name : ''}.png`
      reply.header('content-disposition', `attachment; filename="qr-${target.code}.png"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    }
    return reply.send(data)
  }

  app.get(
    '/api/qr/regions/:code',
    {
      schema: {
        tags,
        summary: 'The 民情码 of a region in the caller’s area (county down to grid): its link and PNG address',
        params: RegionCodeParams,
        response: { 200: QrTargetSchema, ...errorResponses },
      },
    },
    async (req) => service.regionTarget(actorOf(req), req.params.code, base(req)),
  )
  app.get(
    '/api/qr/regions/:code.png',
    {
      schema: {
        tags,
        summary: 'The QR code of a region’s 民情码 as PNG (?size= pixels, ?download=true)',
        params: RegionCodeParams,
        querystring: QrPngQuery,
        response: { 200: png, ...errorResponses },
      },
    },
    async (req, reply) => sendPng(reply, await service.regionTarget(actorOf(req), req.params.code, base(req)), req.query),
  )
  app.get('/api/qr/places/:id', { schema: { tags, summary: 'The 民情码 of a place (made on first request)', params: IdParams, response: { 200: QrTargetSchema, ...errorResponses } } }, async (req) =>
    service.placeTarget(actorOf(req), req.params.id, base(req)),
  )
  app.get(
    '/api/qr/places/:id.png',
    { schema: { tags, summary: 'The QR code of a place’s 民情码 as PNG', params: IdParams, querystring: QrPngQuery, response: { 200: png, ...errorResponses } } },
    async (req, reply) => sendPng(reply, await service.placeTarget(actorOf(req), req.params.id, base(req)), req.query),
  )
}
