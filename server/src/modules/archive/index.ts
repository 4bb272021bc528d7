import type { Module } from '../../context.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { archiveRoutes } from './archive.routes.ts'
import { ArchiveService } from './archive.service.ts'

export const archiveModule: Module = {
  name: 'archive',
  register(app, ctx) {
    archiveRoutes(app, new ArchiveService(ctx.db, new FieldCrypto(ctx.config.secret), new RegionsService(ctx.db), ctx.storage))
  },
}
