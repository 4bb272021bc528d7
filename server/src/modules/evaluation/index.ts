import type { Module } from '../../context.ts'
import { evaluationRoutes } from './evaluation.routes.ts'

/** 考核评价 (issue 16): scores of units and cadres from the statistics module, versioned formula, 奔跑奖 / 蜗牛奖. */
export const evaluationModule: Module = {
  name: 'evaluation',
  register(app, _ctx, { evaluation }) {
    evaluationRoutes(app, evaluation)
  },
}
