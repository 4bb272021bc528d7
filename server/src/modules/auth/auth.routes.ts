import { ChangePasswordBody, LoginBody, LoginResponseSchema, OkSchema, SessionUserSchema } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf, clearSessionCookie, setSessionCookie } from '../../platform/auth.ts'
import { errorSchemas } from '../../platform/errors.ts'
import { type AuthService, actorToSessionUser } from './auth.service.ts'

const errors = errorSchemas(400, 401, 429)
const tags = ['auth']

export function authRoutes(app: App, service: AuthService, ttlHours: number) {
  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: { tags, summary: 'Log in with phone and password', security: [], body: LoginBody, response: { 200: LoginResponseSchema, ...errors } },
    },
    async (req, reply) => {
      const res = await service.login(req.body.phone, req.body.password, req.ip, req.headers['user-agent'] ?? null)
      setSessionCookie(reply, req, res.token, ttlHours * 3600)
      return res
    },
  )
  app.post('/api/auth/logout', { config: { public: true }, schema: { tags, summary: 'End the current session', response: { 200: OkSchema } } }, async (req, reply) => {
    await service.logout(req.actor)
    clearSessionCookie(reply)
    return { ok: true as const }
  })
  app.get('/api/auth/me', { schema: { tags, summary: 'The signed-in user', response: { 200: SessionUserSchema, ...errors } } }, async (req) => actorToSessionUser(actorOf(req)))
  app.post('/api/auth/password', { schema: { tags, summary: 'Change one’s own password', body: ChangePasswordBody, response: { 200: OkSchema, ...errors } } }, async (req) => {
    await service.changePassword(actorOf(req), req.body.currentPassword, req.body.newPassword, req.ip)
    return { ok: true as const }
  })
}
