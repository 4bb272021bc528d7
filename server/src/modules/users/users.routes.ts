import { CreateUserBody, IdParams, UpdateUserBody, UserListQuery, UserListSchema, UserSchema } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { UsersService } from './users.service.ts'

const tags = ['users']

export function userRoutes(app: App, service: UsersService) {
  app.get('/api/users', { schema: { tags, summary: 'Users in the caller’s area', querystring: UserListQuery, response: { 200: UserListSchema, ...errorResponses } } }, async (req) =>
    service.list(actorOf(req), req.query),
  )
  app.get('/api/users/:id', { schema: { tags, summary: 'One user', params: IdParams, response: { 200: UserSchema, ...errorResponses } } }, async (req) => service.get(actorOf(req), req.params.id))
  app.post('/api/users', { schema: { tags, summary: 'Create a user (admin)', body: CreateUserBody, response: { 201: UserSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.create(actorOf(req), req.body, req.ip)),
  )
  app.patch('/api/users/:id', { schema: { tags, summary: 'Change a user (admin)', params: IdParams, body: UpdateUserBody, response: { 200: UserSchema, ...errorResponses } } }, async (req) =>
    service.update(actorOf(req), req.params.id, req.body, req.ip),
  )
}
