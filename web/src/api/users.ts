import type { CreateUser, Role, UpdateUser, User, UserList } from '@minqing/common'
import { api } from './client.ts'

export interface UserQuery {
  regionCode?: string
  role?: Role | ''
  q?: string
  limit?: number
  offset?: number
}

export const usersApi = {
  list: (query: UserQuery = {}) => api.get<UserList>('/users', { ...query }),
  get: (id: string) => api.get<User>(`/users/${encodeURIComponent(id)}`),
  create: (body: CreateUser) => api.post<User>('/users', body),
  update: (id: string, body: UpdateUser) => api.patch<User>(`/users/${encodeURIComponent(id)}`, body),
}
