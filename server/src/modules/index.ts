import type { Module } from '../context.ts'
import { archiveModule } from './archive/index.ts'
import { brainModule } from './brain/index.ts'
import { brainSimilarModule } from './brain/similar.module.ts'
import { auditModule } from './audit/index.ts'
import { authModule } from './auth/index.ts'
import { callbacksModule } from './callbacks/index.ts'
import { caseImportsModule } from './case-imports/index.ts'
import { casesModule } from './cases/index.ts'
import { cockpitModule } from './cockpit/index.ts'
import { diaryModule } from './diary/index.ts'
import { evaluationModule } from './evaluation/index.ts'
import { dutyModule } from './duty/index.ts'
import { healthModule } from './health/index.ts'
import { importsModule } from './imports/index.ts'
import { intakeModule } from './intake/index.ts'
import { notificationsModule } from './notifications/index.ts'
import { open311Module } from './open311/index.ts'
import { regionsModule } from './regions/index.ts'
import { reportsModule } from './reports/index.ts'
import { reporterSmsModule } from './reporter-sms/index.ts'
import { statsModule } from './stats/index.ts'
import { tasksModule } from './tasks/index.ts'
import { volunteerTeamsModule } from './volunteer-teams/index.ts'
import { activitiesModule } from './activities/index.ts'
import { unitsModule } from './units/index.ts'
import { meetingsModule } from './meetings/index.ts'
import { pactsModule } from './pacts/index.ts'
import { usersModule } from './users/index.ts'

/** Every module, in registration order. A new module adds itself here. */
export const modules: Module[] = [
  healthModule,
  authModule,
  regionsModule,
  unitsModule,
  usersModule,
  archiveModule,
  diaryModule,
  importsModule,
  casesModule,
  notificationsModule,
  reporterSmsModule,
  callbacksModule,
  intakeModule,
  open311Module,
  caseImportsModule,
  auditModule,
  statsModule,
  cockpitModule,
  tasksModule,
  volunteerTeamsModule,
  activitiesModule,
  reportsModule,
  brainModule,
  brainSimilarModule,
  dutyModule,
  evaluationModule,
  meetingsModule,
  pactsModule,
]
