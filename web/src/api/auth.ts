import type { LoginResponse, SessionUser } from '@minqing/common'
import { api } from './client.ts'

export const authApi = {
  login: (phone: string, password: string) => api.post<LoginResponse>('/auth/login', { phone, password }, { skipUnauthorizedHandler: true }),
  logout: () => api.post<{ ok: true }>('/auth/logout', {}, { skipUnauthorizedHandler: true }),
  me: () => api.get<SessionUser>('/auth/me', undefined, { skipUnauthorizedHandler: true }),
  changePassword: (currentPassword: string, newPassword: string) => api.post<{ ok: true }>('/auth/password', { currentPassword, newPassword }),
}
