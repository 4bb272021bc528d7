import {
  AwardsBody,
  AwardsSchema,
  CadreScoresSchema,
  CreateFormulaBody,
  EvaluationQuery,
  FormulaListSchema,
  FormulaVersionSchema,
  LatestAwardsQuery,
  LatestAwardsSchema,
  UnitScoresSchema,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { EvaluationService } from './evaluation.service.ts'

const tags = ['evaluation']

/** 考核评价: scores of units and cadres for a month, the awards (draft → annotated → published), the formula versions. */
export function evaluationRoutes(app: App, service: EvaluationService) {
  app.get(
    '/api/evaluation/units',
    {
      schema: {
        tags,
        summary:
          'Units’ scores for a month (YYYY-MM) in a region of the caller’s area: every figure of the statistics module (groupBy=unit), score, rank and the formula version in force that month (evaluation.read)',
        querystring: EvaluationQuery,
        response: { 200: UnitScoresSchema, ...errorResponses },
      },
    },
    async (req) => service.units(actorOf(req), req.query),
  )
  app.get(
    '/api/evaluation/cadres',
    {
      schema: {
        tags,
        summary: 'Cadres’ scores for a month: case figures (groupBy=handler), visit coverage against the quota, confirmed volunteer hours, score, rank, formula (evaluation.read)',
        querystring: EvaluationQuery,
        response: { 200: CadreScoresSchema, ...errorResponses },
      },
    },
    async (req) => service.cadres(actorOf(req), req.query),
  )
  app.get(
    '/api/evaluation/awards',
    {
      schema: {
        tags,
        summary: 'The month’s 奔跑奖 / 蜗牛奖 of units and cadres with the cases that earned them: the draft (computed now, with the saved notes) or the published round (evaluation.read)',
        querystring: EvaluationQuery,
        response: { 200: AwardsSchema, ...errorResponses },
      },
    },
    async (req) => service.awards(actorOf(req), req.query),
  )
  app.put(
    '/api/evaluation/awards',
    {
      schema: { tags, summary: 'Annotate the month’s draft awards (evaluation.publish); 409 AWARDS_PUBLISHED once published', body: AwardsBody, response: { 200: AwardsSchema, ...errorResponses } },
    },
    async (req) => service.annotate(actorOf(req), req.body),
  )
  app.post(
    '/api/evaluation/awards/publish',
    {
      schema: {
        tags,
        summary: 'Publish the month’s awards with their notes (evaluation.publish: leaders, admins); frozen from then on; 409 AWARDS_PUBLISHED the second time',
        body: AwardsBody,
        response: { 200: AwardsSchema, ...errorResponses },
      },
    },
    async (req) => service.publish(actorOf(req), req.body),
  )
  app.get(
    '/api/evaluation/awards/latest',
    {
      schema: {
        tags,
        summary: 'The latest published awards of a region (the cockpit’s panel), or null (evaluation.read)',
        querystring: LatestAwardsQuery,
        response: { 200: LatestAwardsSchema, ...errorResponses },
      },
    },
    async (req) => service.latest(actorOf(req), req.query),
  )
  app.get('/api/evaluation/formulas', { schema: { tags, summary: 'Every formula version, newest first (evaluation.read)', response: { 200: FormulaListSchema, ...errorResponses } } }, async (req) =>
    service.formulas(actorOf(req)),
  )
  app.post(
    '/api/evaluation/formulas',
    {
      schema: {
        tags,
        summary: 'A new formula version from a month on (county admins, evaluation.formula); 400 FORMULA_PAST_MONTH before this month — past months keep theirs',
        body: CreateFormulaBody,
        response: { 201: Type.Object({ ...FormulaVersionSchema.properties, note: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String() }), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createFormula(actorOf(req), req.body)),
  )
}
