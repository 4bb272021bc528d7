import type { Module } from '../../context.ts'
import { callbackRoutes } from './callbacks.routes.ts'
import { CallbacksService } from './callbacks.service.ts'

/** 回访: the queue of answered cases to call back and the calls' outcomes; a rating goes through the case engine. */
export const callbacksModule: Module = {
  name: 'callbacks',
  register(app, ctx, { cases, crypto }) {
    callbackRoutes(app, new CallbacksService(ctx.db, crypto, cases, ctx.config.callbackSampleRate))
  },
}
